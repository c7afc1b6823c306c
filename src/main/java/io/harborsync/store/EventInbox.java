package io.harborsync.store;

import java.util.List;

/** Durable webhook events: stored before the 200 goes back to Harbor, worked off by the sync engine. */
public interface EventInbox {
    /** Stores the event ({@code id}, {@code attempts}, {@code lastError} ignored; receivedAt null = now). Returns the new id. */
    long add(InboxEvent event);

    /** Up to {@code limit} events not yet done, oldest (lowest id) first. */
    List<InboxEvent> pending(int limit);

    /** The event with this id, done or not. */
    java.util.Optional<InboxEvent> get(long id);

    /** Marks the event done: it is no longer pending. */
    void done(long id);

    /** Records a failed attempt: attempts + 1, lastError = error; the event stays pending. */
    void failed(long id, String error);

    long pendingCount();
}
