package io.harborsync.model;

import io.harborsync.sync.MirroredKind;
import io.harborsync.sync.KindRegistry;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The name of a kind of thing harbor-sync keeps in step (sync-model.md, first table), as plans, the base, metrics
 * and the configuration spell it. Everything else about a kind is in its {@link MirroredKind} class, and the kinds
 * live in {@link KindRegistry}. Two kinds are equal when their ids are.
 *
 * <p>The four kinds of the project tree are named here because every part of the engine refers to projects and
 * their children; a new kind declares its own constant in its kind class.
 */
public final class Kind {
    private static final Map<String, Kind> KNOWN = new ConcurrentHashMap<>();

    public static final Kind PROJECT = define("project", true);
    public static final Kind MEMBER = define("member", true);
    /** Repositories and artifacts come into being only through Harbor's replication: harbor-sync never creates them. */
    public static final Kind REPOSITORY = define("repository", false);
    public static final Kind ARTIFACT = define("artifact", false);
    /**
     * Not mirrored: the webhook policy the daemon keeps in every project on every site so that Harbor tells it of
     * changes. Its upkeep is planned and reported like a write of a kind.
     */
    public static final Kind DAEMON_WEBHOOK = define("harbor-sync-webhook", false);

    private final String id;
    private final boolean copiedBySync;

    private Kind(String id, boolean copiedBySync) {
        this.id = id;
        this.copiedBySync = copiedBySync;
    }

    /** Declares a kind; its id must be new. */
    public static Kind define(String id, boolean copiedBySync) {
        Kind k = new Kind(id, copiedBySync);
        if (KNOWN.putIfAbsent(id, k) != null) {
            throw new IllegalStateException("kind '" + id + "' is declared twice");
        }
        return k;
    }

    /** The kind with this id (as stored and shown); only declared kinds. */
    @JsonCreator
    public static Kind of(String id) {
        Kind k = KNOWN.get(id);
        if (k == null) {
            throw new IllegalArgumentException("unknown kind '" + id + "'");
        }
        return k;
    }

    /** False when a missing copy is replication's job: reported as pending, not created. */
    public boolean copiedBySync() {
        return copiedBySync;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kind k && k.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
