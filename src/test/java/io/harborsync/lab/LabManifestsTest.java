package io.harborsync.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The YAML the lab ships: kind/, deploy/harbor/ and ssl/ parse and say what the code relies on. */
class LabManifestsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyYamlFileUnderKindAndDeployHarborParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.list(Path.of("kind")), Files.list(Path.of("deploy/harbor")))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).contains(Path.of("kind/cluster.yaml"), Path.of("deploy/harbor/values-common.yaml"),
                Path.of("deploy/harbor/values-h1.yaml"), Path.of("deploy/harbor/values-h2.yaml"));
        for (Path f : files) {
            assertThat(YAML.readTree(f.toFile()).isObject()).as(f.toString()).isTrue();
        }
    }

    @Test
    void theKindClusterForwardsHostPortsToTheEnvoyNodePortsAndHoldsTheEnvoyClusterIp() throws IOException {
        GenericKubernetesResource cluster = Serialization.unmarshal(Files.readString(Path.of("kind/cluster.yaml")),
                GenericKubernetesResource.class);

        assertThat(cluster.getApiVersion()).isEqualTo("kind.x-k8s.io/v1alpha4");
        assertThat(cluster.getKind()).isEqualTo("Cluster");
        List<Map<String, Object>> nodes = cluster.get("nodes");
        assertThat(nodes).singleElement().extracting(n -> n.get("role")).isEqualTo("control-plane");
        List<Map<String, Object>> mappings = cluster.get("nodes", 0, "extraPortMappings");
        assertThat(mappings).extracting(m -> m.get("hostPort") + "->" + m.get("containerPort")).containsExactly(
                "80->" + LabNames.ENVOY_HTTP_NODE_PORT, "443->" + LabNames.ENVOY_HTTPS_NODE_PORT);
        String subnet = cluster.get("networking", "serviceSubnet");
        assertThat(inSubnet(LabNames.ENVOY_CLUSTER_IP, subnet)).as(subnet).isTrue();
    }

    @Test
    void harborValuesSetHostsTlsAndTheAdminSecretPerNamespace() throws IOException {
        JsonNode common = YAML.readTree(Path.of("deploy/harbor/values-common.yaml").toFile());
        assertThat(common.at("/expose/type").asText()).isEqualTo("ingress");
        assertThat(common.at("/expose/ingress/className").asText()).isEqualTo("contour");
        assertThat(common.at("/expose/tls/certSource").asText()).isEqualTo("secret");
        assertThat(common.at("/expose/tls/secret/secretName").asText()).isEqualTo(LabNames.TLS_SECRET);
        assertThat(common.at("/existingSecretAdminPassword").asText()).isEqualTo(LabNames.ADMIN_SECRET);
        assertThat(common.at("/existingSecretAdminPasswordKey").asText()).isEqualTo(LabNames.ADMIN_SECRET_KEY);
        assertThat(common.has("harborAdminPassword")).as("no admin password in the values").isFalse();
        for (String ns : LabNames.HARBOR_NAMESPACES) {
            JsonNode v = YAML.readTree(Path.of("deploy/harbor/values-" + ns + ".yaml").toFile());
            assertThat(v.at("/externalURL").asText()).isEqualTo("https://" + LabNames.harborHost(ns));
            assertThat(v.at("/expose/ingress/hosts/core").asText()).isEqualTo(LabNames.harborHost(ns));
        }
    }

    /** helm-java merges the values files as `lab harbor` passes them, rendering a stand-in chart offline. */
    @Test
    void helmMergesTheValuesFilesIntoTheIngressHarborRenders() {
        for (String ns : LabNames.HARBOR_NAMESPACES) {
            var template = new Helm(Path.of("src/test/resources/lab/values-chart")).template().withName("harbor")
                    .withNamespace(ns);
            for (Path values : HarborStep.valuesFiles(Path.of("deploy/harbor"), ns)) {
                template = template.withValuesFile(values);
            }
            Ingress ingress = Serialization.unmarshal(template.call(), Ingress.class);

            assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("contour");
            assertThat(ingress.getSpec().getRules()).singleElement()
                    .extracting(r -> r.getHost()).isEqualTo(LabNames.harborHost(ns));
            assertThat(ingress.getSpec().getTls()).singleElement()
                    .satisfies(t -> assertThat(t.getSecretName()).isEqualTo(LabNames.TLS_SECRET))
                    .satisfies(t -> assertThat(t.getHosts()).containsExactly(LabNames.harborHost(ns)));
            assertThat(ingress.getMetadata().getAnnotations())
                    .containsEntry("external-url", "https://" + LabNames.harborHost(ns))
                    .containsEntry("admin-secret", LabNames.ADMIN_SECRET);
        }
    }

    /**
     * The lab has no PostgreSQL: docs/lab.md deploys the daemon with the single-replica H2 overlay, never the
     * highly available base (whose pods would wait forever for the Secret harbor-sync-postgres).
     */
    @Test
    void theLabDeploysTheDaemonAsOneReplicaOnH2() throws IOException {
        String lab = Files.readString(Path.of("docs/lab.md"));
        List<String> applies = lab.lines().filter(l -> l.contains("apply -k deploy/harbor-sync")).toList();
        assertThat(applies).singleElement().asString().endsWith("apply -k deploy/harbor-sync-h2");
        Path overlay = Path.of("deploy/harbor-sync-h2");
        JsonNode k = YAML.readTree(overlay.resolve("kustomization.yaml").toFile());
        assertThat(k.at("/resources").toString()).contains("../harbor-sync").contains("pvc.yaml");
        assertThat(Files.readString(overlay.resolve("deployment-single-h2.yaml")))
                .contains("QUARKUS_DATASOURCE_PG_ACTIVE").doesNotContain("secretKeyRef");
    }

    @Test
    void theCertificateProfileCoversEveryLabHostName() {
        LabCertificates.Profile p = LabCertificates.Profile.read(Path.of("ssl/certificate.yaml"));
        assertThat(p.server().dnsNames()).containsAll(LabNames.hostNames()).contains("*." + LabNames.DOMAIN);
        assertThat(p.renewBeforeDays()).isEqualTo(30);
    }

    private static boolean inSubnet(String ip, String cidr) throws IOException {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (toLong(ip) & mask) == (toLong(parts[0]) & mask);
    }

    private static long toLong(String ip) throws IOException {
        long v = 0;
        for (byte b : InetAddress.getByName(ip).getAddress()) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }
}
