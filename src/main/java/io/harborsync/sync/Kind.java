package io.harborsync.sync;

/**
 * What is synced (sync-model.md, first table). Projects and members are copied by harbor-sync;
 * repositories and artifacts come into being only through Harbor's replication, so harbor-sync
 * propagates their deletion (and an artifact's tags) but never creates them.
 */
public enum Kind {
    PROJECT(true),
    MEMBER(true),
    REPOSITORY(false),
    ARTIFACT(false);

    private final boolean copiedBySync;

    Kind(boolean copiedBySync) {
        this.copiedBySync = copiedBySync;
    }

    /** False when a missing copy is replication's job: reported as pending, not created. */
    public boolean copiedBySync() {
        return copiedBySync;
    }

    public String id() {
        return name().toLowerCase();
    }
}
