package io.harborsync.lab;

import static io.harborsync.lab.LabNames.CONTOUR_DEPLOYMENT;
import static io.harborsync.lab.LabNames.CONTOUR_NAMESPACE;
import static io.harborsync.lab.LabNames.ENVOY;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Contour from its pinned release manifest, with the Envoy service turned into a NodePort service on the
 * fixed node ports kind forwards host ports 80/443 to, and a fixed cluster IP that CoreDNS points the lab
 * host names at. Resources of the manifest are created when missing and otherwise left alone: the manifest
 * is pinned, so an existing resource came from it (a new pin needs {@code lab down} first).
 */
@Singleton
public class ContourStep implements LabStep {
    public static final String VERSION = "v1.33.6";
    public static final String MANIFEST_URL =
            "https://raw.githubusercontent.com/projectcontour/contour/" + VERSION + "/examples/render/contour.yaml";

    @Override
    public String name() {
        return "contour";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public Outcome apply(LabContext lab) throws IOException, InterruptedException {
        KubernetesClient client = lab.client();
        List<String> changes = new ArrayList<>();
        int created = 0;
        for (HasMetadata item : load(client, lab.settings().contourManifest())) {
            if (isEnvoyService(item)) {
                item = wanted((Service) item);
            }
            if (client.resource(item).get() == null) {
                client.resource(item).create();
                created++;
            }
        }
        if (created > 0) {
            changes.add("created " + created + " resources");
        }
        ensureEnvoyService(client).ifPresent(changes::add);
        awaitReady(client, lab.settings().readyTimeout(), lab.settings().pollInterval());
        return changes.isEmpty() ? Outcome.unchanged() : Outcome.done(String.join(", ", changes) + ", ready");
    }

    static List<HasMetadata> load(KubernetesClient client, String manifest) throws IOException, InterruptedException {
        byte[] yaml;
        if (manifest.startsWith("https://") || manifest.startsWith("http://")) {
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(URI.create(manifest)).timeout(Duration.ofMinutes(2)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new LabException("cannot download the Contour manifest " + manifest + ": HTTP " + response.statusCode());
            }
            yaml = response.body();
        } else {
            Path file = Path.of(manifest);
            if (!Files.isRegularFile(file)) {
                throw new LabException("Contour manifest not found: " + file + " (harbor-sync.lab.contour-manifest)");
            }
            yaml = Files.readAllBytes(file);
        }
        try (InputStream in = new ByteArrayInputStream(yaml)) {
            return client.load(in).items();
        }
    }

    private static boolean isEnvoyService(HasMetadata item) {
        return item instanceof Service && ENVOY.equals(item.getMetadata().getName())
                && CONTOUR_NAMESPACE.equals(item.getMetadata().getNamespace());
    }

    /** The Envoy service as the lab needs it: NodePort on the fixed ports, on the fixed cluster IP. */
    static Service wanted(Service service) {
        Service s = new ServiceBuilder(service).editSpec()
                .withType("NodePort")
                .withClusterIP(LabNames.ENVOY_CLUSTER_IP)
                .withClusterIPs(LabNames.ENVOY_CLUSTER_IP)
                .endSpec().build();
        s.getSpec().setLoadBalancerIP(null);
        for (ServicePort port : s.getSpec().getPorts()) {
            Integer nodePort = nodePortFor(port.getPort());
            if (nodePort != null) {
                port.setNodePort(nodePort);
            }
        }
        return s;
    }

    private static Integer nodePortFor(Integer port) {
        if (Objects.equals(port, 80)) {
            return LabNames.ENVOY_HTTP_NODE_PORT;
        }
        if (Objects.equals(port, 443)) {
            return LabNames.ENVOY_HTTPS_NODE_PORT;
        }
        return null;
    }

    /** Patches or, when its cluster IP differs (immutable), re-creates the Envoy service; empty when it was right. */
    static Optional<String> ensureEnvoyService(KubernetesClient client) {
        var resource = client.services().inNamespace(CONTOUR_NAMESPACE).withName(ENVOY);
        Service current = resource.get();
        if (current == null) {
            throw new LabException("the Contour manifest has no service " + CONTOUR_NAMESPACE + "/" + ENVOY);
        }
        Service wanted = wanted(current);
        if (!LabNames.ENVOY_CLUSTER_IP.equals(current.getSpec().getClusterIP())) {
            resource.withTimeout(1, TimeUnit.MINUTES).delete();
            Service fresh = new ServiceBuilder(wanted).editMetadata().withResourceVersion(null).withUid(null)
                    .withCreationTimestamp(null).withManagedFields(List.of()).endMetadata().withStatus(null).build();
            client.resource(fresh).create();
            return Optional.of("envoy service re-created on " + LabNames.ENVOY_CLUSTER_IP);
        }
        if (sameShape(current, wanted)) {
            return Optional.empty();
        }
        resource.edit(s -> wanted(s));
        return Optional.of("envoy service patched to NodePort " + LabNames.ENVOY_HTTP_NODE_PORT + "/"
                + LabNames.ENVOY_HTTPS_NODE_PORT);
    }

    private static boolean sameShape(Service current, Service wanted) {
        return Objects.equals(current.getSpec().getType(), wanted.getSpec().getType())
                && Objects.equals(current.getSpec().getPorts(), wanted.getSpec().getPorts());
    }

    /** Waits until the contour Deployment and the envoy DaemonSet report all their pods ready. */
    static void awaitReady(KubernetesClient client, Duration timeout, Duration poll) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            String contour = deploymentState(client.apps().deployments().inNamespace(CONTOUR_NAMESPACE)
                    .withName(CONTOUR_DEPLOYMENT).get());
            String envoy = daemonSetState(client.apps().daemonSets().inNamespace(CONTOUR_NAMESPACE).withName(ENVOY).get());
            if (contour == null && envoy == null) {
                return;
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new LabException("Contour not ready after " + timeout.toSeconds() + "s: "
                        + String.join(", ", Stream.of(contour, envoy).filter(Objects::nonNull).toList())
                        + " (harbor-sync.lab.ready-timeout)");
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** Null when ready, else what is missing. */
    private static String deploymentState(Deployment d) {
        String what = "deployment " + CONTOUR_NAMESPACE + "/" + CONTOUR_DEPLOYMENT;
        if (d == null) {
            return what + " missing";
        }
        int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int ready = d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0 : d.getStatus().getReadyReplicas();
        return ready >= wanted ? null : what + " " + ready + "/" + wanted + " ready";
    }

    private static String daemonSetState(DaemonSet ds) {
        String what = "daemonset " + CONTOUR_NAMESPACE + "/" + ENVOY;
        if (ds == null) {
            return what + " missing";
        }
        int wanted = ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null
                ? 0 : ds.getStatus().getDesiredNumberScheduled();
        int ready = ds.getStatus() == null || ds.getStatus().getNumberReady() == null ? 0 : ds.getStatus().getNumberReady();
        // Zero desired means the controller has not scheduled it yet, not that it is done.
        return wanted > 0 && ready >= wanted ? null : what + " " + ready + "/" + Math.max(wanted, 1) + " ready";
    }
}
