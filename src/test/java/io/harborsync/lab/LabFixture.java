package io.harborsync.lab;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** What the lab tests share: a kind-like kube-system, a fake kind executable, a stand-in for the controllers. */
final class LabFixture {
    private LabFixture() {
    }

    /** The Corefile kind clusters start with. */
    static final String KIND_COREFILE = """
            .:53 {
                errors
                health {
                   lameduck 5s
                }
                ready
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                   pods insecure
                   fallthrough in-addr.arpa ip6.arpa
                   ttl 30
                }
                prometheus :9153
                forward . /etc/resolv.conf {
                   max_concurrent 1000
                }
                cache 30
                loop
                reload
                loadbalance
            }
            """;

    static final Path CONTOUR_MANIFEST = Path.of("src/test/resources/lab/contour-manifest.yaml");

    static void seedKubeSystem(KubernetesClient client) {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system")
                .endMetadata().withData(Map.of("Corefile", KIND_COREFILE)).build()).create();
        client.resource(new DeploymentBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system")
                .endMetadata().withNewSpec().withReplicas(2).withNewTemplate().withNewMetadata()
                .withLabels(Map.of("k8s-app", "kube-dns")).endMetadata().endTemplate().endSpec().build()).create();
    }

    /**
     * Plays the Kubernetes controllers for Contour: every Deployment and DaemonSet that appears in
     * projectcontour gets a status saying all its pods are ready. Close it to stop.
     */
    static AutoCloseable readyController(KubernetesClient client) {
        SharedIndexInformer<Deployment> deployments = client.apps().deployments().inNamespace("projectcontour")
                .inform(new OnAdd<>(d -> client.resource(d).editStatus(x -> {
                    x.setStatus(new DeploymentStatusBuilder().withReplicas(x.getSpec().getReplicas())
                            .withReadyReplicas(x.getSpec().getReplicas()).build());
                    return x;
                })));
        SharedIndexInformer<DaemonSet> daemonSets = client.apps().daemonSets().inNamespace("projectcontour")
                .inform(new OnAdd<>(d -> client.resource(d).editStatus(x -> {
                    x.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(1).withNumberReady(1).build());
                    return x;
                })));
        return () -> {
            deployments.close();
            daemonSets.close();
        };
    }

    private record OnAdd<T>(java.util.function.Consumer<T> action) implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            action.accept(obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        }
    }

    /**
     * A fake kind in {@code dir}: records each call's arguments (one line per call in calls.log), keeps the
     * cluster list in the file clusters, and fails like kind does (exit 1, message on stderr) while a file
     * named fail exists.
     */
    static Path fakeKind(Path dir) {
        Path kind = dir.resolve("kind");
        String script = """
                #!/bin/sh
                d="$(dirname "$0")"
                echo "$*" >> "$d/calls.log"
                if [ -f "$d/fail" ]; then
                  echo "Creating cluster ..." >&2
                  echo "ERROR: failed to create cluster: node could not start" >&2
                  exit 1
                fi
                touch "$d/clusters"
                case "$1 $2" in
                  "get clusters") cat "$d/clusters" ;;
                  "create cluster") echo "$4" >> "$d/clusters" ;;
                  "delete cluster") grep -v -x "$4" "$d/clusters" > "$d/clusters.new"; mv "$d/clusters.new" "$d/clusters" ;;
                  "get kubeconfig") echo "apiVersion: v1" ;;
                esac
                """;
        try {
            Files.writeString(kind, script);
            Files.setPosixFilePermissions(kind, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kind;
    }

    static List<String> kindCalls(Path dir) throws IOException {
        Path log = dir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
