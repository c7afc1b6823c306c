package io.harborsync.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class CorednsStepTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    KubernetesClient client;

    @BeforeEach
    void cluster() {
        LabFixture.seedKubeSystem(client);
        client.resource(new ServiceBuilder().withNewMetadata().withName("envoy").withNamespace("projectcontour")
                .endMetadata().withNewSpec().withClusterIP(LabNames.ENVOY_CLUSTER_IP).endSpec().build()).create();
    }

    LabContext at(Instant t) {
        return LabContext.of(LabSettings.defaults(Path.of(".")), client, "", Clock.fixed(t, ZoneOffset.UTC));
    }

    String corefile() {
        return client.configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile");
    }

    Map<String, String> podTemplateAnnotations() {
        return client.apps().deployments().inNamespace("kube-system").withName("coredns").get()
                .getSpec().getTemplate().getMetadata().getAnnotations();
    }

    @Test
    void addsHostsInsideTheRootServerBlockAndRestartsCorednsOnce() throws Exception {
        LabStep.Outcome first = new CorednsStep().apply(at(T0));

        assertThat(first.changed()).isTrue();
        String corefile = corefile();
        assertThat(corefile).contains("""
                .:53 {
                    hosts {
                       10.96.100.100 core.harbor.domain core.h1.harbor.domain core.h2.harbor.domain
                       fallthrough
                    }
                    errors
                """);
        // Everything kind had is still there, and the block is closed inside the server block.
        assertThat(corefile).contains("forward . /etc/resolv.conf {", "loadbalance\n}");
        assertThat(podTemplateAnnotations()).containsEntry(CorednsStep.RESTARTED_AT, T0.toString());

        LabStep.Outcome second = new CorednsStep().apply(at(T0.plusSeconds(60)));

        assertThat(second).isEqualTo(LabStep.Outcome.unchanged());
        assertThat(corefile()).isEqualTo(corefile);
        assertThat(podTemplateAnnotations()).containsEntry(CorednsStep.RESTARTED_AT, T0.toString());
    }

    @Test
    void anExistingHostsBlockKeepsForeignEntriesAndLosesTheOldAddress() {
        String before = """
                .:53 {
                    errors
                    hosts {
                       10.0.0.9 other.example
                       10.96.7.7 core.h1.harbor.domain
                       fallthrough
                    }
                    cache 30
                }
                """;
        String after = Corefile.withHosts(before, "10.96.100.100", LabNames.hostNames());

        assertThat(after).isEqualTo("""
                .:53 {
                    errors
                    hosts {
                       10.0.0.9 other.example
                       10.96.100.100 core.harbor.domain core.h1.harbor.domain core.h2.harbor.domain
                       fallthrough
                    }
                    cache 30
                }
                """);
        assertThat(Corefile.withHosts(after, "10.96.100.100", LabNames.hostNames())).isSameAs(after);
    }

    @Test
    void aCorefileWithoutTheRootServerIsRefused() {
        assertThatThrownBy(() -> Corefile.withHosts("example.org:53 {\n  whoami\n}\n", "10.96.100.100", List.of("a")))
                .isInstanceOf(LabException.class).hasMessageContaining("'.:53 {'");
    }

    @Test
    void withoutTheEnvoyServiceItSaysToRunContourFirst() {
        client.services().inNamespace("projectcontour").withName("envoy").delete();

        assertThatThrownBy(() -> new CorednsStep().apply(at(T0)))
                .isInstanceOf(LabException.class).hasMessageContaining("run 'lab contour' first");
        assertThat(corefile()).isEqualTo(LabFixture.KIND_COREFILE);
    }
}
