package io.harborsync.ha;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Makes the Kubernetes Lease election (only when that mode is chosen: the cluster client is not touched otherwise). */
@ApplicationScoped
public class KubernetesElectionFactory {
    @Inject
    Instance<KubernetesClient> client;

    Election create(HaConfig ha, String identity) {
        return new KubernetesLeaseElection(client.get(), ha, identity);
    }
}
