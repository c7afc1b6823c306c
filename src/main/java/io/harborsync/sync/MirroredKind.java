package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.Value;

import java.util.Map;
import java.util.Optional;

/**
 * Everything about one kind that harbor-sync mirrors, in one class (as java-operator-sdk has one dependent resource
 * per managed thing): its key and parent, the phases its writes run in, how it is read from a site into portable
 * values (ids and per-site details left out, the daemon's own objects excluded), how one planned operation is
 * applied with its checks before sending, and which audit-log rows hint at a change of it. The engine (reading,
 * planning, applying, metrics) and the model test iterate {@link KindRegistry}; none of them switches on a kind.
 *
 * <p>Keys are names, never ids. A child's key starts with its parent's key (see {@link Keys}), so "everything under
 * a key" is a prefix.
 */
public interface MirroredKind {
    Kind kind();

    /** The kind this kind's keys live under, or null for a kind read at the top of a site. */
    Kind parent();

    /**
     * When this kind's creates and updates run; parents before children. Deletes run in {@link #deletePhase()}:
     * children before parents. Operations of one phase run project by project side by side.
     */
    int createPhase();

    int deletePhase();

    /**
     * A top-level kind other than projects whose values name projects (a system robot's permissions): in a
     * reconcile of every project, which works through parts of a batch of projects each, it goes with the last
     * part, when every project is in place; the other top-level kinds (global labels, which project content refers
     * to) go with the first.
     */
    default boolean refersToProjects() {
        return false;
    }

    /** The type of this kind's values (the base stores them as JSON). */
    Class<? extends Value> valueType();

    /**
     * A top-level kind: the site's items the scope covers by key, as Harbor listed them (one listing, paged). Each
     * is then read with {@link #readTop}, side by side on the engine's executor.
     */
    default Map<String, ?> listTop(SiteRead site, Scope scope) {
        throw new UnsupportedOperationException(kind() + " is not a top-level kind");
    }

    /**
     * A top-level kind: files one listed item (or {@link SiteRead#exclude}s it) and reads what is under it with
     * {@link SiteRead#descend}. A failure makes everything under the key unknown on the site this run.
     */
    default void readTop(SiteRead site, String key, Object item) {
        throw new UnsupportedOperationException(kind() + " is not a top-level kind");
    }

    /**
     * A child kind: files every key of this kind under one parent item this run read on the site ({@code parent}
     * is what the parent kind handed to {@link SiteRead#descend}).
     */
    default void readUnder(SiteRead site, String parentKey, Object parent) {
    }

    /** Reads one key (an artifact scope; the read-back of a key this run created); empty when it is absent. */
    default Optional<Value> readOne(SiteRead site, String key) {
        throw new UnsupportedOperationException(kind() + " is not read key by key");
    }

    /** The prefix of every key under this kind's key {@code key} (a project's children: "p/"). */
    default String childPrefix(String key) {
        return key + "/";
    }

    /** Whether a key this run created is read back instead of taken from the write (Harbor may drop parts of it). */
    default boolean readBackAfterCreate() {
        return false;
    }

    /** The project an audit-log row of this kind names, if the row is about this kind. */
    default Optional<String> projectHintedBy(AuditLogExt row) {
        return Optional.empty();
    }

    /** The names {@code harbor-sync.deletion.disabled-kinds} knows this kind by (its id, and a family name). */
    default java.util.Set<String> configNames() {
        return java.util.Set.of(kind().id());
    }

    /**
     * Why this kind cannot be mirrored with these settings at all (e.g. the daemon's account may not write it), or
     * empty. A kind with a precondition is not read: every key of it is unknown on every site, so nothing of it is
     * created or deleted, and status shows the reason once instead of one failure per key.
     */
    default Optional<String> precondition(SyncSettings settings) {
        return Optional.empty();
    }

    /** Applies one planned operation on its site (ctx.client()). */
    Applied apply(Op op, ApplyContext ctx);

    /** What applying said: done, or not possible on this site yet (retried by a later reconcile). */
    enum Applied { DONE, DEFERRED }
}
