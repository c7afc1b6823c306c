package io.harborsync.sync;

import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Case;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.Values.Value;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one decision function (sync-model.md, "Three-way comparison against a base"), for any number
 * of sites. Pure: it reads no Harbor and writes nothing, so webhooks, the audit-log tail, the
 * periodic reconcile and /sync (dry-run or not) all reach the same verdict for the same facts. A value made of
 * attributes ({@link Values.Fielded}, a project's settings) that sites changed differently is merged attribute by
 * attribute ({@link FieldMerge}): changes to different attributes are {@code CHANGED}, not a conflict, and a
 * conflict is per attribute ({@link Decision#fieldConflicts()}).
 */
public final class Decider {
    private Decider() {
    }

    public static Decision decide(KeyState s, ConflictPolicy policy, boolean propagateDeletion) {
        Kind kind = s.kind();
        if (!s.unknown().isEmpty()) {
            return decision(s, Case.UNKNOWN, List.of(), null, false, new TreeSet<>(s.unknown()));
        }
        Map<String, Value> present = new TreeMap<>(s.present());
        if (present.isEmpty()) {
            return decision(s, Case.DELETED_EVERYWHERE, List.of(), null, false, "");
        }
        Set<String> absent = new TreeSet<>(s.absent());
        if (absent.isEmpty() && distinct(present.values()).size() == 1) {
            return decision(s, Case.IN_SYNC, List.of(), present.values().iterator().next(), false, "");
        }

        Optional<KeyState.Base> base = s.base();
        Set<String> deletedOn = new TreeSet<>();
        if (base.isPresent()) {
            for (String site : absent) {
                if (base.get().sites().contains(site) && !s.freshSites().contains(site)) {
                    deletedOn.add(site);
                }
            }
        }
        Set<String> missingOn = new TreeSet<>(absent);
        missingOn.removeAll(deletedOn);

        // Sites whose state differs from the base; without a base every present site "changed".
        Map<String, Value> changed = new TreeMap<>();
        present.forEach((site, v) -> {
            if (base.isEmpty() || !base.get().value().equals(v)) {
                changed.put(site, v);
            }
        });

        if (!deletedOn.isEmpty() && changed.isEmpty()) {
            // Deleted on some sites, untouched on the others since the base: the deletion wins.
            if (!propagateDeletion) {
                return decision(s, Case.DELETION_DISABLED, List.of(), null, false, deletedOn);
            }
            List<Op> ops = new ArrayList<>();
            present.forEach((site, v) -> ops.add(op(s, site, OpType.DELETE, null, v, Case.DELETED, deletedOn)));
            return decision(s, Case.DELETED, ops, null, false, deletedOn);
        }

        // Otherwise the key lives on: pick the value every site should have.
        Case kase;
        Value target;
        boolean conflict = false;
        List<Decision.FieldConflict> fieldConflicts = List.of();
        Set<String> changedSites = changed.keySet();
        List<Value> changedValues = distinct(changed.values());
        if (changedValues.isEmpty()) {
            target = base.orElseThrow().value(); // only sites that never had it are missing
            kase = kind.copiedBySync() ? Case.CREATED : Case.PENDING_REPLICATION;
        } else if (changedValues.size() == 1) {
            target = changedValues.get(0);
            if (!deletedOn.isEmpty()) {
                kase = Case.CONFLICT_CHANGED_DELETED;
                conflict = true;
            } else if (base.isEmpty()) {
                kase = kind.copiedBySync() || missingOn.isEmpty() ? Case.CREATED : Case.PENDING_REPLICATION;
            } else {
                kase = Case.CHANGED;
            }
        } else if (FieldMerge.applies(present.values())) {
            // Attribute by attribute: changes to different attributes all survive, a conflict is per attribute.
            FieldMerge.Result m = FieldMerge.merge(base.map(KeyState.Base::value).orElse(null), present, policy,
                    s.changedAt());
            fieldConflicts = m.conflicts();
            if (m.unresolved()) {
                if (!absent.isEmpty()) {
                    // no one value to create where it is missing: the whole key waits, as any unresolved conflict
                    return decision(s, Case.CONFLICT_UNRESOLVED, List.of(), null, true, changedSites, fieldConflicts);
                }
                // the unresolved attributes stay as they are on every site; the others still merge
                List<Op> ops = new ArrayList<>();
                String reason = Case.CONFLICT_UNRESOLVED.explain(changedSites) + " for "
                        + fieldConflicts.stream().filter(c -> c.winner() == null).map(Decision.FieldConflict::field)
                        .toList() + "; the other attributes merge: apply";
                present.forEach((site, v) -> {
                    Value to = m.bySite().get(site);
                    if (!to.equals(v)) {
                        ops.add(new Op(site, OpType.UPDATE, s.kind(), s.key(), to, v, reason));
                    }
                });
                return decision(s, Case.CONFLICT_UNRESOLVED, ops, null, true, changedSites, fieldConflicts);
            }
            target = m.target();
            if (!fieldConflicts.isEmpty()) {
                conflict = true;
                kase = Case.CONFLICT_CHANGED_BOTH;
            } else if (!deletedOn.isEmpty()) {
                conflict = true;
                kase = Case.CONFLICT_CHANGED_DELETED;
            } else {
                kase = Case.CHANGED; // without a base every differing attribute is a conflict, so a base exists
            }
        } else {
            conflict = true;
            Optional<String> winner = policy.winner(present.keySet(), s.changedAt());
            if (winner.isEmpty()) {
                return decision(s, Case.CONFLICT_UNRESOLVED, List.of(), null, true, changedSites);
            }
            target = present.get(winner.get());
            kase = Case.CONFLICT_CHANGED_BOTH;
        }
        if (conflict && policy instanceof ConflictPolicy.ReportOnly) {
            return decision(s, Case.CONFLICT_UNRESOLVED, List.of(), null, true, changedSites, fieldConflicts);
        }

        Object who = kase == Case.CREATED || kase == Case.PENDING_REPLICATION
                ? (changedSites.isEmpty() ? present.keySet() : changedSites) : changedSites;
        List<Op> ops = new ArrayList<>();
        for (String site : absent) {
            if (kind.copiedBySync()) {
                ops.add(op(s, site, OpType.CREATE, target, null, kase, who));
            }
        }
        Value t = target;
        present.forEach((site, v) -> {
            if (!v.equals(t)) {
                ops.add(op(s, site, OpType.UPDATE, t, v, kase, who));
            }
        });
        if (ops.isEmpty() && !kind.copiedBySync() && !absent.isEmpty()) {
            // nothing to write where it is; the missing copies are replication's to make
            return decision(s, Case.PENDING_REPLICATION, ops, null, conflict, present.keySet(), fieldConflicts);
        }
        return decision(s, kase, ops, target, conflict, who, fieldConflicts);
    }

    private static Op op(KeyState s, String site, OpType type, Value value, Value from, Case kase, Object who) {
        return new Op(site, type, s.kind(), s.key(), value, from, kase.explain(who));
    }

    private static Decision decision(KeyState s, Case kase, List<Op> ops, Value target, boolean conflict,
                                     Object who) {
        return decision(s, kase, ops, target, conflict, who, List.of());
    }

    private static Decision decision(KeyState s, Case kase, List<Op> ops, Value target, boolean conflict,
                                     Object who, List<Decision.FieldConflict> fieldConflicts) {
        return new Decision(s.kind(), s.key(), kase, List.copyOf(ops), target, conflict, kase.explain(who),
                fieldConflicts);
    }

    private static List<Value> distinct(java.util.Collection<Value> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }
}
