package io.harborsync.bootstrap;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Map;

/** {@code harbor-sync.bootstrap.*}: what the {@code bootstrap} command needs beyond the sites themselves. */
@ConfigMapping(prefix = "harbor-sync.bootstrap")
public interface BootstrapConfig {

    /** Directory for {@code <site>-harbor-sync.secret} (mode 0600); {@code --secrets-dir} overrides it. */
    @WithName("secrets-dir")
    @WithDefault("secrets")
    String secretsDir();

    /**
     * Per site, the URL its peers' Harbors use to reach it for replication, when it differs from
     * {@code harbor-sync.sites.<name>.url} (e.g. harbor-sync reaches it through a tunnel or proxy).
     */
    @WithName("replication-url")
    Map<String, String> replicationUrl();
}
