package io.harborsync.ha;

/** Fired (CDI, asynchronously) when this replica becomes leader or stops being it. */
public record LeadershipChanged(boolean leader, long epoch, String why) {
}
