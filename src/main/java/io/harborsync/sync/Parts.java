package io.harborsync.sync;

import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.harborsync.sync.Outcome.KeyOutcome;
import io.harborsync.sync.Outcome.Status;
import io.harborsync.sync.Outcome.StepOutcome;
import io.harborsync.sync.SyncReport.Action;
import io.harborsync.sync.SyncReport.Item;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reconcile of every project as its parts (issue 18): the projects, listed once, in batches of a bounded size,
 * each batch read, planned, sent and settled on its own, so that the daemon never holds every site's whole state
 * at once; the top-level kinds that project content refers to (global labels) go with the first part, those that
 * refer to projects (system robots) with the last. {@link #batches} cuts the batches; {@link #add} takes each
 * part's result and {@link #finish} makes the run's one {@link ReconcileFinished}, as a reconcile of every project
 * in one piece would have made it, less what it would hold for nothing: the keys found in sync are counted, not
 * listed (nothing downstream acts on them).
 */
final class Parts {
    private final boolean dryRun;
    private final boolean forced;
    private final List<String> sites;
    private final List<Decision> decisions = new ArrayList<>();
    private final List<Plan.Step> steps = new ArrayList<>();
    private final Map<String, Plan.GuardVerdict> guard = new LinkedHashMap<>();
    private final List<SyncReport.Conflict> conflicts = new ArrayList<>();
    private final Map<String, String> unknownSites = new TreeMap<>();
    private final Map<String, Plan.Excluded> excluded = new TreeMap<>();
    private final Map<Kind, String> preconditions = new LinkedHashMap<>();
    private final Map<String, Map<Kind, String>> unknownKinds = new TreeMap<>();
    private final List<SyncReport.SecretNotAligned> secrets = new ArrayList<>();
    private final List<StepOutcome> stepOutcomes = new ArrayList<>();
    private final List<KeyOutcome> keys = new ArrayList<>();
    private final List<QuickCheckMiss> misses = new ArrayList<>();
    private final List<Item> planned = new ArrayList<>();
    private final List<Item> done = new ArrayList<>();
    private final List<Item> failed = new ArrayList<>();
    private final List<Item> skipped = new ArrayList<>();
    private final List<Item> pending = new ArrayList<>();
    private final Set<String> unknownSiteLines = new LinkedHashSet<>();
    private List<SyncReport.Precondition> reportPreconditions = List.of();
    private int taken;
    private int parts;
    private long inSync;
    private int largestPart;

    Parts(boolean dryRun, boolean forced, List<String> sites) {
        this.dryRun = dryRun;
        this.forced = forced;
        this.sites = sites;
    }

    /**
     * The parts' scopes: the project names in sorted batches of at most {@code size}, the first carrying the
     * top-level kinds project content refers to, the last those that refer to projects (one part may be both).
     */
    static List<Scope> batches(Set<String> projects, int size, KindRegistry kinds) {
        Set<Kind> first = new LinkedHashSet<>();
        Set<Kind> last = new LinkedHashSet<>();
        for (MirroredKind k : kinds.top()) {
            if (!k.kind().equals(Kind.PROJECT)) {
                (k.refersToProjects() ? last : first).add(k.kind());
            }
        }
        List<List<String>> batches = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String p : new TreeSet<>(projects)) {
            current.add(p);
            if (current.size() == size) {
                batches.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty() || batches.isEmpty()) {
            batches.add(current);
        }
        List<Scope> out = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            Set<Kind> top = new LinkedHashSet<>();
            if (i == 0) {
                top.addAll(first);
            }
            if (i == batches.size() - 1) {
                top.addAll(last);
            }
            out.add(Scope.part(new LinkedHashSet<>(batches.get(i)), top));
        }
        return out;
    }

    /** One part's result, taken in. */
    void add(ReconcileFinished part) {
        parts++;
        largestPart = Math.max(largestPart, part.scope().partProjects().size());
        Plan p = part.plan();
        for (Decision d : p.decisions()) {
            if (d.needsWork() || d.kase() != Decision.Case.IN_SYNC && d.kase() != Decision.Case.DELETED_EVERYWHERE) {
                decisions.add(d);
            }
        }
        steps.addAll(p.steps());
        for (Plan.GuardVerdict v : p.guard()) {
            guard.merge(v.kind().id() + "|" + v.site(), v, (a, b) -> new Plan.GuardVerdict(a.kind(), a.site(),
                    a.deletions() + b.deletions(), Math.max(a.known(), b.known()), a.maxFraction(), a.forced()));
        }
        conflicts.addAll(p.conflicts());
        p.unknownSites().forEach(unknownSites::putIfAbsent);
        excluded.putAll(p.excluded());
        preconditions.putAll(p.preconditions());
        p.unknownKinds().forEach((site, m) -> unknownKinds.computeIfAbsent(site, x -> new LinkedHashMap<>()).putAll(m));
        secrets.addAll(p.secretsNotAligned());
        stepOutcomes.addAll(part.steps());
        for (KeyOutcome k : part.keys()) {
            if (k.status() == Status.IN_SYNC) {
                inSync++;
            } else {
                keys.add(k);
            }
        }
        misses.addAll(part.quickCheckMisses());
        taken += part.quickCheckTaken();
        SyncReport r = part.report();
        planned.addAll(r.planned());
        done.addAll(r.done());
        failed.addAll(r.failed());
        r.skipped().stream().filter(i -> i.op() != Action.GUARD).forEach(skipped::add);
        pending.addAll(r.pending());
        unknownSiteLines.addAll(r.unknownSites());
        reportPreconditions = r.preconditions();
    }

    /** How many parts the run had, and the most projects one of them held. */
    int parts() {
        return parts;
    }

    int largestPart() {
        return largestPart;
    }

    /** How many keys the parts found in sync (counted, not listed). */
    long inSync() {
        return inSync;
    }

    /** The run's one result, as the API, status, metrics and the inbox worker take it. */
    ReconcileFinished finish(Instant started, Instant finished) {
        List<Plan.GuardVerdict> verdicts = List.copyOf(guard.values());
        Plan plan = new Plan(Scope.ALL, forced, sites, List.copyOf(decisions), List.copyOf(steps), verdicts,
                List.copyOf(conflicts), Map.copyOf(unknownSites), Map.copyOf(excluded), Map.copyOf(preconditions),
                Map.copyOf(unknownKinds), List.copyOf(secrets));
        List<Item> skippedAll = new ArrayList<>(skipped);
        verdicts.forEach(v -> skippedAll.add(new Item(v.site(), v.kind(), "*", Action.GUARD, v.describe(),
                v.forced() ? Reconciler.GUARD_FORCED : Reconciler.GUARD_HELD_BACK)));
        SyncReport report = new SyncReport(Scope.ALL, dryRun, forced, started, finished, planned, done, failed,
                skippedAll, List.copyOf(conflicts), pending, List.copyOf(unknownSiteLines), reportPreconditions,
                List.copyOf(secrets));
        return new ReconcileFinished(plan, dryRun, started, finished, List.copyOf(stepOutcomes), List.copyOf(keys),
                report, List.copyOf(misses), taken, inSync);
    }
}
