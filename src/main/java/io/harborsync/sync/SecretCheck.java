package io.harborsync.sync;

import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.store.SecretAlignments;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.SyncReport.SecretNotAligned;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which robots a client could not use on every site after a failover: Harbor never shows a secret again, so the
 * daemon knows a robot's secret is the same everywhere only where it set one and proved it by authenticating as
 * the robot ({@link SecretAlignments}: the robot's id on each site then). A site where the robot is now another
 * one (recreated: a new id) or a copy this run makes is not proven.
 */
final class SecretCheck {
    static final SecretAlignments NOTHING_PROVEN = new SecretAlignments() {
        @Override
        public Map<String, Map<String, Long>> all() {
            return Map.of();
        }

        @Override
        public void record(String robotKey, Map<String, Long> robotIdBySite) {
            throw new UnsupportedOperationException("no secret store");
        }

        @Override
        public void forget(String robotKey) {
        }
    };

    static final String NEVER_SET = "harbor-sync has not set its secret: each site's copy has its own";
    static final String CHANGED = "recreated since harbor-sync set its secret";
    static final String COPIED = "copied by this run with a secret nobody knows";

    private SecretCheck() {
    }

    /** The robots of the plan's scope that are on some site and not proven on every site that has or gets them. */
    static List<SecretNotAligned> notAligned(KindRegistry kinds, List<String> sites, LiveState live, Plan plan,
                                             Map<String, Map<String, Long>> proven) {
        Map<String, Set<String>> creates = new HashMap<>();
        Set<String> deleted = new java.util.HashSet<>();
        for (Plan.Step s : plan.steps()) {
            Op op = s.op();
            if (op.type() == OpType.CREATE && !s.heldBack()) {
                creates.computeIfAbsent(op.kind().id() + "|" + op.key(), x -> new TreeSet<>()).add(op.site());
            } else if (op.type() == OpType.DELETE && !s.heldBack()) {
                deleted.add(op.kind().id() + "|" + op.key()); // on its way out: nothing to align
            }
        }
        List<SecretNotAligned> out = new ArrayList<>();
        for (Kind kind : List.of(SystemRobotKind.ROBOT, ProjectRobotKind.PROJECT_ROBOT)) {
            if (!kinds.kinds().contains(kind) || live.paused.containsKey(kind)) {
                continue;
            }
            for (String key : live.keys(kind)) {
                if (!plan.scope().covers(key) || live.excluded.containsKey(key) || deleted.contains(kind.id() + "|" + key)) {
                    continue;
                }
                Map<String, Long> ids = proven.getOrDefault(key, Map.of());
                Set<String> copied = creates.getOrDefault(kind.id() + "|" + key, Set.of());
                Set<String> notProven = new TreeSet<>(copied);
                boolean recreated = false;
                for (String site : live.valuesOf(kind, key).keySet()) {
                    Optional<Long> id = live.id(site, RobotCopies.ROBOT_ID, key);
                    if (id.isEmpty() || !id.get().equals(ids.get(site))) {
                        notProven.add(site);
                        recreated |= ids.containsKey(site);
                    }
                }
                if (!notProven.isEmpty()) {
                    String why = ids.isEmpty() ? NEVER_SET : recreated ? CHANGED : !copied.isEmpty() ? COPIED : NEVER_SET;
                    out.add(new SecretNotAligned(kind, key, Keys.robotName(key), List.copyOf(notProven), why));
                }
            }
        }
        return out;
    }
}
