package io.harborsync.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class ContourStepTest {
    KubernetesClient client;

    LabContext lab(Duration timeout) {
        LabSettings settings = LabSettings.defaults(Path.of("."))
                .withContourManifest(LabFixture.CONTOUR_MANIFEST.toString())
                .withReadyTimeout(timeout, Duration.ofMillis(50));
        return LabContext.of(settings, client, "", Clock.systemUTC());
    }

    Service envoy() {
        return client.services().inNamespace("projectcontour").withName("envoy").get();
    }

    @Test
    void appliesTheManifestWithEnvoyOnTheFixedNodePortsAndWaitsUntilReady() throws Exception {
        try (AutoCloseable controllers = LabFixture.readyController(client)) {
            LabStep.Outcome first = new ContourStep().apply(lab(Duration.ofSeconds(20)));

            assertThat(first.changed()).isTrue();
            assertThat(first.detail()).startsWith("created 4 resources").endsWith("ready");
            Service envoy = envoy();
            assertThat(envoy.getSpec().getType()).isEqualTo("NodePort");
            assertThat(envoy.getSpec().getClusterIP()).isEqualTo(LabNames.ENVOY_CLUSTER_IP);
            assertThat(envoy.getSpec().getPorts().stream().collect(Collectors.toMap(ServicePort::getPort, ServicePort::getNodePort)))
                    .isEqualTo(Map.of(80, LabNames.ENVOY_HTTP_NODE_PORT, 443, LabNames.ENVOY_HTTPS_NODE_PORT));
            assertThat(client.apps().deployments().inNamespace("projectcontour").withName("contour").get()).isNotNull();

            String version = envoy.getMetadata().getResourceVersion();
            assertThat(new ContourStep().apply(lab(Duration.ofSeconds(20)))).isEqualTo(LabStep.Outcome.unchanged());
            assertThat(envoy().getMetadata().getResourceVersion()).isEqualTo(version);
        }
    }

    @Test
    void anEnvoyServiceOnAnotherClusterIpIsRecreatedAndOneWithoutNodePortsPatched() throws Exception {
        Service manifest = (Service) ContourStep.load(client, LabFixture.CONTOUR_MANIFEST.toString()).stream()
                .filter(Service.class::isInstance).findFirst().orElseThrow();
        client.resource(new ServiceBuilder(manifest).editSpec().withClusterIP("10.96.3.4").endSpec().build()).create();
        String oldUid = envoy().getMetadata().getUid();

        assertThat(ContourStep.ensureEnvoyService(client)).contains("envoy service re-created on 10.96.100.100");
        assertThat(envoy().getSpec().getClusterIP()).isEqualTo(LabNames.ENVOY_CLUSTER_IP);
        assertThat(envoy().getMetadata().getUid()).isNotEqualTo(oldUid);

        client.services().inNamespace("projectcontour").withName("envoy").edit(s -> {
            s.getSpec().setType("LoadBalancer");
            s.getSpec().getPorts().forEach(p -> p.setNodePort(31999));
            return s;
        });
        assertThat(ContourStep.ensureEnvoyService(client)).contains("envoy service patched to NodePort 30080/30443");
        assertThat(envoy().getSpec().getPorts()).extracting(ServicePort::getNodePort).containsExactly(30080, 30443);
        assertThat(envoy().getSpec().getType()).isEqualTo("NodePort");
        assertThat(ContourStep.ensureEnvoyService(client)).isEmpty();
    }

    @Test
    void givesUpAfterTheReadyTimeoutSayingWhatIsNotReady() {
        // No controller runs: nothing ever becomes ready.
        assertThatThrownBy(() -> new ContourStep().apply(lab(Duration.ofMillis(300))))
                .isInstanceOf(LabException.class)
                .hasMessage("Contour not ready after 0s: deployment projectcontour/contour 0/2 ready, "
                        + "daemonset projectcontour/envoy 0/1 ready (harbor-sync.lab.ready-timeout)");
    }

    @Test
    void aMissingManifestFileIsNamed() {
        LabSettings settings = LabSettings.defaults(Path.of(".")).withContourManifest("no/such/contour.yaml");
        assertThatThrownBy(() -> new ContourStep().apply(LabContext.of(settings, client, "", Clock.systemUTC())))
                .hasMessage("Contour manifest not found: no/such/contour.yaml (harbor-sync.lab.contour-manifest)");
    }
}
