package io.harborsync.store;

import java.time.Instant;

/**
 * The fencing token shared by all replicas (table {@code leader_fence}): a number that only grows, raised by each
 * replica when it becomes leader. A leader holds the epoch it raised the counter to; as soon as the stored one is
 * higher, another replica has taken over since, and the old one must not write.
 */
public interface LeaderFence {

    /** Who raised the epoch last, and when. {@code holder} is empty before any replica ever led. */
    record Holder(long epoch, String holder, String url, Instant since) {
    }

    /** Raises the epoch by one for {@code holder} (reachable at {@code url}) and returns the new state. */
    Holder advance(String holder, String url);

    /** The stored state, as committed now. */
    Holder current();
}
