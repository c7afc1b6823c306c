package io.harborsync.ha;

/**
 * One way of choosing the one replica that works (reconciles, drains the inbox, tails audit logs, switches the
 * proxy): a Kubernetes Lease, a PostgreSQL advisory lock, or none at all (a single replica on H2). An election
 * runs on its own threads once started and tells its listener what it learned; {@link Leadership} turns that into
 * the replica's role and its fencing checks.
 */
public interface Election extends AutoCloseable {

    /** Starts campaigning (and renewing once leading) in the background. Called once. */
    void start(Listener listener);

    /**
     * The {@link System#nanoTime()} until which this replica's leadership is certain: no other replica can have
     * become leader before it, whatever happened since (a freeze, a network cut). {@link Long#MIN_VALUE} when it
     * does not lead. For a lease: the start of the last successful renewal plus the lease duration.
     */
    long leaderUntilNanos();

    /** A short description for logs and /status, e.g. {@code "Kubernetes Lease harbor-sync/harbor-sync"}. */
    String describe();

    /** Stops campaigning and gives leadership up, if held, so that another replica may take over at once. */
    @Override
    void close();

    /** What an election tells the replica. Called from the election's threads, never concurrently. */
    interface Listener {
        /** This replica now leads. */
        void acquired();

        /** This replica no longer leads (renewal failed, lease taken, connection lost, or closed). */
        void lost(String why);

        /** The replica now leading, as far as this election knows (its identity), or null when none is known. */
        void leaderSeen(String identity);
    }
}
