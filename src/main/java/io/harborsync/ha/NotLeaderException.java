package io.harborsync.ha;

import io.harborsync.harbor.WriteFence;

/**
 * A write was about to leave a replica that is not (or no longer certainly) the leader. Never caught as an
 * ordinary failure: the work in progress stops, nothing of it is recorded, and the leader does it again.
 */
public final class NotLeaderException extends WriteFence.Refused {
    public NotLeaderException(String message) {
        super(message);
    }
}
