package io.harborsync.lab;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the {@code lab} commands (prefix {@code harbor-sync.lab}); relative paths are from the working directory. */
@ConfigMapping(prefix = "harbor-sync.lab")
public interface LabConfig {

    /** Name of the kind cluster. */
    @WithDefault("harbor-sync-lab")
    String clusterName();

    /** Path of the kind executable; without it kind is looked up on PATH. */
    Optional<Path> kind();

    /** The kind cluster definition. */
    @WithDefault("kind/cluster.yaml")
    Path kindConfig();

    /** Contour's release manifest: a URL or a file. */
    @WithDefault(ContourStep.MANIFEST_URL)
    String contourManifest();

    /** How long to wait for Contour and Envoy to become ready. */
    @WithDefault("5m")
    Duration readyTimeout();

    /** Where the CA and the Harbor certificate are written (and reused from). */
    @WithDefault("cert")
    Path certDir();

    /** Names and validity of the certificates. */
    @WithDefault("ssl/certificate.yaml")
    Path certProfile();

    /** The Harbor Helm values (values-common.yaml, values-h1.yaml, values-h2.yaml). */
    @WithDefault("deploy/harbor")
    Path harborValues();

    /** How long helm waits for each Harbor to become ready. */
    @WithDefault("15m")
    Duration harborTimeout();

    /**
     * Initial Harbor admin password for both Harbors (env HARBOR_SYNC_LAB_ADMIN_PASSWORD). Without it a
     * random one is generated; either way it is kept only in the secret harbor-admin of h1 and h2.
     */
    Optional<String> adminPassword();

    default LabSettings settings() {
        return new LabSettings(clusterName(), kind(), kindConfig(), contourManifest(), readyTimeout(),
                Duration.ofSeconds(2), certDir(), certProfile(), harborValues(), harborTimeout());
    }
}
