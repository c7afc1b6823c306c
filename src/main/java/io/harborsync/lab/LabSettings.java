package io.harborsync.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The lab settings as plain values, so steps can be built in plain JUnit tests; in the application they
 * come from {@link LabConfig#settings()}. No secrets here (the admin password goes to the Harbor step only).
 */
public record LabSettings(String clusterName, Optional<Path> kind, Path kindConfig, String contourManifest,
                          Duration readyTimeout, Duration pollInterval, Path certDir, Path certProfile,
                          Path harborValues, Duration harborTimeout) {

    /** The defaults of {@link LabConfig}, relative to {@code root}. */
    public static LabSettings defaults(Path root) {
        return new LabSettings("harbor-sync-lab", Optional.empty(), root.resolve("kind/cluster.yaml"),
                ContourStep.MANIFEST_URL, Duration.ofMinutes(5), Duration.ofSeconds(2), root.resolve("cert"),
                root.resolve("ssl/certificate.yaml"), root.resolve("deploy/harbor"), Duration.ofMinutes(15));
    }

    public LabSettings withKind(Path executable) {
        return new LabSettings(clusterName, Optional.of(executable), kindConfig, contourManifest, readyTimeout,
                pollInterval, certDir, certProfile, harborValues, harborTimeout);
    }

    public LabSettings withContourManifest(String manifest) {
        return new LabSettings(clusterName, kind, kindConfig, manifest, readyTimeout, pollInterval, certDir,
                certProfile, harborValues, harborTimeout);
    }

    public LabSettings withReadyTimeout(Duration timeout, Duration poll) {
        return new LabSettings(clusterName, kind, kindConfig, contourManifest, timeout, poll, certDir,
                certProfile, harborValues, harborTimeout);
    }

    public LabSettings withCertDir(Path dir) {
        return new LabSettings(clusterName, kind, kindConfig, contourManifest, readyTimeout, pollInterval, dir,
                certProfile, harborValues, harborTimeout);
    }
}
