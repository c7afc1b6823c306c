package io.harborsync.sync;

import io.harborsync.sync.Values.Value;

import java.util.List;

/**
 * What one key needs, decided from every site's live state and the base: the case of the model
 * that applies (the reason reported in plans), the operations, and whether it is a conflict.
 */
public record Decision(Kind kind, String key, Case kase, List<Op> ops, Value target, boolean conflict,
                       String detail) {

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
