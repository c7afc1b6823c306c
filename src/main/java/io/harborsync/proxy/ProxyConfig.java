package io.harborsync.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;

/**
 * {@code harbor-sync.proxy.*}: where core.harbor.domain points (the active site) and how it is switched.
 * Without the Kubernetes backend only the daemon's own idea of the active site changes (demo, no cluster).
 */
@ConfigMapping(prefix = "harbor-sync.proxy")
public interface ProxyConfig {

    Kubernetes kubernetes();

    /**
     * Site name to the namespace its Harbor runs in, where it differs from the site name
     * (default identity: site h1 is namespace h1).
     */
    Map<String, String> namespaces();

    Failover failover();

    interface Kubernetes {
        /** true: the active site is the include of the root Contour HTTPProxy, read at start and patched on a switch. */
        @WithDefault("false")
        boolean enabled();

        /** Namespace of the root HTTPProxy (the one with the virtualhost). */
        @WithDefault("harbor-proxy")
        String namespace();

        /** Name of the root HTTPProxy. */
        @WithDefault("harbor")
        String name();

        /** Name of the child HTTPProxy in each site's namespace that the root includes. */
        @WithName("child-name")
        @WithDefault("harbor")
        String childName();
    }

    interface Failover {
        /** Switch automatically when the active site keeps failing its health check and another is healthy. */
        @WithDefault("false")
        boolean enabled();

        /** How often every site's health is checked. */
        @WithDefault("15s")
        Duration interval();

        /** Consecutive failed checks of the active site before failing over; also the healthy checks a target needs. */
        @WithDefault("3")
        int threshold();

        /** No automatic switch within this long after any switch. */
        @WithName("min-dwell")
        @WithDefault("10m")
        Duration minDwell();

        /** Return automatically to the site chosen by hand (or at start) once it has been healthy long enough. */
        @WithDefault("false")
        boolean failback();
    }
}
