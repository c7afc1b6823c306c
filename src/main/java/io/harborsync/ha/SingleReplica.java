package io.harborsync.ha;

/**
 * No election: the embedded H2 store admits one process ({@link SingleReplicaLock} refuses a second at start), so
 * this replica leads from start to stop.
 */
final class SingleReplica implements Election {
    private volatile boolean leading;

    @Override
    public void start(Listener listener) {
        leading = true;
        listener.acquired();
    }

    @Override
    public long leaderUntilNanos() {
        return leading ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    @Override
    public String describe() {
        return "single replica (H2 store)";
    }

    @Override
    public void close() {
        leading = false;
    }
}
