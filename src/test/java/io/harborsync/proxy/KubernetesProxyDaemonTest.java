package io.harborsync.proxy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * The daemon with harbor-sync.proxy.kubernetes.enabled=true against the Quarkus Kubernetes test server:
 * it takes the active site from the root HTTPProxy (h2 here, though the configuration says h1) and a
 * PUT /proxy/active rewrites the stored object.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesProxyDaemonTest.KubernetesBackend.class)
class KubernetesProxyDaemonTest {
    public static class KubernetesBackend implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("harbor-sync.proxy.kubernetes.enabled", "true", "harbor-sync.active-site", "h1");
        }
    }

    /** The application's client, pointed at the test server. */
    @Inject
    KubernetesClient client;

    @Inject
    ActiveSite activeSite;

    @Test
    @SuppressWarnings("unchecked")
    void readsTheActiveSiteFromTheProxyAndSwitchesIt() throws Exception {
        GenericKubernetesResource root = Serialization.unmarshal(
                Files.readString(Path.of("deploy/proxy/root-httpproxy.yaml")), GenericKubernetesResource.class);
        ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) root.getAdditionalProperties().get("spec"))
                .get("includes")).get(0)).put("namespace", "h2");
        client.genericKubernetesResources(HttpProxyBackend.HTTP_PROXY).inNamespace("harbor-proxy").resource(root).create();

        given().header("Authorization", "Bearer test-admin-token").get("/proxy").then().statusCode(200)
                .body("active", is("h2")).body("backend", is("kubernetes"))
                .body("object", is("HTTPProxy harbor-proxy/harbor"));

        given().header("Authorization", "Bearer test-admin-token").contentType("application/json")
                .body("{\"site\":\"h1\"}").put("/proxy/active").then().statusCode(200).body("active", is("h1"));
        GenericKubernetesResource stored = client.genericKubernetesResources(HttpProxyBackend.HTTP_PROXY)
                .inNamespace("harbor-proxy").withName("harbor").get();
        assertThat(stored.<List<Object>>get("spec", "includes")).containsExactly(Map.of("name", "harbor", "namespace", "h1"));
        assertThat(activeSite.name()).isEqualTo("h1");

        // the object gone: 502, and the daemon still says h1
        client.genericKubernetesResources(HttpProxyBackend.HTTP_PROXY).inNamespace("harbor-proxy").withName("harbor").delete();
        given().header("Authorization", "Bearer test-admin-token").contentType("application/json")
                .body("{\"site\":\"h2\"}").put("/proxy/active").then().statusCode(502)
                .contentType(startsWith("application/problem+json"))
                .body("detail", allOf(containsString("still h1"), containsString("does not exist")));
        assertThat(activeSite.name()).isEqualTo("h1");
    }
}
