package io.harborsync.lab;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two Harbors: the official chart (pinned) into h1 and h2 with the values under deploy/harbor
 * (values-common.yaml, then values-&lt;namespace&gt;.yaml). Helm makes a new revision on every upgrade, so
 * the step records the chart and a checksum of the values in a ConfigMap and skips a namespace whose
 * deployed release already has both. The admin password lives only in the secret harbor-admin (created
 * once, from harbor-sync.lab.admin-password or random; Harbor reads it only at its first start).
 */
@Singleton
public class HarborStep implements LabStep {
    /** Chart 1.19.1 is Harbor v2.15.1 (goharbor/harbor-helm release notes). */
    public static final HelmReleases.Chart CHART =
            new HelmReleases.Chart("harbor", "https://helm.goharbor.io", "harbor", "1.19.1");
    public static final String RELEASE = "harbor";
    static final String MARKER = "harbor-sync-lab-harbor";
    static final String COMMON_VALUES = "values-common.yaml";

    private final HelmReleases helm;
    private final Optional<String> adminPassword;

    @Inject
    public HarborStep(HelmReleases helm, LabConfig config) {
        this(helm, config.adminPassword());
    }

    public HarborStep(HelmReleases helm, Optional<String> adminPassword) {
        this.helm = helm;
        this.adminPassword = adminPassword.filter(p -> !p.isBlank());
    }

    @Override
    public String name() {
        return "harbor";
    }

    @Override
    public int order() {
        return 50;
    }

    public static List<Path> valuesFiles(Path dir, String namespace) {
        return List.of(dir.resolve(COMMON_VALUES), dir.resolve("values-" + namespace + ".yaml"));
    }

    @Override
    public Outcome apply(LabContext lab) throws IOException, GeneralSecurityException {
        KubernetesClient client = lab.client();
        List<String> installed = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        for (String ns : LabNames.HARBOR_NAMESPACES) {
            List<Path> values = valuesFiles(lab.settings().harborValues(), ns);
            for (Path v : values) {
                if (!Files.isRegularFile(v)) {
                    throw new LabException("Harbor values not found: " + v + " (harbor-sync.lab.harbor-values)");
                }
            }
            if (client.namespaces().withName(ns).get() == null) {
                client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            }
            if (ensureAdminSecret(client, ns)) {
                secrets.add(ns);
            }
            String checksum = checksum(values);
            var marker = client.configMaps().inNamespace(ns).withName(MARKER);
            ConfigMap recorded = marker.get();
            Map<String, String> wanted = Map.of("chart", CHART.nameAndVersion(), "values-sha256", checksum);
            boolean deployed = helm.deployedChart(RELEASE, ns, lab.kubeconfig())
                    .filter(CHART.nameAndVersion()::equals).isPresent();
            if (deployed && recorded != null && wanted.equals(recorded.getData())) {
                continue;
            }
            helm.upgradeInstall(CHART, RELEASE, ns, values, lab.settings().harborTimeout(), lab.kubeconfig());
            if (recorded == null) {
                client.resource(new ConfigMapBuilder().withNewMetadata().withName(MARKER).withNamespace(ns)
                        .endMetadata().withData(wanted).build()).create();
            } else {
                marker.edit(cm -> new ConfigMapBuilder(cm).withData(wanted).build());
            }
            installed.add(ns);
        }
        if (installed.isEmpty() && secrets.isEmpty()) {
            return Outcome.unchanged();
        }
        List<String> parts = new ArrayList<>();
        if (!installed.isEmpty()) {
            parts.add("installed " + CHART.nameAndVersion() + " in " + String.join(", ", installed));
        }
        if (!secrets.isEmpty()) {
            parts.add("admin password in secret " + LabNames.ADMIN_SECRET + " (key " + LabNames.ADMIN_SECRET_KEY
                    + ") of " + String.join(", ", secrets));
        }
        return Outcome.done(String.join("; ", parts));
    }

    /** Creates the admin password secret when missing; never changes an existing one. */
    private boolean ensureAdminSecret(KubernetesClient client, String ns) {
        if (client.secrets().inNamespace(ns).withName(LabNames.ADMIN_SECRET).get() != null) {
            return false;
        }
        String password = adminPassword.orElseGet(HarborStep::randomPassword);
        client.resource(new SecretBuilder().withNewMetadata().withName(LabNames.ADMIN_SECRET).withNamespace(ns)
                .endMetadata().withType("Opaque").withStringData(Map.of(LabNames.ADMIN_SECRET_KEY, password))
                .build()).create();
        return true;
    }

    /** Letters and digits with at least one of each kind Harbor's password rule asks for. */
    static String randomPassword() {
        SecureRandom random = new SecureRandom();
        String lower = "abcdefghijkmnopqrstuvwxyz";
        String upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        String digits = "23456789";
        String all = lower + upper + digits;
        StringBuilder b = new StringBuilder();
        b.append(upper.charAt(random.nextInt(upper.length())));
        b.append(lower.charAt(random.nextInt(lower.length())));
        b.append(digits.charAt(random.nextInt(digits.length())));
        for (int i = 0; i < 21; i++) {
            b.append(all.charAt(random.nextInt(all.length())));
        }
        return b.toString();
    }

    private static String checksum(List<Path> files) throws IOException, GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(CHART.nameAndVersion().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (Path f : files) {
            sha.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
