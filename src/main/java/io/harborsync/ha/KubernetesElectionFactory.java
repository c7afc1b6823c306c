package io.harborsync.ha;

import jakarta.enterprise.context.ApplicationScoped;

/** Makes the Kubernetes Lease election (only when that mode is chosen: the cluster client is not touched otherwise). */
@ApplicationScoped
public class KubernetesElectionFactory {
    Election create(HaConfig ha, String identity) {
        throw new UnsupportedOperationException("the Kubernetes Lease election is being built (issue 17)");
    }
}
