package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.store.BaseRecord;
import io.harborsync.sync.Decision.Case;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.Plan.GuardVerdict;
import io.harborsync.sync.Plan.Origin;
import io.harborsync.sync.Plan.Step;
import io.harborsync.sync.Values.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Makes the plan: from what every site holds and the base, every key's decision ({@link Decider}), every write
 * that follows from them, and the mass-deletion guard's verdicts. Sends nothing: a dry run and a real run of the
 * same facts get the same plan, and the real run sends exactly its steps.
 */
final class Planner {
    static final String CREATOR_REASON = "added by Harbor as creator of the copy; not a member on the other sites";
    static final String DAEMON_WEBHOOK_REASON = "every project needs a webhook policy pointing at harbor-sync";
    static final String HELD_BACK_DETAIL = "blocked by the mass-deletion guard";

    private final KindRegistry kinds;
    private final List<String> sites;
    private final SyncSettings settings;

    Planner(KindRegistry kinds, List<String> sites, SyncSettings settings) {
        this.kinds = kinds;
        this.sites = sites;
        this.settings = settings;
    }

    Plan plan(Scope scope, LiveState live, BaseView base, boolean force) {
        return plan(scope, live, base, force, new Tally());
    }

    /**
     * The mass-deletion guard's count across the parts of one reconcile of every project (issue 18: each part is
     * planned on its own): per "kind|site", the deletions earlier parts counted and let through, and whether the
     * run holds that kind's deletions there back from now on (a part that passed the limit, or the projects' count
     * made before the first part). A plan of any other scope has a tally of its own.
     */
    static final class Tally {
        private final Map<String, Integer> counted = new HashMap<>();
        private final Map<String, Integer> letThrough = new HashMap<>();
        private final Set<String> holding = new HashSet<>();

        int counted(String kindSite) {
            return counted.getOrDefault(kindSite, 0);
        }

        int letThrough(String kindSite) {
            return letThrough.getOrDefault(kindSite, 0);
        }

        boolean holding(String kindSite) {
            return holding.contains(kindSite);
        }

        /** From now on the run holds back every deletion of the kind on the site. */
        void hold(Kind kind, String site) {
            holding.add(kind.id() + "|" + site);
        }

        void count(String kindSite, int deletions, boolean held) {
            counted.merge(kindSite, deletions, Integer::sum);
            if (held) {
                holding.add(kindSite);
            } else {
                letThrough.merge(kindSite, deletions, Integer::sum);
            }
        }
    }

