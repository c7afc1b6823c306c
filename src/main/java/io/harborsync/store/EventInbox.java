package io.harborsync.store;

import java.util.List;

/**
 * Durable work events: webhook events, stored before the 200 goes back to Harbor, and the audit-log tail's hints,
 * stored with its cursor; worked off by the sync engine.
 */
public interface EventInbox {
    /**
     * Stores the event ({@code id}, {@code attempts}, {@code lastError} ignored; receivedAt null = now) and
     * returns the new id once it is committed. Safe to call from many threads at once.
     */
    long add(InboxEvent event);

    /**
     * Stores the audit-log tail's hints (events of type {@link io.harborsync.model.EventType#AUDIT_LOG}) and advances the site's
     * audit-log cursor ({@link CursorStore}) in one transaction, as Debezium commits offsets with events: both
     * are committed or neither, so a crash in between cannot leave a cursor past rows whose hints are lost.
     * Returns the hints' ids, in order.
     *
     * @throws StoreException when nothing was stored (neither the hints nor the cursor)
     */
    List<Long> addWithCursor(List<InboxEvent> hints, String site, long lastAuditLogId);

    /** Up to {@code limit} events not yet done and not set aside, oldest (lowest id) first, due or not. */
    List<InboxEvent> pending(int limit);

    /** Like {@link #pending(int)}, but only those whose retry time has come by {@code now}. */
    List<InboxEvent> due(int limit, java.time.Instant now);

    /** The event with this id, done or not. */
    java.util.Optional<InboxEvent> get(long id);

    /** Marks the event done: it is no longer pending. */
    void done(long id);

    /** Marks all these events done in one transaction. */
    void done(java.util.Collection<Long> ids);

    /** Removes events settled (done) before {@code cutoff}; returns how many. Pending and dead ones stay. */
    long purgeDone(java.time.Instant cutoff);

    /** Records a failed attempt: attempts + 1, lastError = error; the event stays pending. */
    void failed(long id, String error);

    /** Records a failed attempt and when to try again (attempts + 1). */
    void retryAt(long id, String error, java.time.Instant nextAttempt);

    /** Records a failed attempt and sets the event aside: no more automatic retries (dead letter). */
    void bury(long id, String error);

    /** Dead letters, oldest first. */
    List<InboxEvent> dead(int limit);

    /** Puts a dead letter back to work with a fresh attempt count; false when there is no such dead letter. */
    boolean revive(long id);

    /** Events not done and not set aside. */
    long pendingCount();

    /** Events set aside as dead letters. */
    long deadCount();
}
