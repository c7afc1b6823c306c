package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.store.BaseRecord;
import io.harborsync.store.BaseStore;
import io.harborsync.sync.Decision.Case;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Outcome.KeyOutcome;
import io.harborsync.sync.Outcome.Result;
import io.harborsync.sync.Outcome.Status;
import io.harborsync.sync.Outcome.StepOutcome;
import io.harborsync.sync.Plan.Origin;
import io.harborsync.sync.Plan.Step;
import io.harborsync.sync.SyncReport.Action;
import io.harborsync.sync.SyncReport.Item;
import io.harborsync.sync.Values.Value;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One reconcile, in one direction: read every site ({@link LiveState}), plan ({@link Planner}: every key's
 * decision, the writes that follow, the guard's verdicts), send the plan's steps unless it is a dry run
 * ({@link PlanExecutor}), then settle each key from the typed outcomes: the base moves only to what the writes'
 * answers say the sites hold. Plain Java so that the model-based test drives exactly what the daemon runs;
 * {@code SyncService} adds locking, the shared executor and the {@link ReconcileFinished} event.
 */
public final class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** The detail of a guard item whose deletions were held back (not forced). */
    public static final String GUARD_HELD_BACK = "held back";
    public static final String GUARD_FORCED = "forced";

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** The executor of reconcilers made without one (tests, the benchmark's tools): shared, bounded, daemon threads. */
    private static final ExecutorService DEFAULT_EXECUTOR = Executors.newFixedThreadPool(64, r -> {
        Thread t = new Thread(r, "harbor-sync-engine-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final KindRegistry kinds;
    private final Map<String, HarborClient> clients;
    private final List<String> sites;
    private final BaseStore base;
    private final SyncSettings settings;
    private final Clock clock;
    private final OwnWrites ownWrites;
    private final Executor executor;
    private final io.harborsync.store.SecretAlignments alignments;
    private final BaseView.Cache cache = new BaseView.Cache();

    /** @param ownWrites where every write is recorded, for the event worker and audit-log tail to recognise */
    public Reconciler(Map<String, HarborClient> clients, BaseStore base, SyncSettings settings, Clock clock,
                      OwnWrites ownWrites) {
        this(clients, base, settings, clock, ownWrites, DEFAULT_EXECUTOR);
    }

    /** @param executor the daemon's one executor for reads and writes (each client bounds its site's requests) */
    public Reconciler(Map<String, HarborClient> clients, BaseStore base, SyncSettings settings, Clock clock,
                      OwnWrites ownWrites, Executor executor) {
        this(clients, base, settings, clock, ownWrites, executor, SecretCheck.NOTHING_PROVEN);
    }

    /** @param alignments which robots' secrets the daemon proved alike (the robot API records them) */
    public Reconciler(Map<String, HarborClient> clients, BaseStore base, SyncSettings settings, Clock clock,
                      OwnWrites ownWrites, Executor executor, io.harborsync.store.SecretAlignments alignments) {
        this.alignments = alignments;
        this.kinds = KindRegistry.standard();
        this.clients = new LinkedHashMap<>(clients);
        this.sites = List.copyOf(new TreeSet<>(clients.keySet()));
        this.base = base;
        this.settings = settings;
        this.clock = clock;
        this.ownWrites = ownWrites;
        this.executor = executor;
    }

    public SyncSettings settings() {
        return settings;
    }

    /** Asked before each batch of writes (each phase of a plan, the base); throws to stop the reconcile. */
    private Runnable fence = () -> {
    };

    /**
     * @param check before each batch of writes: throws when this process must not write now (issue 17: a replica
     *              that lost leadership); the reconcile then stops, records nothing, and the leader does it again
     */
    public Reconciler fencedBy(Runnable check) {
        this.fence = java.util.Objects.requireNonNull(check, "check");
        return this;
    }

    /** How runs that do not say otherwise use the quick check (off unless asked: every listing is read). */
    private QuickCheckMode quickCheck = QuickCheckMode.OFF;

    /**
     * @param mode how runs that do not ask for a mode of their own use the quick check: {@link QuickCheckMode#ON}
     *             leaves out listings a site shows unchanged since the sites last agreed (issue 18)
     */
    public Reconciler quickCheck(QuickCheckMode mode) {
        this.quickCheck = java.util.Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Whether the quick check's member part may use the sites' member audit rows (MemberAuditCheck). */
    private boolean memberAudit = true;

    /** @param on harbor-sync.reconcile.quick-check-audit: false lists every project's members on every run */
    public Reconciler memberAudit(boolean on) {
        this.memberAudit = on;
        return this;
    }

    public SyncReport run(Scope scope, boolean dryRun, boolean force) {
        return reconcile(scope, dryRun, force, false).report();
    }

    /**
     * A project that no site has and the base does not know: nothing to reconcile, and most likely a typo.
     * Only raised when every site could be read (a site that cannot be read may have it).
     */
    public static final class NoSuchProject extends RuntimeException {
        public NoSuchProject(String project, List<String> sites) {
            super("project '" + project + "' exists on no site (" + String.join(", ", sites)
                    + " were read) and harbor-sync has no record of it: nothing to reconcile");
        }
    }

    /**
     * @param projectMustExist for a project scope: throw {@link NoSuchProject} when every site was read, none
     *                         has the project and the base has no record of it or its content (a project deleted
     *                         everywhere that the base still knows is a deletion to settle, not an unknown name)
     */
    public ReconcileFinished reconcile(Scope scope, boolean dryRun, boolean force, boolean projectMustExist) {
        return reconcile(scope, dryRun, force, projectMustExist, quickCheck);
    }

    /**
     * @param mode the quick check of this run: a verify pass ({@link QuickCheckMode#VERIFY}) reads everything and
     *             reports what the shortcut would have missed ({@link ReconcileFinished#quickCheckMisses})
     */
    public ReconcileFinished reconcile(Scope scope, boolean dryRun, boolean force, boolean projectMustExist,
                                       QuickCheckMode mode) {
        if (scope.isAll()) {
            return reconcileAll(dryRun, force, mode);
        }
        return reconcile(scope, dryRun, force, projectMustExist, mode, new BaseView(base, kinds, cache), null,
                new Planner.Tally(), new MemberAuditCheck.RunLogs());
    }

    /** Projects per part of a reconcile of every project, unless set ({@link #partProjects(int)}). */
    public static final int DEFAULT_PART_PROJECTS = 200;

    private int partProjects = DEFAULT_PART_PROJECTS;

    /**
     * @param projects the most projects one part of a reconcile of every project reads, plans, sends and settles
     *                 at once (issue 18): what the daemon holds of the sites at any time is about that many
     *                 projects' content, whatever the number of projects
     */
    public Reconciler partProjects(int projects) {
        if (projects < 1) {
            throw new IllegalArgumentException("a part holds at least one project");
        }
        this.partProjects = projects;
        return this;
    }

    /**
     * What the last reconcile of every project was made of: its parts, the most projects one held, and how many
     * parts were read ahead (while the part before them was worked on).
     */
    public record PartsRun(int parts, int largestPart, long keysInSync, int readAhead) {
    }

    private volatile PartsRun lastParts = new PartsRun(0, 0, 0, 0);

    public PartsRun lastParts() {
        return lastParts;
    }

    /**
     * Every project, in parts ({@link Parts}): the projects and their quotas listed once per site, then a part of at
     * most {@link #partProjects(int)} projects at a time read, planned, sent and settled. The mass-deletion guard
     * counts across the parts ({@link Planner.Tally}); project deletions are counted for the whole run before the
     * first part, so a site restored empty deletes nothing on its peers, as in one piece.
     *
     * <p>The next part is read while this one waits for the quota listing, is planned, sent and settled (one part
     * ahead, so the daemon holds at most two parts' content): the parts' projects are disjoint, and what a part
     * writes is not in the next part's listings. A part carrying a kind that refers to projects (system robots,
     * the last part) is read only after every part before it is settled, so it sees the projects they made.
     */
    private ReconcileFinished reconcileAll(boolean dryRun, boolean force, QuickCheckMode mode) {
        Instant started = clock.instant();
        LiveState.Head head = LiveState.listHead(kinds, clients, settings, executor);
        BaseView runView = new BaseView(base, kinds, cache);
        Set<String> names = new TreeSet<>(head.names());
        names.addAll(runView.projectKeys());
        Planner.Tally tally = new Planner.Tally();
        if (!force) {
            new Planner(kinds, sites, settings).holdWipedProjects(head, runView, tally);
        }
        Parts parts = new Parts(dryRun, force, sites);
        MemberAuditCheck.RunLogs auditLogs = new MemberAuditCheck.RunLogs(); // each site's audit log read once per run
        List<Scope> batches = Parts.batches(names, partProjects, kinds);
        int readAhead = 0;
        try (ReadAhead ahead = new ReadAhead()) {
            java.util.function.Supplier<ScopeRead> next = null;
            for (int i = 0; i < batches.size(); i++) {
                ScopeRead read = next != null ? next.get()
                        : read(batches.get(i), mode, runView.forPart(), head, auditLogs);
                next = null;
                if (i + 1 < batches.size() && !refersToProjects(batches.get(i + 1))) {
                    Scope following = batches.get(i + 1);
                    next = ahead.start(() -> read(following, mode, runView.forPart(), head, auditLogs));
                    readAhead++;
                }
                parts.add(finish(read, dryRun, force, false, tally));
            }
        }
        lastParts = new PartsRun(parts.parts(), parts.largestPart(), parts.inSync(), readAhead);
        return parts.finish(started, clock.instant());
    }

    private boolean refersToProjects(Scope part) {
        return part.partTop().stream().anyMatch(k -> kinds.of(k).refersToProjects());
    }

    /**
     * One reconcile of a scope (a project, artifacts, or one part of every project's: {@code head} then set).
     *
     * @param auditLogs what the run read of the sites' audit logs so far (the member quick check), shared by a run's
     *                  parts
     */
    private ReconcileFinished reconcile(Scope scope, boolean dryRun, boolean force, boolean projectMustExist,
                                        QuickCheckMode mode, BaseView view, LiveState.Head head, Planner.Tally tally,
                                        MemberAuditCheck.RunLogs auditLogs) {
        return finish(read(scope, mode, view, head, auditLogs), dryRun, force, projectMustExist, tally);
    }

    /** What a reconcile of a scope read, before it decides anything. */
    private record ScopeRead(Scope scope, Instant started, BaseView view, QuickCheck quick, LiveState live) {
    }

    private ScopeRead read(Scope scope, QuickCheckMode mode, BaseView view, LiveState.Head head,
                           MemberAuditCheck.RunLogs auditLogs) {
        Instant started = clock.instant();
        Map<Kind, String> paused = kinds.preconditions(settings);
        QuickCheck quick = QuickCheck.of(mode, scope, kinds, clients, base, view, paused.keySet(), memberAudit,
                auditLogs);
        LiveState live = LiveState.read(kinds, clients, scope, settings, paused, executor, quick, head);
        return new ScopeRead(scope, started, view, quick, live);
    }

    /** Plans what was read, sends the plan unless it is a dry run, and settles it. */
    private ReconcileFinished finish(ScopeRead read, boolean dryRun, boolean force, boolean projectMustExist,
                                     Planner.Tally tally) {
        Scope scope = read.scope();
        Instant started = read.started();
        BaseView view = read.view();
        QuickCheck quick = read.quick();
        LiveState live = read.live();
        live.joinHead();
        List<QuickCheckMiss> misses = quick.misses(live);
        if (projectMustExist && scope.project().isPresent() && !scope.isArtifacts()) {
            String project = scope.project().get();
            boolean known = !live.unknownSites.isEmpty() || live.keys(Kind.PROJECT).contains(project)
                    || live.excluded.containsKey(project) || view.record(Kind.PROJECT, project).isPresent()
                    || kinds.below(Kind.PROJECT).stream()
                    .anyMatch(k -> !view.peek(k, Keys.childPrefix(project)).isEmpty());
            if (!known) {
                throw new NoSuchProject(project, sites);
            }
        }
        Plan decided = new Planner(kinds, sites, settings).plan(scope, live, view, force, tally);
        Plan plan = decided.withSecrets(SecretCheck.notAligned(kinds, sites, live, decided, alignments.all()));
        if (!dryRun) {
            plan.guard().stream().filter(Plan.GuardVerdict::heldBack).forEach(v -> LOG.warnf(
                    "mass-deletion guard held back a run: %d %s deletions on %s, of %d %ss known there (limit %.0f%%);"
                            + " check the plan (dry run), then run with force=true to allow",
                    v.deletions(), v.kind().id(), v.site(), v.known(), v.kind().id(), v.maxFraction() * 100));
        }
        List<StepOutcome> steps = List.of();
        List<KeyOutcome> keys = List.of();
        List<Item> verify = new ArrayList<>();
        if (!dryRun) {
            steps = new PlanExecutor(kinds, clients, settings, ownWrites, executor, fence).execute(plan, live);
            keys = settle(plan, steps, live, view, verify, quick);
        }
        Instant finished = clock.instant();
        return new ReconcileFinished(plan, dryRun, started, finished, steps, keys,
                report(plan, dryRun, started, finished, steps, verify), misses, quick.taken(),
                keys.stream().filter(k -> k.status() == Status.IN_SYNC).count());
    }

    // ------------------------------------------------------------------ settling

    /**
     * Each key's outcome, and the base moved to it: only to what the sites verifiably hold now. Every write's
     * answer is definitive (HarborClient refuses up front what Harbor would take without effect), so an applied
     * write is taken as done, unread; a key whose kind Harbor may take only in part at creation is read back.
     */
    private List<KeyOutcome> settle(Plan plan, List<StepOutcome> steps, LiveState live, BaseView view,
                                    List<Item> verify, QuickCheck quick) {
        Map<Decision, List<StepOutcome>> byDecision = new HashMap<>();
        for (StepOutcome o : steps) {
            if (o.step().decision() != null) {
                byDecision.computeIfAbsent(o.step().decision(), d -> new ArrayList<>()).add(o);
            }
        }
        List<Op> applied = new ArrayList<>();
        Map<Decision, Status> status = new LinkedHashMap<>();
        for (Decision d : plan.decisions()) {
            List<StepOutcome> mine = byDecision.getOrDefault(d, List.of());
            Status s = statusBeforeReadBack(d, mine);
            status.put(d, s);
            if (s == Status.APPLIED || d.kase() == Case.CONFLICT_UNRESOLVED && s == Status.DEFERRED) {
                applied.addAll(d.ops());
            }
        }
        LiveState after = live.afterWrites(applied, clients, executor);
        Instant now = clock.instant();
        Set<String> allSites = new TreeSet<>(sites);
        List<BaseRecord> puts = new ArrayList<>();
        List<BaseStore.Removal> removals = new ArrayList<>();
        List<KeyOutcome> out = new ArrayList<>();
        for (Decision d : plan.decisions()) {
            Status s = status.get(d);
            String detail = d.detail();
            if (d.kase() == Case.IN_SYNC) {
                record(view, d.kind(), d.key(), d.target(), allSites, now, puts);
            } else if (d.kase() == Case.DELETED_EVERYWHERE) {
                removals.add(new BaseStore.Removal(d.kind().id(), d.key()));
            } else if (d.kase() == Case.CONFLICT_UNRESOLVED && d.needsWork() && s == Status.DEFERRED) {
                // Attributes merged around an unresolved one: the base moves attribute by attribute, to what the
                // sites now agree on, keeping the unresolved attribute's old base (sync-model.md).
                KeyState now2 = after.keyState(d.kind(), d.key(), sites, Optional.empty(), Set.of());
                if (now2.unknown().isEmpty() && now2.absent().isEmpty()) {
                    Value agreed = FieldMerge.agreed(view.base(d.kind(), d.key()).map(KeyState.Base::value)
                            .orElse(null), now2.present().values());
                    if (agreed != null) {
                        record(view, d.kind(), d.key(), agreed, now2.present().keySet(), now, puts);
                    }
                }
            } else if (s == Status.APPLIED) {
                KeyState now2 = after.keyState(d.kind(), d.key(), sites, Optional.empty(), Set.of());
                if (!now2.unknown().isEmpty()) {
                    detail = "state after the writes unknown on " + now2.unknown() + "; base left unchanged";
                } else if (now2.present().isEmpty()) {
                    removals.add(new BaseStore.Removal(d.kind().id(), d.key()));
                } else if (d.target() != null && now2.present().values().stream().allMatch(d.target()::equals)) {
                    if (now2.absent().isEmpty()) {
                        record(view, d.kind(), d.key(), d.target(), now2.present().keySet(), now, puts);
                    } else if (!d.kind().copiedBySync()) {
                        // tags applied where the artifact is; the missing copies are replication's to make
                        s = Status.PENDING;
                        detail = Case.PENDING_REPLICATION.explain(now2.present().keySet());
                        verify.add(new Item(null, d.kind(), d.key(), Action.PENDING, detail, null));
                    } else {
                        s = Status.FAILED;
                        detail = "still missing on " + now2.absent() + " after the writes; base left unchanged";
                        verify.add(new Item(null, d.kind(), d.key(), Action.VERIFY, detail, null));
                    }
                } else {
                    s = Status.FAILED;
                    detail = "read back differs from what was written; base left unchanged";
                    verify.add(new Item(null, d.kind(), d.key(), Action.VERIFY, detail, null));
                }
            } else if (s == Status.FAILED) {
                detail = byDecision.getOrDefault(d, List.of()).stream()
                        .filter(o -> o.result() == Result.FAILED || o.result() == Result.NOT_RUN)
                        .map(StepOutcome::detail).findFirst().orElse(detail);
            }
            out.add(new KeyOutcome(d.kind(), d.key(), s, detail));
        }
        fence.run(); // the base too is written only by the replica that still leads
        QuickCheck.Marks marks = quick.settle(plan, live, sites);
        // marks of what differed go before the base moves, marks of what agreed after it: a crash in between
        // leaves a key listed in full next time, never a mark vouching for a base it did not see
        base.writeMarks(List.of(), marks.forget());
        base.writeAll(puts, removals);
        base.writeMarks(marks.puts(), Set.of());
        return out;
    }

    private static Status statusBeforeReadBack(Decision d, List<StepOutcome> steps) {
        switch (d.kase()) {
            case UNKNOWN:
                return Status.UNKNOWN;
            case IN_SYNC, DELETED_EVERYWHERE:
                return Status.IN_SYNC;
            case PENDING_REPLICATION:
                if (!d.needsWork()) {
                    return Status.PENDING;
                }
                break;
            case DELETION_DISABLED:
                return Status.DEFERRED;
            case CONFLICT_UNRESOLVED:
                // the attributes merged around the unresolved ones are written; the key stays in conflict
                return d.needsWork() && steps.stream().anyMatch(o -> o.result() != Result.APPLIED)
                        ? Status.FAILED : Status.DEFERRED;
            default:
                break;
        }
        if (steps.stream().anyMatch(o -> o.result() == Result.HELD_BACK)) {
            return Status.HELD_BACK;
        }
        if (steps.stream().anyMatch(o -> o.result() == Result.FAILED || o.result() == Result.NOT_RUN)) {
            return Status.FAILED;
        }
        if (steps.stream().anyMatch(o -> o.result() == Result.DEFERRED)) {
            return Status.DEFERRED;
        }
        return Status.APPLIED;
    }

    /** Adds the key's new base record to {@code puts}, unless its base already says exactly that. */
    private static void record(BaseView view, Kind kind, String key, Value value, Set<String> where, Instant now,
                               List<BaseRecord> puts) {
        String json = view.written(value);
        Optional<BaseRecord> old = view.record(kind, key);
        if (old.isPresent() && old.get().valueJson().equals(json) && old.get().sites().equals(where)) {
            return;
        }
        puts.add(new BaseRecord(kind.id(), key, json, where, now));
    }

    // ------------------------------------------------------------------ the report the API shows

    private static SyncReport report(Plan plan, boolean dryRun, Instant started, Instant finished,
                                     List<StepOutcome> steps, List<Item> verify) {
        List<Item> planned = new ArrayList<>();
        List<Item> done = new ArrayList<>();
        List<Item> failed = new ArrayList<>();
        List<Item> skipped = new ArrayList<>();
        List<Item> pending = new ArrayList<>();
        plan.excluded().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> skipped.add(
                new Item(null, e.getValue().kind(), e.getKey(), Action.SKIP, e.getValue().reason(), null)));
        plan.unknownKinds().forEach((site, kinds) -> kinds.forEach((kind, why) ->
                skipped.add(new Item(site, kind, "*", Action.SKIP, "not read: " + why, null))));
        plan.guard().forEach(v -> skipped.add(new Item(v.site(), v.kind(), "*", Action.GUARD, v.describe(),
                v.forced() ? GUARD_FORCED : GUARD_HELD_BACK)));
        for (Decision d : plan.decisions()) {
            switch (d.kase()) {
                case PENDING_REPLICATION -> pending.add(new Item(null, d.kind(), d.key(), Action.PENDING, d.detail(), null));
                case DELETION_DISABLED, UNKNOWN -> skipped.add(new Item(null, d.kind(), d.key(), Action.SKIP, d.detail(), null));
                default -> {
                }
            }
        }
        for (Step s : plan.steps()) {
            planned.add(item(s.op(), s.heldBack() ? Planner.HELD_BACK_DETAIL : null));
        }
        for (StepOutcome o : steps) {
            Op op = o.step().op();
            switch (o.result()) {
                case APPLIED -> {
                    if (o.step().origin() != Origin.DAEMON_WEBHOOK) {
                        done.add(item(op, null));
                    }
                }
                case DEFERRED -> pending.add(item(op, o.detail()));
                case FAILED -> failed.add(item(op, o.detail()));
                case NOT_RUN -> skipped.add(item(op, o.detail())); // the step it needed is in failed
                case HELD_BACK -> {
                }
            }
        }
        failed.addAll(verify.stream().filter(i -> i.op() == Action.VERIFY).toList());
        pending.addAll(verify.stream().filter(i -> i.op() == Action.PENDING).toList());
        List<String> unknownSites = new ArrayList<>();
        new java.util.TreeMap<>(plan.unknownSites()).forEach((site, why) -> unknownSites.add(site + ": " + why));
        return new SyncReport(plan.scope(), dryRun, plan.forced(), started, finished, planned, done, failed, skipped,
                plan.conflicts(), pending, unknownSites,
                SyncReport.Precondition.grouped(plan.preconditions()), plan.secretsNotAligned());
    }

    private static Item item(Op op, String detail) {
        return new Item(op.site(), op.kind(), op.key(), Action.of(op.type()), op.reason(), detail);
    }
}
