package io.harborsync.lab;

import jakarta.inject.Inject;
import java.nio.file.Files;
import jakarta.inject.Singleton;

/** The kind cluster, created from kind/cluster.yaml when kind does not list it yet. */
@Singleton
public class ClusterStep implements LabStep {
    private final KindCli kind;

    @Inject
    public ClusterStep(KindCli kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public Outcome apply(LabContext lab) {
        String name = lab.settings().clusterName();
        if (kind.clusters().contains(name)) {
            return Outcome.unchanged();
        }
        if (!Files.isRegularFile(lab.settings().kindConfig())) {
            throw new LabException("kind cluster definition not found: " + lab.settings().kindConfig()
                    + " (harbor-sync.lab.kind-config; run from the harbor-sync checkout)");
        }
        kind.createCluster(name, lab.settings().kindConfig());
        return Outcome.done("created kind cluster " + name);
    }

    /** {@code lab down}: deletes the cluster and everything in it; true when there was one. */
    public boolean delete(String name) {
        if (!kind.clusters().contains(name)) {
            return false;
        }
        kind.deleteCluster(name);
        return true;
    }
}
