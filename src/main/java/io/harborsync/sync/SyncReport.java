package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Kind;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one reconcile, or its plan when it was a dry run, as the API shows it. Every item names its site,
 * kind, key, the operation and the reason (which case of the sync model), never a secret. Made from the plan and
 * the typed outcomes ({@link ReconcileFinished}); code that acts on a run reads those, not this.
 */
public record SyncReport(Scope scope, boolean dryRun, boolean forced, Instant startedAt, Instant finishedAt,
                         List<Item> planned, List<Item> done, List<Item> failed, List<Item> skipped,
                         List<Conflict> conflicts, List<Item> pending, List<String> unknownSites,
                         List<Precondition> preconditions, List<SecretNotAligned> secretsNotAligned) {

    /**
     * Kinds not mirrored at all with the daemon's settings (e.g. its account may not write them), once per reason:
     * the two robot kinds share one.
     */
    public record Precondition(List<Kind> kinds, String reason) {
        /** The preconditions of kinds (kind → why), one per reason, in the kinds' order. */
        static List<Precondition> grouped(java.util.Map<Kind, String> byKind) {
            java.util.Map<String, List<Kind>> byReason = new java.util.LinkedHashMap<>();
            byKind.forEach((kind, why) -> byReason.computeIfAbsent(why, x -> new java.util.ArrayList<>()).add(kind));
            return byReason.entrySet().stream().map(e -> new Precondition(List.copyOf(e.getValue()), e.getKey())).toList();
        }
    }

    /**
     * A robot whose secret harbor-sync has not set and proven alike everywhere: a client using it may be refused
     * on {@code sites} after a failover, until {@code PUT /robots/{robot}/secret} or {@code POST /robots/{robot}/rotate}.
     *
     * @param robot  its name as Harbor shows it without the prefix ("ci", "p+ci")
     * @param sites  where it is not proven (its copy there has a secret nobody knows, or was recreated)
     * @param reason why, in words
     */
    public record SecretNotAligned(Kind kind, String key, String robot, List<String> sites, String reason) {
    }

    /** What an item is: an operation on a site, or what a key or a kind came to without one. */
    public enum Action {
        CREATE, UPDATE, DELETE,
        /** The daemon's webhook policy checked and put in place. */
        ENSURE,
        /** Replication's to copy. */
        PENDING,
        /** Nothing decided or deliberately left (unknown state, deletion propagation off, excluded). */
        SKIP,
        /** The mass-deletion guard's verdict on a kind's deletions on a site. */
        GUARD,
        /** The state after the writes is not what was written. */
        VERIFY;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Action of(Decision.OpType type) {
            return valueOf(type.name());
        }
    }

    /** @param key the key, or "*" for a guard verdict on a kind's deletions */
    public record Item(String site, Kind kind, String key, Action op, String reason, String detail) {
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
     * @param fields  for a value merged attribute by attribute (a project's settings), each attribute changed
     *                differently on several sites, with every site's value of it; empty for a whole-key conflict
     *                (and for a change beating a delete). The attributes changed on one site only are not listed:
     *                they merged. When the merged value equals no site's, {@code winner} names the sites whose
     *                attribute values won.
     */
    public record Conflict(Kind kind, String key, String outcome, String rule, String winner,
                           java.util.Map<String, String> values, String reason, List<Field> fields) {
        public Conflict {
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        /**
         * One attribute changed differently on several sites.
         *
         * @param field  its name: a metadata key, {@code public}, {@code storage_limit}, {@code cve_allowlist},
         *               {@code proxy_cache_registry}
         * @param values every site's value of it as JSON ({@link #ABSENT} where the site does not have it)
         * @param base   its value when the sites last agreed, as JSON ({@link #ABSENT}: it had none, or no base)
         * @param winner the site whose value every site gets; null when unresolved (left as is on every site)
         */
        public record Field(String field, java.util.Map<String, String> values, String base, String winner) {
        }

        public static final String RESOLVED = "resolved";
        public static final String UNRESOLVED = "unresolved";
        public static final String CHANGE_BEATS_DELETE = "a change beats a delete";
        public static final String DELETED = "(deleted)";
        public static final String ABSENT = "(absent)";
    }
}
