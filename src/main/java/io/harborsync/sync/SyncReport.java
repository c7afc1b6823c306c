package io.harborsync.sync;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one reconcile, or its plan when it was a dry run. Every item names its site, kind,
 * key, the operation and the reason (which case of the sync model), never a secret.
 */
public record SyncReport(String scope, boolean dryRun, boolean forced, Instant startedAt, Instant finishedAt,
                         List<Item> planned, List<Item> done, List<Item> failed, List<Item> skipped,
                         List<Conflict> conflicts, List<Item> pending, List<String> unknownSites) {

    /** @param op create, update, delete, or for non-operations: conflict, pending, skip */
    public record Item(String site, String kind, String key, String op, String reason, String detail) {
    }

    /**
     * A key changed differently on several sites since they last agreed (or changed on some, deleted on others).
     *
     * @param outcome {@link #RESOLVED} or {@link #UNRESOLVED}
     * @param rule    what settled it: {@link #CHANGE_BEATS_DELETE}, "conflict policy &lt;policy&gt;", or why it was
     *                left as is
     * @param winner  the site whose value every site gets (several, comma-separated, when they hold the same
     *                value); null when unresolved
     * @param values  every site's value: the value's JSON, {@link #DELETED} (it had the key at the base) or
     *                {@link #ABSENT}
     * @param reason  the case of the sync model, as in plans
     */
    public record Conflict(String kind, String key, String outcome, String rule, String winner,
                           java.util.Map<String, String> values, String reason) {
        public static final String RESOLVED = "resolved";
        public static final String UNRESOLVED = "unresolved";
        public static final String CHANGE_BEATS_DELETE = "a change beats a delete";
        public static final String DELETED = "(deleted)";
        public static final String ABSENT = "(absent)";
    }
}