    Plan plan(Scope scope, LiveState live, BaseView base, boolean force, Tally tally) {
        List<Decision> decisions = decide(scope, live, base);
        List<Step> steps = new ArrayList<>();
        Map<String, Step> projectCreates = new HashMap<>(); // "site|project"
        for (Decision d : decisions) {
            for (Op op : d.ops()) {
                Step s = new Step(op, Origin.DECIDED, d, null, false);
                steps.add(s);
                if (op.kind().equals(Kind.PROJECT) && op.type() == OpType.CREATE) {
                    projectCreates.put(op.site() + "|" + op.key(), s);
                }
            }
        }
        steps.addAll(creatorTrims(decisions, projectCreates, live));
        List<GuardVerdict> verdicts = new ArrayList<>();
        Set<Step> held = guard(steps, force, base, verdicts, tally);
        List<Step> planned = new ArrayList<>();
        for (Step s : steps) {
            planned.add(held.contains(s) ? s.heldBack(true) : s);
        }
        planned.addAll(webhookUpkeep(live, planned, projectCreates));
        List<SyncReport.Conflict> conflicts = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.conflict()) {
                conflicts.add(conflict(d, live, base));
            }
        }
        return new Plan(scope, force, sites, decisions, List.copyOf(planned), List.copyOf(verdicts),
                List.copyOf(conflicts), Map.copyOf(live.unknownSites), Map.copyOf(live.excluded),
                Map.copyOf(live.paused), Map.copyOf(live.unknownKinds), List.of());
    }

    // ------------------------------------------------------------------ deciding

    private List<Decision> decide(Scope scope, LiveState live, BaseView base) {
        List<Decision> out = new ArrayList<>();
        Map<String, Set<String>> freshByProject = new HashMap<>();
        for (MirroredKind mk : kinds.all()) {
            Kind kind = mk.kind();
            for (String key : keys(kind, scope, live, base)) {
                Set<String> fresh = mk.parent() == null ? Set.of()
                        : freshByProject.getOrDefault(Keys.projectOf(key), Set.of());
                Decision d = Decider.decide(live.keyState(kind, key, sites, base.base(kind, key), fresh),
                        settings.policy(), settings.propagates(kind));
                if (!kinds.below(kind).isEmpty()) {
                    d = keepWithNewContent(d, live, base); // a project, or a repository with its artifacts
                }
                if (mk.parent() == null && !kinds.below(kind).isEmpty()) {
                    for (Op op : d.ops()) {
                        if (op.type() == OpType.CREATE) {
                            freshByProject.computeIfAbsent(key, x -> new HashSet<>()).add(op.site());
                        }
                    }
                }
                out.add(d);
            }
        }
        return out;
    }

    /**
     * A key deleted on one site but changed inside on another since the base (a project with a new or changed
     * repository, artifact or member; a repository with a new or retagged artifact) was changed after the deletion:
     * keep it, as the model's "changed on A, deleted on B" row says. A project is recreated where it was deleted;
     * a repository, which only replication copies, is left where it is, its new content pending replication.
     */
    private Decision keepWithNewContent(Decision d, LiveState live, BaseView base) {
        if (d.kase() != Case.DELETED) {
            return d;
        }
        Set<String> keeping = new TreeSet<>();
        d.ops().forEach(op -> keeping.add(op.site()));
        String prefix = kinds.of(d.kind()).childPrefix(d.key());
        boolean changedInside = false;
        for (Kind kind : kinds.below(d.kind())) {
            Map<String, String> known = new HashMap<>();
            base.peek(kind, prefix).forEach(rec -> known.put(rec.key(), rec.valueJson()));
            for (Map.Entry<String, Map<String, Value>> k : live.startingWith(kind, prefix).entrySet()) {
                for (Map.Entry<String, Value> e : k.getValue().entrySet()) {
                    if (keeping.contains(e.getKey()) && !base.written(e.getValue()).equals(known.get(k.getKey()))) {
                        changedInside = true;
                    }
                }
            }
        }
        if (!changedInside) {
            return d;
        }
        Map<String, Value> present = live.valuesOf(d.kind(), d.key());
        Value value = present.values().iterator().next();
        if (!d.kind().copiedBySync()) {
            return new Decision(d.kind(), d.key(), Case.PENDING_REPLICATION, List.of(), value, false,
                    Case.PENDING_REPLICATION.explain(keeping) + "; its deletion elsewhere is not followed: content"
                            + " changed since the base");
        }
        Set<String> deletedOn = new TreeSet<>(sites);
        deletedOn.removeAll(present.keySet());
        List<Op> ops = new ArrayList<>();
        String reason = Case.CONFLICT_CHANGED_DELETED.explain(keeping) + " (content changed since the base)";
        for (String site : deletedOn) {
            ops.add(new Op(site, OpType.CREATE, d.kind(), d.key(), value, null, reason));
        }
        return new Decision(d.kind(), d.key(), Case.CONFLICT_CHANGED_DELETED, ops, value, true, reason);
    }

    /** The keys of a kind the scope covers: what the sites hold and what the base knows, excluded ones left out. */
    private Set<String> keys(Kind kind, Scope scope, LiveState live, BaseView base) {
        Set<String> keys = new TreeSet<>();
        if (scope.isArtifacts()) {
            // Artifacts: only their own keys are decided; projects and repositories are left to wider scopes.
            if (kind.equals(Kind.ARTIFACT)) {
                for (String key : scope.artifactKeys()) {
                    if (live.keys(kind).contains(key) || base.record(kind, key).isPresent()) {
                        keys.add(key);
                    }
                }
            }
            return keys;
        }
        keys.addAll(live.keys(kind));
        base.inScope(kind, scope).forEach(r -> keys.add(r.key()));
        keys.removeIf(k -> live.excluded.containsKey(Keys.projectOf(k)));
        return keys;
    }

    // ------------------------------------------------------------------ writes that follow from others

    /**
     * Harbor makes the creating account (ours; for a robot account the first sysadmin, {@code admin}) a member of
     * every project it creates. On a copy that member is an artefact of copying, not a user's choice: removed
     * unless the plan keeps that member, or it would spread back as a "new" member. Not planned while the
     * project's members are unknown somewhere (nothing to compare with).
     */
    private List<Step> creatorTrims(List<Decision> decisions, Map<String, Step> projectCreates, LiveState live) {
        List<Step> out = new ArrayList<>();
        if (projectCreates.isEmpty()) {
            return out;
        }
        Map<String, Set<String>> staying = new HashMap<>();
        for (Decision d : decisions) {
            if (d.kind().equals(Kind.MEMBER) && d.kase() != Case.DELETED && d.kase() != Case.DELETED_EVERYWHERE) {
                staying.computeIfAbsent(Keys.projectOf(d.key()), x -> new HashSet<>()).add(d.key());
            }
        }
        projectCreates.values().stream().sorted(java.util.Comparator.comparing((Step s) -> s.op().key())
                .thenComparing(s -> s.op().site())).forEach(create -> {
            String project = create.op().key();
            String site = create.op().site();
            String creator = Keys.member(project, settings.creatorOn(site), false);
            if (!live.contentUnknown(project) && !staying.getOrDefault(project, Set.of()).contains(creator)) {
                out.add(new Step(new Op(site, OpType.DELETE, Kind.MEMBER, creator, null, null, CREATOR_REASON),
                        Origin.CREATOR_OF_COPY, null, create, false));
            }
        });
        return out;
    }

    /**
     * Harbor has no system-wide webhook: every project on every site needs its own policy pointing at the daemon.
     * Planned where it differs from what it should be, as this run's listing of the project's policies showed it
     * (missing, another target, off, other events, another secret), and for every project this run creates; never
     * where those policies could not be listed (unknown is not missing).
     */
    private List<Step> webhookUpkeep(LiveState live, List<Step> planned, Map<String, Step> projectCreates) {
        List<Step> out = new ArrayList<>();
        if (settings.webhookUrl().isEmpty()) {
            return out;
        }
        Set<String> deleted = new HashSet<>();
        for (Step s : planned) {
            if (!s.heldBack() && s.op().kind().equals(Kind.PROJECT) && s.op().type() == OpType.DELETE) {
                deleted.add(s.op().site() + "|" + s.op().key());
            }
        }
        Map<String, Set<String>> after = new TreeMap<>();
        for (String project : live.keys(Kind.PROJECT)) {
            live.valuesOf(Kind.PROJECT, project).keySet()
                    .forEach(site -> after.computeIfAbsent(project, x -> new TreeSet<>()).add(site));
        }
        projectCreates.values().forEach(s -> after.computeIfAbsent(s.op().key(), x -> new TreeSet<>()).add(s.op().site()));
        after.forEach((project, where) -> where.forEach(site -> {
            Step create = projectCreates.get(site + "|" + project);
            boolean differs = live.daemonWebhook(site, project).map(found -> found.map(f -> !f.inPlace()).orElse(true))
                    .orElse(false);
            if (!deleted.contains(site + "|" + project) && (create != null || differs)) {
                out.add(new Step(new Op(site, OpType.ENSURE, Kind.DAEMON_WEBHOOK, project, null, null,
                        DAEMON_WEBHOOK_REASON), Origin.DAEMON_WEBHOOK, null, create, false));
            }
        }));
        return out;
    }

    // ------------------------------------------------------------------ guard

    /**
     * Mass-deletion guard: per kind and site, deleting more than max(1, fraction × keys the base says that site
     * had) needs force. A site restored empty would otherwise wipe its peers. The children of a key this plan
     * deletes on the same site go with it: they do not count against their kind's limit (deleting one project with
     * many members is one deletion, deleting an artifact detaches its labels), and they are held back exactly when
     * the deletion of their outermost deleted ancestor (a project, a repository, an artifact) is. The removal
     * of the member Harbor adds to a project this run creates undoes Harbor's own addition: not counted.
     */
    private Set<Step> guard(List<Step> steps, boolean force, BaseView base, List<GuardVerdict> verdicts, Tally tally) {
        Map<String, List<Step>> deletes = new LinkedHashMap<>(); // "kind|site", in registry (phase) order
        for (Kind k : kinds.kinds()) {
            for (String site : sites) {
                deletes.put(k.id() + "|" + site, new ArrayList<>());
            }
        }
        Map<String, Step> parentDeletes = new HashMap<>(); // "site|child prefix" of a deleted key with children
        for (Step s : steps) {
            if (s.origin() == Origin.DECIDED && s.op().type() == OpType.DELETE && !kinds.below(s.op().kind()).isEmpty()) {
                parentDeletes.put(s.op().site() + "|" + kinds.of(s.op().kind()).childPrefix(s.op().key()), s);
            }
        }
        Map<Step, Step> withTheirParent = new LinkedHashMap<>(); // child deletion -> its outermost deleted ancestor's
        for (Step s : steps) {
            Op op = s.op();
            if (s.origin() != Origin.DECIDED || op.type() != OpType.DELETE) {
                continue;
            }
            Step ancestor = kinds.of(op.kind()).parent() == null ? null : deletedAncestor(parentDeletes, op);
            if (ancestor != null) {
                withTheirParent.put(s, ancestor);
            } else {
                deletes.get(op.kind().id() + "|" + op.site()).add(s);
            }
        }
        Set<Step> held = new HashSet<>();
        deletes.forEach((kindSite, list) -> {
            if (list.isEmpty()) {
                return;
            }
            Op first = list.get(0).op();
            int before = tally.counted(kindSite);
            int total = before + list.size();
            boolean holding = tally.holding(kindSite);
            if (total <= 1 && !holding) {
                tally.count(kindSite, list.size(), false); // the limit is never below one
                return;
            }
            Limit limit = limit(base, first.kind(), first.site(), total, tally.letThrough(kindSite));
            boolean over = holding || total > limit.limit();
            if (over) {
                verdicts.add(new GuardVerdict(first.kind(), first.site(), list.size(), limit.known(),
                        settings.maxDeleteFraction(), force));
                if (!force) {
                    held.addAll(list);
                }
            }
            tally.count(kindSite, list.size(), over && !force);
        });
        withTheirParent.forEach((s, ancestor) -> {
            if (held.contains(ancestor)) {
                held.add(s);
            }
        });
        return held;
    }

    /**
     * Before the first part: per site, the project deletions the run would make there at most (a project the base
     * says another readable site had, which that site no longer lists, while this one does). More than the guard's
     * limit holds every project deletion on that site back for the run, as a plan in one piece would.
     */
    void holdWipedProjects(LiveState.Head head, BaseView runView, Planner.Tally tally) {
        Map<String, Set<String>> listed = new HashMap<>();
        for (String site : sites) {
            head.names(site).ifPresent(n -> listed.put(site, n));
        }
        Map<String, Integer> deletions = new HashMap<>();
        for (String project : runView.projectKeys()) {
            Set<String> had = runView.record(Kind.PROJECT, project).map(BaseRecord::sites).orElse(Set.of());
            boolean goneSomewhere = listed.entrySet().stream()
                    .anyMatch(e -> had.contains(e.getKey()) && !e.getValue().contains(project));
            if (!goneSomewhere) {
                continue;
            }
            listed.forEach((site, names) -> {
                if (names.contains(project)) {
                    deletions.merge(site, 1, Integer::sum);
                }
            });
        }
        deletions.forEach((site, n) -> {
            if (n > 1 && n > limit(runView, Kind.PROJECT, site, n, 0).limit()) {
                tally.hold(Kind.PROJECT, site);
            }
        });
    }

    /** How many keys of a kind the base says a site had at the run's start, and how many of them one run may delete. */
    record Limit(long known, double limit) {
    }

    /**
     * The guard's limit for {@code total} deletions of the kind on the site. Only "are there enough records for these
     * deletions to stay under the limit?" matters, so the count stops there; below it the count is exact and goes into
     * the message. Deletions earlier parts of this run let through ({@code letThrough}) are gone from the base by now:
     * added back, the count is the run's start's.
     */
    Limit limit(BaseView base, Kind kind, String site, int total, int letThrough) {
        long enough = (long) Math.ceil(total / settings.maxDeleteFraction()) + 1;
        long known = base.countOnSite(kind, site, enough) + letThrough;
        return new Limit(known, Math.max(1, settings.maxDeleteFraction() * known));
    }

    /**
     * The deletion on the op's site of the outermost key the op's key lies under (a key's ancestors' child
     * prefixes end where its key has a '/' or an '@': "p/", "p/app@", "p/app@sha256:…/"), or null.
     */
    private static Step deletedAncestor(Map<String, Step> parentDeletes, Op op) {
        String key = op.key();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '/' || c == '@') {
                Step s = parentDeletes.get(op.site() + "|" + key.substring(0, i + 1));
                if (s != null && s.op() != op) {
                    return s;
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ conflicts

    /** A conflict with every site's value, what settled it and the winner. */
    private SyncReport.Conflict conflict(Decision d, LiveState live, BaseView base) {
        Map<String, Value> present = live.valuesOf(d.kind(), d.key());
        Set<String> hadIt = base.record(d.kind(), d.key()).map(BaseRecord::sites).orElse(Set.of());
        Map<String, String> values = new LinkedHashMap<>();
        for (String site : sites) {
            Value v = present.get(site);
            values.put(site, v != null ? base.written(v)
                    : hadIt.contains(site) ? SyncReport.Conflict.DELETED : SyncReport.Conflict.ABSENT);
        }
        boolean deletedSomewhere = values.containsValue(SyncReport.Conflict.DELETED);
        String rule;
        Set<String> winners = new TreeSet<>();
        if (d.kase() == Case.CONFLICT_UNRESOLVED) {
            rule = settings.policy() instanceof ConflictPolicy.ReportOnly
                    ? "conflict policy report-only: left as is on every site"
                    : "conflict policy " + settings.policy().describe() + " names no winner: left as is";
            if (d.needsWork()) {
                rule += " (the attributes in conflict; the others merged)";
            }
        } else if (d.kase() == Case.CONFLICT_CHANGED_BOTH) {
            rule = "conflict policy " + settings.policy().describe();
            present.forEach((site, v) -> {
                if (v.equals(d.target())) {
                    winners.add(site);
                }
            });
            if (winners.isEmpty()) {
                // merged attribute by attribute: no site held the result, the attributes' winners won
                d.fieldConflicts().forEach(c -> winners.add(c.winner()));
            }
        } else {
            // changed on some sites, deleted on others (also when the missing copies are replication's to make)
            rule = deletedSomewhere ? SyncReport.Conflict.CHANGE_BEATS_DELETE : "kept where it was changed";
            present.forEach((site, v) -> {
                if (d.target() == null || v.equals(d.target())) {
                    winners.add(site);
                }
            });
            if (winners.isEmpty()) {
                winners.addAll(present.keySet()); // several changes merged attribute by attribute: all kept
            }
        }
        List<SyncReport.Conflict.Field> fields = new ArrayList<>();
        for (Decision.FieldConflict c : d.fieldConflicts()) {
            Map<String, String> byValue = new LinkedHashMap<>();
            for (String site : sites) {
                if (present.containsKey(site)) {
                    Object v = c.values().get(site);
                    byValue.put(site, v == null ? SyncReport.Conflict.ABSENT : base.json(v));
                }
            }
            fields.add(new SyncReport.Conflict.Field(c.field(), byValue,
                    c.base() == null ? SyncReport.Conflict.ABSENT : base.json(c.base()), c.winner()));
        }
        return new SyncReport.Conflict(d.kind(), d.key(),
                winners.isEmpty() ? SyncReport.Conflict.UNRESOLVED : SyncReport.Conflict.RESOLVED, rule,
                winners.isEmpty() ? null : String.join(",", winners), values, d.detail(), fields);
    }
}
