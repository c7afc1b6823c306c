package io.harborsync.sync;

import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.sync.Values.ProjectValue;

/** Lets test support outside this package read a project the way the engine does. */
public final class SyncTestAccess {
    private SyncTestAccess() {
    }

    public static ProjectValue projectValue(Project p, Long storageLimit) {
        return ProjectKind.value(p, storageLimit, null);
    }
}
