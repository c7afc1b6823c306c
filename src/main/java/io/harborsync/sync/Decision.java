package io.harborsync.sync;

import io.harborsync.model.Kind;
import io.harborsync.sync.Values.Value;

import java.util.List;

/**
 * What one key needs, decided from every site's live state and the base: the case of the model
 * that applies (the reason reported in plans), the operations, and whether it is a conflict.
 *
 * @param target         the value every site gets; null when nothing is decided, and when some attribute's
 *                       conflict is left unresolved (each site then keeps its own value of that attribute)
 * @param fieldConflicts for a value merged attribute by attribute ({@link Values.Fielded}), each attribute
 *                       changed differently on several sites; empty otherwise
 */
public record Decision(Kind kind, String key, Case kase, List<Op> ops, Value target, boolean conflict,
                       String detail, List<FieldConflict> fieldConflicts) {

    public Decision {
        fieldConflicts = List.copyOf(fieldConflicts);
    }

    /** A decision without attribute-level conflicts. */
    public Decision(Kind kind, String key, Case kase, List<Op> ops, Value target, boolean conflict, String detail) {
        this(kind, key, kase, ops, target, conflict, detail, List.of());
    }

    /**
     * One attribute changed differently on several sites since the base.
     *
     * @param field  the attribute's name ({@link Values.Fielded#fields()})
     * @param values every present site's value of it, by site (null: the site does not have it)
     * @param base   its value in the base (null: not in the base, or no base)
     * @param winner the site whose value every site gets, by the conflict policy; null when left unresolved
     */
    public record FieldConflict(String field, java.util.SortedMap<String, Object> values, Object base,
                                String winner) {
        public FieldConflict {
            values = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(values));
        }
    }

    /** The rows of sync-model.md's table, plus the states where nothing may be decided. */
    public enum Case {
        IN_SYNC("in sync"),
        CREATED("created on %s, missing elsewhere, no base: create"),
        PENDING_REPLICATION("exists on %s only: content is copied by Harbor replication, pending"),
        DELETED("deleted on %s, unchanged elsewhere since the base: delete"),
        DELETION_DISABLED("deleted on %s, but deletion propagation is off for this kind"),
        CHANGED("changed on %s since the base: apply"),
        CONFLICT_CHANGED_DELETED("changed on %s, deleted elsewhere: keep the change"),
        CONFLICT_CHANGED_BOTH("changed differently on %s: resolved by the conflict policy"),
        CONFLICT_UNRESOLVED("changed differently on %s: left as is (report-only or no winner)"),
        DELETED_EVERYWHERE("deleted on every site: forget the base"),
        UNKNOWN("state unknown on %s this run: nothing decided");

        private final String text;

        Case(String text) {
            this.text = text;
        }

        public String explain(Object sites) {
            return text.contains("%s") ? String.format(text, sites) : text;
        }

        /** Whether a report item's reason was written by {@link #explain} of this case. */
        public boolean explains(String reason) {
            int cut = text.indexOf("%s");
            return reason != null && (cut < 0 ? reason.equals(text) : reason.startsWith(text.substring(0, cut)));
        }
    }

    /** ENSURE: the daemon's own object is checked and put in place (its webhook policies). */
    public enum OpType { CREATE, UPDATE, DELETE, ENSURE }

    /** One write on one site. {@code from} is the site's current state (null when absent). */
    public record Op(String site, OpType type, Kind kind, String key, Value value, Value from, String reason) {
    }

    public boolean needsWork() {
        return !ops.isEmpty();
    }
}
