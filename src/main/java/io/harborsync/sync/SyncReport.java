package io.harborsync.sync;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one reconcile, or its plan when it was a dry run. Every item names its site, kind,
 * key, the operation and the reason (which case of the sync model), never a secret.
 */
public record SyncReport(String scope, boolean dryRun, boolean forced, Instant startedAt, Instant finishedAt,
                         List<Item> planned, List<Item> done, List<Item> failed, List<Item> skipped,
                         List<Item> conflicts, List<Item> pending, List<String> unknownSites) {

    /** @param op create, update, delete, or for non-operations: conflict, pending, skip */
    public record Item(String site, String kind, String key, String op, String reason, String detail) {
    }
}
