package io.harborsync.lab;

import io.harborsync.bootstrap.Bootstrap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.harborsync.config.Site;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link Bootstrap} on the lab's two Harbors, logged in as admin with the password the harbor step put in
 * the secret harbor-admin, trusting the lab CA. It also writes what the deployed daemon needs into the
 * Secret {@code harbor-sync/harbor-sync} (deploy/harbor-sync reads it): the harbor-sync robots as the
 * sites' credentials, an admin token and a webhook secret per site. Values already in that Secret are
 * kept, so a second run changes nothing; the robot secrets stay in files under secrets/ (mode 0600).
 */
@Singleton
public class LabBootstrapStep implements LabStep {
    public static final String DAEMON_NAMESPACE = "harbor-sync";
    public static final String DAEMON_SECRET = "harbor-sync";
    /** Where Harbor posts webhooks: the daemon's Service in the cluster (deploy/harbor-sync). */
    public static final String DAEMON_URL = "http://harbor-sync.harbor-sync.svc.cluster.local:8080";

    private final Function<String, URI> harborUrl;
    private final Path secretsDir;
    private final SecureRandom random = new SecureRandom();

    public LabBootstrapStep() {
        this(ns -> URI.create("https://" + LabNames.harborHost(ns)), Path.of("secrets"));
    }

    /** @param harborUrl where this machine reaches the Harbor of a namespace (tests: an emulator) */
    public LabBootstrapStep(Function<String, URI> harborUrl, Path secretsDir) {
        this.harborUrl = harborUrl;
        this.secretsDir = secretsDir;
    }

    @Override
    public String name() {
        return "bootstrap";
    }

    @Override
    public int order() {
        return 70;
    }

    @Override
    public Outcome apply(LabContext lab) {
        KubernetesClient k8s = lab.client();
        Map<String, String> daemon = new LinkedHashMap<>(existingDaemonSecret(k8s));
        daemon.putIfAbsent("HARBOR_SYNC_ADMIN_TOKEN", randomHex(32));
        List<Site> sites = LabNames.HARBOR_NAMESPACES.stream().map(ns -> {
            String hook = daemon.computeIfAbsent(env(ns, "WEBHOOK_SECRET"), k -> randomHex(24));
            Optional<Path> ca = Optional.of(lab.settings().certDir().resolve("ca.pem")).filter(Files::isRegularFile);
            return new Site(ns, harborUrl.apply(ns), "admin", adminPassword(k8s, ns), ca, Optional.of(hook));
        }).toList();

        Map<String, HarborClient> admin = new LinkedHashMap<>();
        Function<Site, HarborClient> clientFor = s -> HarborClientFactory.create(s, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 100);
        sites.forEach(s -> admin.put(s.name(), clientFor.apply(s)));
        StringWriter progress = new StringWriter();
        Bootstrap bootstrap = new Bootstrap(sites, admin, clientFor, Map.of(), Optional.of(DAEMON_URL), secretsDir,
                false, new PrintWriter(progress, true));
        bootstrap.run();

        for (Site s : sites) {
            daemon.put(env(s.name(), "USERNAME"), "robot$" + Bootstrap.SYNC_ROBOT);
            daemon.put(env(s.name(), "PASSWORD"), read(bootstrap.secretFile(s)));
        }
        // Bootstrap says "<site>: <item> <outcome>" per item; anything but "already in place" was a change.
        boolean harborChanged = progress.toString().lines()
                .anyMatch(l -> l.contains(": ") && !l.endsWith(LabStep.Outcome.UNCHANGED));
        boolean secretChanged = !daemon.equals(existingDaemonSecret(k8s));
        if (secretChanged) {
            writeDaemonSecret(k8s, daemon);
        }
        if (!harborChanged && !secretChanged) {
            return Outcome.unchanged();
        }
        return Outcome.done("replication with deletions between h1 and h2, robots and webhook policies in place"
                + (secretChanged ? "; secret " + DAEMON_NAMESPACE + "/" + DAEMON_SECRET + " written for the daemon" : ""));
    }

    private static String env(String site, String key) {
        return "HARBOR_SYNC_SITES_" + site.toUpperCase(Locale.ROOT) + "_" + key;
    }

    private static String adminPassword(KubernetesClient k8s, String ns) {
        String value = decoded(k8s.secrets().inNamespace(ns).withName(LabNames.ADMIN_SECRET).get())
                .get(LabNames.ADMIN_SECRET_KEY);
        if (value == null) {
            throw new LabException("no admin password in secret " + ns + "/" + LabNames.ADMIN_SECRET
                    + ": run `harbor-sync lab harbor` first");
        }
        return value;
    }

    private static Map<String, String> existingDaemonSecret(KubernetesClient k8s) {
        return decoded(k8s.secrets().inNamespace(DAEMON_NAMESPACE).withName(DAEMON_SECRET).get());
    }

    /** A secret's values in plain text ({@code data} is base64, {@code stringData} is not); none for no secret. */
    private static Map<String, String> decoded(Secret s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s != null) {
            if (s.getData() != null) {
                s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
            }
            if (s.getStringData() != null) {
                out.putAll(s.getStringData());
            }
        }
        return out;
    }

    private static void writeDaemonSecret(KubernetesClient k8s, Map<String, String> values) {
        if (k8s.namespaces().withName(DAEMON_NAMESPACE).get() == null) {
            Namespace ns = new NamespaceBuilder().withNewMetadata().withName(DAEMON_NAMESPACE).endMetadata().build();
            k8s.resource(ns).create();
        }
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        k8s.resource(new SecretBuilder().withNewMetadata().withName(DAEMON_SECRET).withNamespace(DAEMON_NAMESPACE)
                .endMetadata().withType("Opaque").withData(data).build()).createOr(r -> r.update());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
