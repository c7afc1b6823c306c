package io.harborsync.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every YAML file under deploy/ and kind/ parses into what kubectl (or kind, or Helm) expects: no
 * cluster is available here (stack-notes pitfall 9), so this is the check that a manifest is at least
 * well-formed and names what it must. Files under deploy/harbor/ are Helm values (a YAML map).
 */
class ManifestsTest {
    static final List<Path> ROOTS = List.of(Path.of("deploy"), Path.of("kind"));

    static List<Path> yamlFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : ROOTS) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().forEach(out::add);
                }
            }
        }
        return out;
    }

    static List<String> documents(Path file) throws IOException {
        List<String> docs = new ArrayList<>();
        for (String d : Files.readString(file).split("(?m)^---\\s*$")) {
            if (!d.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                docs.add(d);
            }
        }
        return docs;
    }

    static List<HasMetadata> objects(Path file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : documents(file)) {
            KubernetesResource r = Serialization.unmarshal(doc, KubernetesResource.class);
            assertThat(r).as(file + ": a Kubernetes object").isInstanceOf(HasMetadata.class);
            out.add((HasMetadata) r);
        }
        return out;
    }

    @Test
    void everyYamlFileIsAValidObjectKustomizationOrValuesFile() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).as("deploy/proxy and deploy/harbor-sync at least").hasSizeGreaterThanOrEqualTo(10);
        for (Path file : files) {
            try {
                if (file.startsWith(Path.of("deploy", "harbor"))) {
                    for (String doc : documents(file)) {
                        assertThat(Serialization.unmarshal(doc, Map.class)).as(file + ": Helm values").isInstanceOf(Map.class);
                    }
                } else if (file.getFileName().toString().equals("kustomization.yaml")) {
                    checkKustomization(file);
                } else {
                    List<HasMetadata> objects = objects(file);
                    assertThat(objects).as(file + ": at least one object").isNotEmpty();
                    for (HasMetadata o : objects) {
                        assertThat(o.getApiVersion()).as(file + ": apiVersion").isNotBlank();
                        assertThat(o.getKind()).as(file + ": kind").isNotBlank();
                        if (!o.getApiVersion().startsWith("kind.x-k8s.io/")) { // kind's cluster config has no name
                            assertThat(o.getMetadata()).as(file + ": metadata").isNotNull();
                            assertThat(o.getMetadata().getName()).as(file + ": metadata.name").isNotBlank();
                        }
                    }
                }
            } catch (RuntimeException e) {
                fail(file + " does not parse: " + e.getMessage());
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void checkKustomization(Path file) throws IOException {
        Map<String, Object> k = Serialization.unmarshal(Files.readString(file), Map.class);
        assertThat(k.get("apiVersion")).as(file + ": apiVersion").isEqualTo("kustomize.config.k8s.io/v1beta1");
        assertThat(k.get("kind")).as(file + ": kind").isEqualTo("Kustomization");
        for (String r : (List<String>) k.getOrDefault("resources", List.of())) {
            Path p = file.getParent().resolve(r);
            assertThat(Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml")))
                    .as(file + " lists " + r + ", which does not exist").isTrue();
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> resources(Path kustomization) throws IOException {
        return (List<String>) Serialization.unmarshal(Files.readString(kustomization), Map.class).get("resources");
    }

    static <T> T one(Path file, Class<T> type) throws IOException {
        List<HasMetadata> objects = objects(file);
        assertThat(objects).as(file.toString()).singleElement().isInstanceOf(type);
        return type.cast(objects.get(0));
    }

    @Test
    void theProxyRoutesHarborsPathsLikeHarborsOwnIngress() throws IOException {
        Path dir = Path.of("deploy/proxy");
        assertThat(resources(dir.resolve("kustomization.yaml")))
                .containsExactlyInAnyOrder("namespace.yaml", "root-httpproxy.yaml", "child-h1.yaml", "child-h2.yaml");
        GenericKubernetesResource root = one(dir.resolve("root-httpproxy.yaml"), GenericKubernetesResource.class);
        assertThat(root.getMetadata().getNamespace()).isEqualTo("harbor-proxy");
        assertThat(root.<String>get("spec", "virtualhost", "fqdn")).isEqualTo("core.harbor.domain");
        assertThat(root.<String>get("spec", "virtualhost", "tls", "secretName")).isEqualTo("harbor-tls");
        assertThat(root.<List<Object>>get("spec", "includes")).containsExactly(Map.of("name", "harbor", "namespace", "h1"));
        for (String site : List.of("h1", "h2")) {
            GenericKubernetesResource child = one(dir.resolve("child-" + site + ".yaml"), GenericKubernetesResource.class);
            assertThat(child.getApiVersion()).isEqualTo("projectcontour.io/v1");
            assertThat(child.getMetadata().getNamespace()).isEqualTo(site);
            assertThat(child.getMetadata().getName()).as("the include's name").isEqualTo("harbor");
            assertThat(child.getAdditionalProperties().get("spec")).as("a child has no virtualhost")
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).doesNotContainKey("virtualhost");
            Map<String, String> backendByPrefix = new java.util.TreeMap<>();
            for (Map<String, Object> route : child.<List<Map<String, Object>>>get("spec", "routes")) {
                String prefix = ((List<Map<String, String>>) route.get("conditions")).get(0).get("prefix");
                Map<String, Object> svc = ((List<Map<String, Object>>) route.get("services")).get(0);
                backendByPrefix.put(prefix, svc.get("name") + ":" + svc.get("port"));
            }
            assertThat(backendByPrefix).isEqualTo(Map.of("/api/", "harbor-core:80", "/service/", "harbor-core:80",
                    "/v2", "harbor-core:80", "/chartrepo/", "harbor-core:80", "/c/", "harbor-core:80",
                    "/", "harbor-portal:80"));
        }
    }

    @Test
    void theDaemonsDeploymentIsWiredTogether() throws IOException {
        Path dir = Path.of("deploy/harbor-sync");
        List<String> listed = resources(dir.resolve("kustomization.yaml"));
        assertThat(listed).as("the Secret is a template, never applied with placeholders")
                .doesNotContain("secret.template.yaml")
                .contains("namespace.yaml", "serviceaccount.yaml", "rbac.yaml", "configmap.yaml", "pvc.yaml",
                        "deployment.yaml", "service.yaml");

        Deployment d = one(dir.resolve("deployment.yaml"), Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("harbor-sync/harbor-sync:0.1.0-SNAPSHOT");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo(one(dir.resolve("serviceaccount.yaml"), HasMetadata.class)
                .getMetadata().getName());
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/path", "/q/metrics")
                .containsEntry("prometheus.io/port", "8080");

        ConfigMap cm = one(dir.resolve("configmap.yaml"), ConfigMap.class);
        Secret secret = one(dir.resolve("secret.template.yaml"), Secret.class);
        assertThat(c.getEnvFrom()).extracting(e -> e.getConfigMapRef() != null ? e.getConfigMapRef().getName()
                : e.getSecretRef().getName()).containsExactlyInAnyOrder(cm.getMetadata().getName(), secret.getMetadata().getName());
        assertThat(cm.getData()).containsEntry("HARBOR_SYNC_STORE_PATH", "/data")
                .containsEntry("HARBOR_SYNC_PROXY_KUBERNETES_ENABLED", "true")
                .containsKeys("HARBOR_SYNC_SITES_H1_URL", "HARBOR_SYNC_SITES_H2_URL", "HARBOR_SYNC_WEBHOOK_URL");
        assertThat(cm.getData().keySet()).as("no secrets in the ConfigMap")
                .noneMatch(k -> k.contains("PASSWORD") || k.contains("TOKEN") || k.contains("SECRET"));
        assertThat(secret.getStringData().values()).as("placeholders only").allMatch(v -> v.startsWith("<"));
        assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
        String claim = one(dir.resolve("pvc.yaml"), HasMetadata.class).getMetadata().getName();
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim()).isNotNull()
                .extracting(io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource::getClaimName).isEqualTo(claim));
        // bootstrap's record of its robots (never mirrored), where the daemon looks for it; optional
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("HARBOR_SYNC_BOOTSTRAP_SECRETS_DIR");
            assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(e.getValue()));
        });
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret()).isNotNull()
                .satisfies(s -> assertThat(s.getOptional()).isTrue()));

        Service svc = one(dir.resolve("service.yaml"), Service.class);
        assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
        assertThat(svc.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theDaemonMayOnlyReadAndPatchHttpProxiesAndUseLeases() throws IOException {
        List<HasMetadata> rbac = objects(Path.of("deploy/harbor-sync/rbac.yaml"));
        Role proxy = rbac.stream().filter(o -> o instanceof Role r && r.getMetadata().getNamespace().equals("harbor-proxy"))
                .map(Role.class::cast).findFirst().orElseThrow();
        assertThat(proxy.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getApiGroups()).containsExactly("projectcontour.io");
            assertThat(r.getResources()).containsExactly("httpproxies");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "patch");
        });
        Role leases = rbac.stream().filter(o -> o instanceof Role r && r.getMetadata().getNamespace().equals("harbor-sync"))
                .map(Role.class::cast).findFirst().orElseThrow();
        assertThat(leases.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
            assertThat(r.getResources()).containsExactly("leases");
            // Fabric8's LeaseLock: get, create, then a JSON merge patch to renew or give back; update for other clients
            assertThat(r.getVerbs()).contains("get", "create", "update", "patch")
                    .doesNotContain("delete", "deletecollection", "*");
        });
        for (Role role : List.of(proxy, leases)) {
            assertThat(rbac).anySatisfy(o -> {
                assertThat(o).isInstanceOf(RoleBinding.class);
                RoleBinding b = (RoleBinding) o;
                assertThat(b.getMetadata().getNamespace()).isEqualTo(role.getMetadata().getNamespace());
                assertThat(b.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
                assertThat(b.getSubjects()).singleElement().satisfies(s -> {
                    assertThat(s.getName()).isEqualTo("harbor-sync");
                    assertThat(s.getNamespace()).isEqualTo("harbor-sync");
                });
            });
        }
    }
}
