package io.harborsync.harbor;

/**
 * Asked before every request that changes something on a Harbor site (any method but GET and HEAD). A replica
 * that is not the leader refuses there, so that a replica frozen past its lease and then resumed sends nothing
 * (issue 17: fencing). One-shot commands and single-replica daemons pass {@link #NONE}.
 */
@FunctionalInterface
public interface WriteFence {
    /** Lets everything through. */
    WriteFence NONE = site -> {
    };

    /** @throws Refused when this process must not write to {@code site} now */
    void checkWrite(String site);

    /**
     * The name of the replica that sends, for the {@code User-Agent} of every request (so a Harbor's log and a
     * test's emulator tell the replicas apart); null: none.
     */
    default String replica() {
        return null;
    }

    /**
     * The write was not sent. Not a {@link HarborException}: it says nothing about the site, the breaker does
     * not count it, and the engine stops instead of recording a failed step.
     */
    class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }
}
