package io.harborsync.ha;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/** Everything under {@code harbor-sync.ha.*}: how the replicas choose their leader (docs/operations.md, "High availability"). */
@ConfigMapping(prefix = "harbor-sync.ha")
public interface HaConfig {

    /**
     * {@code auto} (default): a Kubernetes Lease when the store is PostgreSQL and the daemon runs in a pod, a
     * PostgreSQL advisory lock when the store is PostgreSQL elsewhere, and a single replica on H2. Or name one:
     * {@code kubernetes}, {@code postgres}, {@code none} (H2 only).
     */
    @WithDefault("auto")
    String election();

    /** How long a leader's lease (or lock session) lasts without renewal; a follower takes over after it. */
    @WithName("lease-duration")
    @WithDefault("15s")
    Duration leaseDuration();

    /** A leader that has not renewed for this long gives up by itself (Kubernetes Lease; less than the lease). */
    @WithName("renew-deadline")
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often a leader renews and a follower tries to take over. */
    @WithName("retry-period")
    @WithDefault("2s")
    Duration retryPeriod();

    /** The Lease's name (Kubernetes) or the advisory lock's name (PostgreSQL). */
    @WithName("lease-name")
    @WithDefault("harbor-sync")
    String leaseName();

    /** The Lease's namespace; default: the pod's own namespace (from its service account), else harbor-sync. */
    @WithName("lease-namespace")
    Optional<String> leaseNamespace();

    /** This replica's identity in the lease and in /status; default: POD_NAME, else host name and process id. */
    @WithName("replica-id")
    Optional<String> replicaId();

    /**
     * Where the other replicas reach this one's admin API (followers forward to the leader's); default:
     * http://POD_IP:port in a pod, else http://127.0.0.1:port.
     */
    @WithName("advertise-url")
    Optional<String> advertiseUrl();

    /** How often the leader looks for webhook events that other replicas stored ({@code off}: never). */
    @WithName("inbox-poll")
    @WithDefault("1s")
    String inboxPoll();
}
