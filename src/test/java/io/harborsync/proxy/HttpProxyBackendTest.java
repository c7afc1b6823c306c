package io.harborsync.proxy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.harborsync.proxy.ProxySwitch.Reason;
import io.harborsync.http.ProblemException;
import io.harborsync.web.ProxyResourceAccess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes backend against the Fabric8 mock API server (CRUD): the objects of deploy/proxy are
 * created as an operator would apply them, then switched both ways; the stored root object is checked.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class HttpProxyBackendTest {
    static KubernetesClient client;

    static final List<String> SITES = List.of("h1", "h2");

    @BeforeEach
    void applyDeployProxy() throws IOException {
        for (String file : List.of("root-httpproxy.yaml", "child-h1.yaml", "child-h2.yaml")) {
            GenericKubernetesResource r = Serialization.unmarshal(
                    Files.readString(Path.of("deploy/proxy", file)), GenericKubernetesResource.class);
            var op = client.genericKubernetesResources(HttpProxyBackend.HTTP_PROXY)
                    .inNamespace(r.getMetadata().getNamespace());
            op.withName(r.getMetadata().getName()).delete();
            op.resource(r).create();
        }
    }

    private static HttpProxyBackend backend(KubernetesClient c, Map<String, String> namespaces) {
        return new HttpProxyBackend(c, "harbor-proxy", "harbor", "harbor", HttpProxyBackend.namespaces(SITES, namespaces));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec() {
        GenericKubernetesResource root = client.genericKubernetesResources(HttpProxyBackend.HTTP_PROXY)
                .inNamespace("harbor-proxy").withName("harbor").get();
        return (Map<String, Object>) root.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> includes() {
        return (List<Map<String, Object>>) spec().get("includes");
    }

    @Test
    void switchesTheRootIncludeBothWaysAndLeavesTheRestAlone() {
        HttpProxyBackend backend = backend(client, Map.of());
        assertThat(backend.readActive()).contains("h1");
        ProxySwitch proxy = new ProxySwitch(SITES, backend.readActive().orElseThrow(), backend, Clock.systemUTC());

        assertThat(proxy.switchTo("h2", Reason.MANUAL, "test")).isPresent();
        assertThat(includes()).containsExactly(Map.of("name", "harbor", "namespace", "h2"));
        assertThat(spec().get("virtualhost")).isEqualTo(Map.of("fqdn", "core.harbor.domain",
                "tls", Map.of("secretName", "harbor-tls")));
        assertThat(backend.readActive()).contains("h2");
        assertThat(proxy.active()).isEqualTo("h2");

        assertThat(proxy.switchTo("h1", Reason.MANUAL, "test")).isPresent();
        assertThat(includes()).containsExactly(Map.of("name", "harbor", "namespace", "h1"));
        assertThat(proxy.history()).extracting(ProxySwitch.Switch::to).containsExactly("h1", "h2");
    }

    @Test
    void mapsSitesToConfiguredNamespaces() {
        // the site "h2" runs in namespace "harbor-b"; the include names that namespace
        HttpProxyBackend backend = backend(client, Map.of("h2", "harbor-b"));
        backend.pointAt("h2");
        assertThat(includes().get(0)).containsEntry("namespace", "harbor-b");
        assertThat(backend.readActive()).contains("h2");
        // an include of a namespace no site maps to tells nothing
        assertThat(backend(client, Map.of("h2", "elsewhere")).readActive()).isEmpty();
    }

    @Test
    void anUnknownSiteIsRefusedWithTheKnownSitesAndChangesNothing() {
        ProxySwitch proxy = new ProxySwitch(SITES, "h1", backend(client, Map.of()), Clock.systemUTC());
        assertThatThrownBy(() -> ProxyResourceAccess.switchTo(proxy, "h3"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.getResponse().getStatus()).isEqualTo(400);
                    assertThat(e.detail()).contains("'h3'").contains("[h1, h2]");
                });
        assertThat(includes().get(0)).containsEntry("namespace", "h1");
        assertThat(proxy.active()).isEqualTo("h1");
    }

    @Test
    void aMissingProxyObjectIsA502AndTheActiveSiteStays() {
        client.genericKubernetesResources(HttpProxyBackend.HTTP_PROXY).inNamespace("harbor-proxy").withName("harbor").delete();
        ProxySwitch proxy = new ProxySwitch(SITES, "h1", backend(client, Map.of()), Clock.systemUTC());
        assertThatThrownBy(() -> ProxyResourceAccess.switchTo(proxy, "h2"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.getResponse().getStatus()).isEqualTo(502);
                    assertThat(e.detail()).contains("HTTPProxy harbor-proxy/harbor does not exist")
                            .contains("still h1");
                });
        assertThat(proxy.active()).isEqualTo("h1");
        assertThat(proxy.history()).isEmpty();
    }

    @Test
    void anUnreachableApiServerIsA503WithoutItsDetails() {
        try (KubernetesClient down = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0).withConnectionTimeout(2000)
                .build()).build()) {
            ProxySwitch proxy = new ProxySwitch(SITES, "h1", backend(down, Map.of()), Clock.systemUTC());
            assertThatThrownBy(() -> ProxyResourceAccess.switchTo(proxy, "h2"))
                    .isInstanceOfSatisfying(ProblemException.class, e -> {
                        assertThat(e.getResponse().getStatus()).isEqualTo(503);
                        assertThat(e.detail()).endsWith("could not be read: the Kubernetes API could not be reached")
                                .doesNotContain("127.0.0.1");
                    });
            assertThat(proxy.active()).isEqualTo("h1");
        }
    }
}
