package io.harborsync.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The few Helm operations the lab needs; behind an interface because install needs a real cluster. */
public interface HelmReleases {

    /** A chart in a chart repository, pinned to a version. */
    record Chart(String repoName, String repoUrl, String name, String version) {
        /** How helm names the chart of a release, e.g. harbor-1.19.1. */
        public String nameAndVersion() {
            return name + "-" + version;
        }
    }

    /** The chart (name-version) of the release when it is deployed; empty when absent or not deployed. */
    Optional<String> deployedChart(String release, String namespace, String kubeconfig);

    /** {@code helm upgrade --install --create-namespace --wait} with the values files in order. */
    void upgradeInstall(Chart chart, String release, String namespace, List<Path> valuesFiles, Duration timeout,
                        String kubeconfig);
}
