package io.harborsync.lab;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What a step works with: the settings, the lab cluster's Kubernetes client and kubeconfig, a clock.
 * The client is made on first use, after the cluster step has created the cluster, from kind's kubeconfig
 * for exactly that cluster (so the lab never acts on whatever cluster the current kube context names).
 */
public final class LabContext implements AutoCloseable {
    private final LabSettings settings;
    private final Supplier<String> kubeconfigSource;
    private final Supplier<KubernetesClient> clientSource;
    private final boolean ownsClient;
    private final Clock clock;
    private String kubeconfig;
    private KubernetesClient client;

    private LabContext(LabSettings settings, Supplier<String> kubeconfig, Supplier<KubernetesClient> client,
                       boolean ownsClient, Clock clock) {
        this.settings = settings;
        this.kubeconfigSource = kubeconfig;
        this.clientSource = client;
        this.ownsClient = ownsClient;
        this.clock = clock;
    }

    /** The application's context: talks to the kind cluster named in the settings. */
    public static LabContext forKindCluster(LabSettings settings, KindCli kind) {
        LabContext[] self = new LabContext[1];
        self[0] = new LabContext(settings, () -> kind.kubeconfig(settings.clusterName()),
                () -> new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(self[0].kubeconfig())).build(),
                true, Clock.systemUTC());
        return self[0];
    }

    /** A context over a given client (tests: the Fabric8 mock server's client). */
    public static LabContext of(LabSettings settings, KubernetesClient client, String kubeconfig, Clock clock) {
        return new LabContext(settings, () -> kubeconfig, () -> client, false, clock);
    }

    public LabSettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized String kubeconfig() {
        if (kubeconfig == null) {
            kubeconfig = kubeconfigSource.get();
        }
        return kubeconfig;
    }

    public synchronized KubernetesClient client() {
        if (client == null) {
            client = clientSource.get();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
