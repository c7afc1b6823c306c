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
        Path dir = file.getParent();
        for (String r : (List<String>) k.getOrDefault("resources", List.of())) {
            Path p = dir.resolve(r);
            assertThat(Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml")))
                    .as(file + " lists " + r + ", which does not exist").isTrue();
            // kustomize refuses a base that contains the kustomization building on it ("cycle detected:
            // candidate root ... contains visited root ..."): overlays are siblings of their base
            assertThat(dir.toAbsolutePath().normalize().startsWith(p.toAbsolutePath().normalize()))
                    .as(file + " lists " + r + ", a directory containing it").isFalse();
        }
        for (Map<String, Object> patch : (List<Map<String, Object>>) k.getOrDefault("patches", List.of())) {
            assertThat(patch.containsKey("path") || patch.containsKey("patch"))
                    .as(file + ": a patch is a file (path:) or inline (patch:): " + patch).isTrue();
            if (patch.containsKey("path")) {
                assertThat(dir.resolve((String) patch.get("path"))).as(file + ": patch " + patch.get("path")).isRegularFile();
            }
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> patchPaths(Path kustomization) throws IOException {
        List<Map<String, Object>> patches = (List<Map<String, Object>>) Serialization
                .unmarshal(Files.readString(kustomization), Map.class).getOrDefault("patches", List.of());
        return patches.stream().map(p -> (String) p.get("path")).toList();
    }

    /** A file as plain maps and lists: patches carry what the object model drops ($patch, explicit nulls). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> raw(Path file) throws IOException {
        List<String> docs = documents(file);
        assertThat(docs).as(file.toString()).hasSize(1);
        return Serialization.unmarshal(docs.get(0), Map.class);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, Object... path) {
        Object o = map;
        for (Object step : path) {
            o = step instanceof Integer i ? ((List<Object>) o).get(i) : ((Map<String, Object>) o).get(step);
        }
        return (T) o;
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
                .doesNotContain("secret-postgres.template.yaml")
                .contains("namespace.yaml", "serviceaccount.yaml", "rbac.yaml", "configmap.yaml",
                        "deployment.yaml", "pdb.yaml", "service.yaml");

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
        assertThat(cm.getData()).as("the store is PostgreSQL; the H2 overlay sets the path")
                .doesNotContainKey("HARBOR_SYNC_STORE_PATH")
                .containsEntry("HARBOR_SYNC_PROXY_KUBERNETES_ENABLED", "true")
                .containsKeys("HARBOR_SYNC_SITES_H1_URL", "HARBOR_SYNC_SITES_H2_URL", "HARBOR_SYNC_WEBHOOK_URL");
        assertThat(cm.getData().keySet()).as("no secrets in the ConfigMap")
                .noneMatch(k -> k.contains("PASSWORD") || k.contains("TOKEN") || k.contains("SECRET"));
        assertThat(secret.getStringData()).as("placeholders for every secret value")
                .allSatisfy((k, v) -> assertThat(k.endsWith("_USERNAME") || v.startsWith("<")).as(k).isTrue());
        assertThat(secret.getStringData()).as("the account recommended: the robot bootstrap makes (issue 18)")
                .containsEntry("HARBOR_SYNC_SITES_H1_USERNAME", "robot$harbor-sync")
                .containsEntry("HARBOR_SYNC_SITES_H2_USERNAME", "robot$harbor-sync");
        assertThat(c.getVolumeMounts()).as("writable /tmp on the read-only root filesystem")
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
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

    static final Path BASE = Path.of("deploy/harbor-sync");
    static final Path SINGLE_H2 = Path.of("deploy/harbor-sync-h2");
    static final List<String> PG_SECRET_ENV = List.of("QUARKUS_DATASOURCE_PG_JDBC_URL", "QUARKUS_DATASOURCE_PG_USERNAME",
            "QUARKUS_DATASOURCE_PG_PASSWORD");

    static Map<String, io.fabric8.kubernetes.api.model.EnvVar> envByName(io.fabric8.kubernetes.api.model.Container c) {
        Map<String, io.fabric8.kubernetes.api.model.EnvVar> out = new java.util.LinkedHashMap<>();
        c.getEnv().forEach(e -> out.put(e.getName(), e));
        return out;
    }

    @Test
    void theBaseDeploymentIsHighlyAvailableOnPostgres() throws IOException {
        Deployment d = one(BASE.resolve("deployment.yaml"), Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();

        assertThat(d.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                .as("a rollout never stops a ready replica before its replacement is ready").isZero();
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isPositive();

        // different nodes, preferred (a one-node cluster still runs both); zones where there are any
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isNullOrEmpty();
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .anySatisfy(t -> {
                    assertThat(t.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                    assertThat(t.getPodAffinityTerm().getLabelSelector().getMatchLabels()).isEqualTo(podLabels);
                });
        assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(t -> {
            assertThat(t.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
            assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
            assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(podLabels);
        });
        assertThat(pod.getTerminationGracePeriodSeconds()).as("longer than the default 30s: time to give the lease back")
                .isGreaterThan(30L);

        Map<String, io.fabric8.kubernetes.api.model.EnvVar> env = envByName(c);
        assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(env.get("POD_IP").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(env.get("QUARKUS_DATASOURCE_PG_ACTIVE").getValue()).isEqualTo("true");
        assertThat(env.get("QUARKUS_DATASOURCE_ACTIVE").getValue()).as("the embedded H2 datasource off").isEqualTo("false");
        Secret pg = one(BASE.resolve("secret-postgres.template.yaml"), Secret.class);
        assertThat(pg.getMetadata().getName()).isEqualTo("harbor-sync-postgres");
        assertThat(pg.getStringData().values()).as("placeholders only").allMatch(v -> v.startsWith("<"));
        for (String name : PG_SECRET_ENV) {
            var ref = env.get(name).getValueFrom().getSecretKeyRef();
            assertThat(ref.getName()).as(name).isEqualTo("harbor-sync-postgres");
            assertThat(pg.getStringData()).as(name + ": a key of the template").containsKey(ref.getKey());
        }
        assertThat(pg.getStringData().keySet()).containsExactlyInAnyOrder("jdbc-url", "username", "password");
        assertThat(env).as("no H2 store path: nothing is kept on the pod").doesNotContainKey("HARBOR_SYNC_STORE_PATH");

        assertThat(pod.getVolumes()).as("no PVC: the store is PostgreSQL")
                .allSatisfy(v -> assertThat(v.getPersistentVolumeClaim()).isNull());
        assertThat(c.getVolumeMounts()).noneSatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
        assertThat(BASE.resolve("pvc.yaml")).as("the PVC belongs to deploy/harbor-sync-h2").doesNotExist();

        Service svc = one(BASE.resolve("service.yaml"), Service.class);
        assertThat(svc.getSpec().getSelector()).as("webhooks to every replica").isEqualTo(podLabels);
    }

    @Test
    void thePodDisruptionBudgetKeepsOneReplicaDuringADrain() throws IOException {
        Deployment d = one(BASE.resolve("deployment.yaml"), Deployment.class);
        var pdb = one(BASE.resolve("pdb.yaml"), io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class);
        assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
        assertThat(pdb.getMetadata().getNamespace()).isEqualTo(d.getMetadata().getNamespace());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(d.getSpec().getReplicas()).as("minAvailable below the replicas, or no eviction is ever allowed")
                .isGreaterThan(pdb.getSpec().getMinAvailable().getIntVal());
    }

    @Test
    void theSingleH2OverlayTurnsTheBaseIntoOneReplicaOnAVolume() throws IOException {
        Path k = SINGLE_H2.resolve("kustomization.yaml");
        assertThat(resources(k)).containsExactlyInAnyOrder("../harbor-sync", "pvc.yaml");
        assertThat(SINGLE_H2.resolve(resources(k).get(0)).normalize()).isEqualTo(BASE);
        List<String> patches = patchPaths(k);
        assertThat(patches).containsExactlyInAnyOrder("deployment-single-h2.yaml", "pdb-delete.yaml");

        Deployment base = one(BASE.resolve("deployment.yaml"), Deployment.class);
        Map<String, Object> patch = raw(SINGLE_H2.resolve("deployment-single-h2.yaml"));
        // a strategic merge patch finds its target by kind, name and namespace
        assertThat(patch).containsEntry("apiVersion", "apps/v1").containsEntry("kind", "Deployment");
        assertThat(at(patch, "metadata", "name").toString()).isEqualTo(base.getMetadata().getName());
        assertThat(at(patch, "metadata", "namespace").toString()).isEqualTo(base.getMetadata().getNamespace());
        assertThat(at(patch, "spec", "replicas").toString()).isEqualTo("1");
        Map<String, Object> strategy = at(patch, "spec", "strategy");
        assertThat(strategy).containsEntry("type", "Recreate")
                .as("rollingUpdate removed (null): the API server refuses it next to Recreate")
                .containsEntry("rollingUpdate", null);

        List<Map<String, Object>> containers = at(patch, "spec", "template", "spec", "containers");
        assertThat(containers).singleElement().satisfies(c -> assertThat(c).containsEntry("name", base.getSpec().getTemplate()
                .getSpec().getContainers().get(0).getName()));
        Map<String, Map<String, Object>> env = new java.util.LinkedHashMap<>();
        List<Map<String, Object>> envPatch = at(patch, "spec", "template", "spec", "containers", 0, "env");
        for (Map<String, Object> e : envPatch) {
            env.put((String) e.get("name"), e);
        }
        assertThat(env.get("HARBOR_SYNC_STORE_PATH")).containsEntry("value", "/data");
        assertThat(env.get("QUARKUS_DATASOURCE_PG_ACTIVE")).containsEntry("value", "false");
        assertThat(env.get("QUARKUS_DATASOURCE_ACTIVE")).containsEntry("value", "true");
        // every reference of the base to the PostgreSQL Secret is deleted (the Secret does not exist here)
        List<String> pgRefs = base.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                        && e.getValueFrom().getSecretKeyRef().getName().equals("harbor-sync-postgres"))
                .map(io.fabric8.kubernetes.api.model.EnvVar::getName).toList();
        assertThat(pgRefs).containsExactlyInAnyOrderElementsOf(PG_SECRET_ENV);
        for (String name : pgRefs) {
            assertThat(env.get(name)).as(name).isEqualTo(Map.of("name", name, "$patch", "delete"));
        }

        String claim = one(SINGLE_H2.resolve("pvc.yaml"), HasMetadata.class).getMetadata().getName();
        List<Map<String, Object>> mounts = at(patch, "spec", "template", "spec", "containers", 0, "volumeMounts");
        assertThat(mounts).singleElement().isEqualTo(Map.of("name", "data", "mountPath", "/data"));
        List<Map<String, Object>> volumes = at(patch, "spec", "template", "spec", "volumes");
        assertThat(volumes).singleElement().isEqualTo(Map.of("name", "data",
                "persistentVolumeClaim", Map.of("claimName", claim)));
        assertThat(base.getSpec().getTemplate().getSpec().getVolumes()).as("no clash with a base volume")
                .noneSatisfy(v -> assertThat(v.getName()).isEqualTo("data"));

        var pdb = one(BASE.resolve("pdb.yaml"), HasMetadata.class);
        Map<String, Object> delete = raw(SINGLE_H2.resolve("pdb-delete.yaml"));
        assertThat(delete).containsEntry("$patch", "delete").containsEntry("apiVersion", pdb.getApiVersion())
                .containsEntry("kind", pdb.getKind());
        assertThat(at(delete, "metadata", "name").toString()).isEqualTo(pdb.getMetadata().getName());
        assertThat(at(delete, "metadata", "namespace").toString()).isEqualTo(pdb.getMetadata().getNamespace());
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
