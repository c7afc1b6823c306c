package io.harborsync.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.sync.Decision.Case;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.SyncReport.Item;
import io.harborsync.sync.Values.Value;
import io.harborsync.store.BaseRecord;
import io.harborsync.store.BaseStore;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One reconcile: read every site, decide every key with {@link Decider}, guard against mass
 * deletion, apply (unless dry run), and only then move the base to what the writes' answers say.
 * Plain Java so that the model-based test drives exactly what the daemon runs; {@code SyncService}
 * adds locking and status.
 */
public final class Reconciler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** MDC fields of every log line about one operation (JSON logs carry them as fields); never a secret. */
    public static final String MDC_SITE = "site";
    public static final String MDC_KIND = "kind";
    public static final String MDC_KEY = "key";

    private final Map<String, HarborClient> clients;
    private final List<String> sites;
    private final BaseStore base;
    private final SyncSettings settings;
    private final OpApplier applier;
    private final Clock clock;
    /**
     * When each (site, project, id)'s webhook policy was last found in place. Checking it costs one request
     * per project and site, as much as reading the members of every project: a policy once in place is
     * checked again only after {@link #WEBHOOK_RECHECK} (someone may have removed it by hand).
     */
    private final Map<String, Instant> webhookChecked = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The base records of the running reconcile's scope, from the listings {@link #keys} makes anyway: deciding
     * a key and recording it afterwards then read them from here instead of one store query each (two per key
     * and run made a full reconcile of a large base spend seconds in the store). Per thread, because
     * reconciles of single artifacts run side by side (SyncService's shared lock; they list nothing and read
     * the store), while full and project reconciles run alone (its exclusive lock), so nobody writes the base
     * between a run's listing and its recording, and each key is recorded once per run. A run decides, applies
     * and records on its own thread; a dry run's listing is dropped when that thread decides again.
     */
    private final ThreadLocal<Map<Kind, BaseListing>> listed =
            ThreadLocal.withInitial(() -> new java.util.EnumMap<>(Kind.class));

    private record BaseListing(String prefix, Map<String, BaseRecord> records) {
    }
    static final java.time.Duration WEBHOOK_RECHECK = java.time.Duration.ofHours(1);

    /** @param ownWrites where every write is recorded, for the event worker and audit-log tail to recognise */
    public Reconciler(Map<String, HarborClient> clients, BaseStore base, SyncSettings settings, Clock clock,
                      OwnWrites ownWrites) {
        this.clients = new LinkedHashMap<>(clients);
        this.sites = List.copyOf(new TreeSet<>(clients.keySet()));
        this.base = base;
        this.settings = settings;
        this.applier = new OpApplier(this.clients, settings, ownWrites);
        this.clock = clock;
    }

    public SyncSettings settings() {
        return settings;
    }

    public SyncReport run(Scope scope, boolean dryRun, boolean force) {
        return run(scope, dryRun, force, false);
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
    public SyncReport run(Scope scope, boolean dryRun, boolean force, boolean projectMustExist) {
        Instant started = clock.instant();
        LiveState live = LiveState.read(clients, scope, settings.proxyCacheRegistries());
        if (projectMustExist && scope.project().isPresent() && !scope.isArtifacts()) {
            String project = scope.project().get();
            boolean known = !live.unknownSites.isEmpty() || live.keys(Kind.PROJECT).contains(project)
                    || live.proxyCache.contains(project) || base.get(Kind.PROJECT.id(), project).isPresent()
                    || List.of(Kind.MEMBER, Kind.REPOSITORY, Kind.ARTIFACT).stream()
                    .anyMatch(k -> !base.list(k.id(), Keys.childPrefix(project)).isEmpty());
            if (!known) {
                throw new NoSuchProject(project, sites);
            }
        }
        List<Decision> decisions = decide(scope, live);
        Report r = new Report();
        live.unknownSites.forEach((site, why) -> r.unknownSites.add(site + ": " + why));
        live.proxyCache.forEach(p -> r.skipped.add(new Item(null, "project", p, "skip",
                "proxy-cache project whose registry endpoint is not in harbor-sync.proxy-cache.registries: not copied",
                null)));

        Set<Op> blocked = guard(decisions, force, dryRun, r);
        for (Decision d : decisions) {
            report(d, blocked, r, live);
        }
        if (!dryRun) {
            apply(decisions, blocked, scope, r, live);
            ensureWebhookPolicies(live, r);
        }
        return new SyncReport(scope.toString(), dryRun, force, started, clock.instant(), r.planned, r.done,
                r.failed, r.skipped, r.conflicts, r.pending, r.unknownSites);
    }

    // ------------------------------------------------------------------ deciding

    private List<Decision> decide(Scope scope, LiveState live) {
        listed.remove();
        List<Decision> out = new ArrayList<>();
        Map<String, Set<String>> freshByProject = new HashMap<>();
        Map<String, Decision> projectDecisions = new HashMap<>();
        for (String key : keys(Kind.PROJECT, scope, live)) {
            Decision d = Decider.decide(live.keyState(Kind.PROJECT, key, sites, baseOf(Kind.PROJECT, key), Set.of()),
                    settings.policy(), settings.propagates(Kind.PROJECT));
            d = keepProjectWithNewContent(d, live);
            projectDecisions.put(key, d);
            for (Op op : d.ops()) {
                if (op.type() == OpType.CREATE) {
                    freshByProject.computeIfAbsent(key, x -> new HashSet<>()).add(op.site());
                }
            }
            out.add(d);
        }
        for (Kind kind : List.of(Kind.MEMBER, Kind.REPOSITORY, Kind.ARTIFACT)) {
            for (String key : keys(kind, scope, live)) {
                String project = Keys.projectOf(key);
                Set<String> fresh = freshByProject.getOrDefault(project, Set.of());
                out.add(Decider.decide(live.keyState(kind, key, sites, baseOf(kind, key), fresh),
                        settings.policy(), settings.propagates(kind)));
            }
        }
        return out;
    }

    /**
     * A project deleted on one site but changed inside on another since the base (a new or changed
     * repository, artifact or member) was changed after the deletion: keep the whole project and
     * recreate it where it was deleted, as the model's "changed on A, deleted on B" row says.
     */
    private Decision keepProjectWithNewContent(Decision d, LiveState live) {
        if (d.kase() != Case.DELETED) {
            return d;
        }
        Set<String> keeping = new TreeSet<>();
        d.ops().forEach(op -> keeping.add(op.site()));
        String prefix = Keys.childPrefix(d.key());
        boolean changedInside = false;
        for (Kind kind : List.of(Kind.MEMBER, Kind.REPOSITORY, Kind.ARTIFACT)) {
            Map<String, String> known = new HashMap<>();
            base.list(kind.id(), prefix).forEach(rec -> known.put(rec.key(), rec.valueJson()));
            for (Map.Entry<String, Map<String, Value>> k : live.startingWith(kind, prefix).entrySet()) {
                String key = k.getKey();
                for (Map.Entry<String, Value> e : k.getValue().entrySet()) {
                    if (keeping.contains(e.getKey()) && !written(e.getValue()).equals(known.get(key))) {
                        changedInside = true;
                    }
                }
            }
        }
        if (!changedInside) {
            return d;
        }
        Map<String, Value> present = live.values.get(Kind.PROJECT).get(d.key());
        Value value = present.values().iterator().next();
        Set<String> deletedOn = new TreeSet<>(sites);
        deletedOn.removeAll(present.keySet());
        List<Op> ops = new ArrayList<>();
        String reason = Case.CONFLICT_CHANGED_DELETED.explain(keeping) + " (content changed since the base)";
        for (String site : deletedOn) {
            ops.add(new Op(site, OpType.CREATE, Kind.PROJECT, d.key(), value, null, reason));
        }
        return new Decision(Kind.PROJECT, d.key(), Case.CONFLICT_CHANGED_DELETED, ops, value, true, reason);
    }

    private Set<String> keys(Kind kind, Scope scope, LiveState live) {
        if (scope.isArtifacts()) {
            // Artifacts: only their own keys are decided; projects and repositories are left to wider scopes.
            Set<String> keys = new TreeSet<>();
            if (kind == Kind.ARTIFACT) {
                for (String key : scope.artifactKeys()) {
                    if (live.keys(kind).contains(key) || base.get(kind.id(), key).isPresent()) {
                        keys.add(key);
                    }
                }
            }
            return keys;
        }
        Set<String> keys = new TreeSet<>();
        for (String k : live.keys(kind)) {
            if (!live.proxyCache.contains(Keys.projectOf(k))) {
                keys.add(k);
            }
        }
        if (scope.project().isEmpty()) {
            remember(kind, "").forEach(r -> keys.add(r.key()));
        } else if (kind == Kind.PROJECT) {
            base.get(kind.id(), scope.project().get()).ifPresent(r -> keys.add(r.key()));
        } else {
            remember(kind, Keys.childPrefix(scope.project().get())).forEach(r -> keys.add(r.key()));
        }
        keys.removeIf(k -> live.proxyCache.contains(Keys.projectOf(k)));
        return keys;
    }

    private Optional<KeyState.Base> baseOf(Kind kind, String key) {
        return baseRecord(kind, key).map(r -> new KeyState.Base(parsed(kind, r.valueJson()), r.sites()));
    }

    /**
     * A full reconcile parses every base record and serialises every agreed value (tens of thousands), while a
     * base holds few distinct values ({"roleId":2}, an artifact's usual tags): both are remembered, so each
     * distinct text is parsed once and each distinct value written once. Values are immutable; the caches are
     * bounded (dropped when full) and shared by runs side by side (concurrent maps).
     */
    private static final int MAX_CACHED = 4096;
    private final Map<Kind, Map<String, Value>> parsedBase = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Value, String> written = new java.util.concurrent.ConcurrentHashMap<>();

    private Value parsed(Kind kind, String json) {
        Map<String, Value> cache = parsedBase.computeIfAbsent(kind, k -> new java.util.concurrent.ConcurrentHashMap<>());
        Value v = cache.get(json);
        if (v == null) {
            v = parse(kind, json);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(json, v);
        }
        return v;
    }

    private String written(Value value) {
        String json = written.get(value);
        if (json == null) {
            json = write(value);
            if (written.size() >= MAX_CACHED) {
                written.clear();
            }
            written.put(value, json);
        }
        return json;
    }

    private List<BaseRecord> remember(Kind kind, String prefix) {
        List<BaseRecord> records = base.list(kind.id(), prefix);
        Map<String, BaseRecord> byKey = new HashMap<>();
        records.forEach(r -> byKey.put(r.key(), r));
        listed.get().put(kind, new BaseListing(prefix, byKey));
        return records;
    }

    /** The key's base record: from this run's listing when it covers the key, else from the store. */
    private Optional<BaseRecord> baseRecord(Kind kind, String key) {
        BaseListing l = listed.get().get(kind);
        if (l != null && key.startsWith(l.prefix())) {
            return Optional.ofNullable(l.records().get(key));
        }
        return base.get(kind.id(), key);
    }

    // ------------------------------------------------------------------ guard

    /** The detail of a guard item whose deletions were held back (not forced). */
    public static final String GUARD_HELD_BACK = "held back";
    public static final String GUARD_FORCED = "forced";

    /**
     * Mass-deletion guard: per kind and site, deleting more than max(1, fraction × keys the base says
     * that site had) needs force. A site restored empty would otherwise wipe its peers. The members,
     * repositories and artifacts of a project this run deletes on the same site go with it: they do not count
     * against their kind's limit (deleting one project with many members is one deletion), and they are held
     * back exactly when their project's deletion is.
     */
    private Set<Op> guard(List<Decision> decisions, boolean force, boolean dryRun, Report r) {
        Map<String, List<Op>> deletes = new java.util.TreeMap<>(); // "kind|site", projects first (phase order)
        Map<String, Op> projectDeletes = new HashMap<>(); // "site|project"
        List<Op> withTheirProject = new ArrayList<>();
        for (Decision d : decisions) {
            for (Op op : d.ops()) {
                if (op.type() == OpType.DELETE && op.kind() == Kind.PROJECT) {
                    projectDeletes.put(op.site() + "|" + op.key(), op);
                }
            }
        }
        for (Decision d : decisions) {
            for (Op op : d.ops()) {
                if (op.type() != OpType.DELETE) {
                    continue;
                }
                if (op.kind() != Kind.PROJECT && projectDeletes.containsKey(op.site() + "|" + Keys.projectOf(op.key()))) {
                    withTheirProject.add(op);
                } else {
                    deletes.computeIfAbsent(op.kind().ordinal() + "|" + op.kind().id() + "|" + op.site(),
                            x -> new ArrayList<>()).add(op);
                }
            }
        }
        Set<Op> blocked = new HashSet<>();
        deletes.forEach((kindSite, ops) -> {
            if (ops.size() <= 1) {
                return; // the limit is never below one
            }
            Op first = ops.get(0);
            // Only "are there enough records for these deletions to stay under the limit?" matters, so the
            // count stops there; below it the count is exact and goes into the message.
            long enough = (long) Math.ceil(ops.size() / settings.maxDeleteFraction()) + 1;
            long known = base.countOnSite(first.kind().id(), first.site(), enough);
            double limit = Math.max(1, settings.maxDeleteFraction() * known);
            if (ops.size() > limit) {
                String why = String.format("mass-deletion guard: %d of %d %ss on %s would be deleted (limit %.0f%%)%s",
                        ops.size(), known, first.kind().id(), first.site(), settings.maxDeleteFraction() * 100,
                        force ? "; forced" : "; run with force=true to allow");
                r.skipped.add(new Item(first.site(), first.kind().id(), "*", "guard", why,
                        force ? GUARD_FORCED : GUARD_HELD_BACK));
                if (!force) {
                    blocked.addAll(ops);
                    if (!dryRun) {
                        LOG.warnf("mass-deletion guard held back a run: %d %s deletions on %s, of %d %ss known there"
                                        + " (limit %.0f%%); check the plan (dry run), then run with force=true to allow",
                                ops.size(), first.kind().id(), first.site(), known, first.kind().id(),
                                settings.maxDeleteFraction() * 100);
                    }
                }
            }
        });
        for (Op op : withTheirProject) {
            if (blocked.contains(projectDeletes.get(op.site() + "|" + Keys.projectOf(op.key())))) {
                blocked.add(op);
            }
        }
        return blocked;
    }

    // ------------------------------------------------------------------ reporting

    private void report(Decision d, Set<Op> blocked, Report r, LiveState live) {
        String kind = d.kind().id();
        if (d.conflict()) {
            r.conflicts.add(conflict(d, live));
        }
        switch (d.kase()) {
            case PENDING_REPLICATION -> r.pending.add(new Item(null, kind, d.key(), "pending", d.detail(), null));
            case DELETION_DISABLED, UNKNOWN -> r.skipped.add(new Item(null, kind, d.key(), "skip", d.detail(), null));
            default -> {
            }
        }
        for (Op op : d.ops()) {
            Item item = item(op, null);
            r.planned.add(blocked.contains(op) ? new Item(op.site(), kind, op.key(), op.type().name().toLowerCase(),
                    op.reason(), "blocked by the mass-deletion guard") : item);
        }
    }

    /** A conflict with every site's value, what settled it and the winner. */
    private SyncReport.Conflict conflict(Decision d, LiveState live) {
        Map<String, Value> present = live.values.get(d.kind()).getOrDefault(d.key(), Map.of());
        Set<String> hadIt = base.get(d.kind().id(), d.key()).map(BaseRecord::sites).orElse(Set.of());
        Map<String, String> values = new LinkedHashMap<>();
        for (String site : sites) {
            Value v = present.get(site);
            values.put(site, v != null ? write(v)
                    : hadIt.contains(site) ? SyncReport.Conflict.DELETED : SyncReport.Conflict.ABSENT);
        }
        boolean deletedSomewhere = values.containsValue(SyncReport.Conflict.DELETED);
        String rule;
        Set<String> winners = new TreeSet<>();
        if (d.kase() == Case.CONFLICT_UNRESOLVED) {
            rule = settings.policy() instanceof ConflictPolicy.ReportOnly
                    ? "conflict policy report-only: left as is on every site"
                    : "conflict policy " + settings.policy().describe() + " names no winner: left as is";
        } else if (d.kase() == Case.CONFLICT_CHANGED_BOTH) {
            rule = "conflict policy " + settings.policy().describe();
            present.forEach((site, v) -> {
                if (v.equals(d.target())) {
                    winners.add(site);
                }
            });
        } else {
            // changed on some sites, deleted on others (also when the missing copies are replication's to make)
            rule = deletedSomewhere ? SyncReport.Conflict.CHANGE_BEATS_DELETE : "kept where it was changed";
            present.forEach((site, v) -> {
                if (d.target() == null || v.equals(d.target())) {
                    winners.add(site);
                }
            });
        }
        return new SyncReport.Conflict(d.kind().id(), d.key(),
                winners.isEmpty() ? SyncReport.Conflict.UNRESOLVED : SyncReport.Conflict.RESOLVED, rule,
                winners.isEmpty() ? null : String.join(",", winners), values, d.detail());
    }

    private static Item item(Op op, String detail) {
        return new Item(op.site(), op.kind().id(), op.key(), op.type().name().toLowerCase(), op.reason(), detail);
    }

    /**
     * Harbor has no system-wide webhook: every project on every site needs its own policy pointing at
     * the daemon. Checked on each reconcile for the projects it read; a failure is reported, not fatal.
     */
    private void ensureWebhookPolicies(LiveState live, Report r) {
        if (settings.webhookUrl().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        live.values.get(Kind.PROJECT).forEach((project, bySite) -> bySite.keySet().forEach(site -> {
            // Keyed by the project's id too: a project deleted and created again is checked at once.
            String checkedKey = site + "/" + project + "/" + live.projectId(site, project);
            Instant checked = webhookChecked.get(checkedKey);
            if (checked != null && checked.plus(WEBHOOK_RECHECK).isAfter(now)) {
                return;
            }
            try {
                applier.ensureWebhookPolicy(clients.get(site), project);
                webhookChecked.put(checkedKey, now);
            } catch (HarborException.NotFound deletedMeanwhile) {
                // deleted by this reconcile or by a user since it was read: nothing to watch
            } catch (HarborException e) {
                r.failed.add(new Item(site, "webhook-policy", project, "ensure", "every project needs a webhook"
                        + " policy pointing at harbor-sync", e.getMessage()));
            }
        }));
    }

    // ------------------------------------------------------------------ applying

    /** Write order: parents before children on create, children before parents on delete. */
    private static int phase(Op op) {
        return switch (op.kind()) {
            case PROJECT -> op.type() == OpType.DELETE ? 6 : 1;
            case MEMBER -> 2;
            case ARTIFACT -> op.type() == OpType.DELETE ? 4 : 3;
            case REPOSITORY -> 5;
        };
    }

    private void apply(List<Decision> decisions, Set<Op> blocked, Scope scope, Report r, LiveState live) {
        List<Op> ops = new ArrayList<>();
        Map<Op, Decision> owner = new HashMap<>();
        for (Decision d : decisions) {
            for (Op op : d.ops()) {
                if (!blocked.contains(op)) {
                    ops.add(op);
                    owner.put(op, d);
                }
            }
        }
        ops.sort(Comparator.comparingInt(Reconciler::phase));
        Set<Decision> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // Phase by phase; within a phase the projects go side by side (each client bounds its site's requests)
        // and each project's operations run in order, as before: a tag moving between two artifacts of a
        // repository, or a project and its creator member, never race.
        Map<Integer, Map<String, List<Op>>> phases = new java.util.TreeMap<>();
        for (Op op : ops) {
            phases.computeIfAbsent(phase(op), x -> new LinkedHashMap<>())
                    .computeIfAbsent(Keys.projectOf(op.key()), x -> new ArrayList<>()).add(op);
        }
        Map<Op, List<java.util.function.Consumer<Report>>> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        int threads = Math.max(1, clients.values().stream().mapToInt(HarborClient::maxConcurrency).sum());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, t -> {
            Thread th = new Thread(t, "harbor-sync-apply");
            th.setDaemon(true);
            return th;
        });
        try {
            for (Map<String, List<Op>> byProject : phases.values()) {
                List<java.util.concurrent.CompletableFuture<Void>> running = new ArrayList<>();
                for (List<Op> projectOps : byProject.values()) {
                    running.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                        for (Op op : projectOps) {
                            // everything logged while this op is applied (the Harbor client's warnings too) names it
                            try (OpContext ignored = OpContext.of(op.site(), op.kind().id(), op.key())) {
                                outcomes.put(op, applyOne(op, owner.get(op), failed, decisions, live));
                            }
                        }
                    }, pool));
                }
                running.forEach(java.util.concurrent.CompletableFuture::join);
            }
        } finally {
            pool.shutdownNow();
        }
        // The report lists operations in the order they were planned, whatever order they finished in.
        for (Op op : ops) {
            outcomes.getOrDefault(op, List.of()).forEach(write -> write.accept(r));
        }
        moveBase(decisions, blocked, failed, live, r);
    }

    /** Applies one operation; returns what to write into the report (kept in plan order by the caller). */
    private List<java.util.function.Consumer<Report>> applyOne(Op op, Decision d, Set<Decision> failed,
                                                               List<Decision> decisions, LiveState live) {
        List<java.util.function.Consumer<Report>> out = new ArrayList<>();
        try {
            OpApplier.Outcome outcome = applier.apply(op, live);
            if (outcome == OpApplier.Outcome.UNRESOLVABLE) {
                Item i = item(op, "not resolvable on " + op.site() + " yet (e.g. the user never logged in"
                        + " there); retried by the next reconcile");
                out.add(rep -> rep.pending.add(i));
                log(Logger.Level.INFO, "deferred", i);
                failed.add(d);
            } else {
                Item i = item(op, null);
                out.add(rep -> rep.done.add(i));
                log(Logger.Level.INFO, "applied", i);
                if (op.kind() == Kind.PROJECT && op.type() == OpType.CREATE) {
                    List<Item> trimmed = trimCreator(op.site(), op.key(), live, decisions);
                    out.add(rep -> rep.done.addAll(trimmed));
                }
            }
        } catch (HarborException e) {
            Item i = item(op, e.getMessage());
            out.add(rep -> rep.failed.add(i));
            log(Logger.Level.WARN, "failed", i);
            failed.add(d);
        }
        return out;
    }

    /**
     * Harbor makes the creator (our account, or the first sysadmin for a robot) a member of every
     * project it creates. On a copy that member is an artefact of copying, not a user's choice: remove
     * it unless this run keeps that member elsewhere, or it would spread back as a "new" member.
     */
    private List<Item> trimCreator(String site, String project, LiveState live, List<Decision> decisions) {
        List<Item> removed = new ArrayList<>();
        if (live.unknownChildren.values().stream().anyMatch(ps -> ps.contains(project))) {
            return removed; // the members elsewhere are unknown this run: nothing to compare with
        }
        Set<String> staying = new HashSet<>();
        for (Decision d : decisions) {
            if (d.kind() == Kind.MEMBER && d.kase() != Case.DELETED && d.kase() != Case.DELETED_EVERYWHERE
                    && Keys.projectOf(d.key()).equals(project)) {
                staying.add(d.key());
            }
        }
        HarborClient c = clients.get(site);
        for (io.harborsync.harbor.HarborModel.Member m : c.members().list(project)) {
            String key = Keys.member(project, m.entityName(), m.isGroup());
            if (!staying.contains(key)) {
                applier.removeMember(c, key, m.id());
                Item done = new Item(site, Kind.MEMBER.id(), key, "delete",
                        "added by Harbor as creator of the copy; not a member on the other sites", null);
                removed.add(done);
                try (OpContext ignored = OpContext.of(site, Kind.MEMBER.id(), key)) {
                    log(Logger.Level.INFO, "applied", done);
                }
            }
        }
        return removed;
    }

    /**
     * The base moves only to what the sites verifiably hold now: see the comment on "applied" below.
     */
    private void moveBase(List<Decision> decisions, Set<Op> blocked, Set<Decision> failed, LiveState live, Report r) {
        // What the sites hold after the writes. Every write's answer is definitive (HarborClient refuses up
        // front what Harbor would take without effect), so an applied write is taken as done, unread.
        // A project created by this run is read back: Harbor drops unknown settings at creation silently.
        List<Op> applied = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.needsWork() && !failed.contains(d) && d.ops().stream().noneMatch(blocked::contains)) {
                applied.addAll(d.ops());
            }
        }
        LiveState after = live.afterWrites(applied, clients);
        Instant now = clock.instant();
        // Written together at the end (BaseStore#writeAll): one commit per record made this the longest part of
        // a reconcile that changed many keys.
        Set<String> allSites = new TreeSet<>(sites);
        List<BaseRecord> puts = new ArrayList<>();
        List<BaseStore.Removal> removals = new ArrayList<>();
        for (Decision d : decisions) {
            if (failed.contains(d) || d.ops().stream().anyMatch(blocked::contains)) {
                continue;
            }
            if (!d.needsWork()) {
                if (d.kase() == Case.IN_SYNC) {
                    record(d.kind(), d.key(), d.target(), allSites, now, puts);
                } else if (d.kase() == Case.DELETED_EVERYWHERE) {
                    removals.add(new BaseStore.Removal(d.kind().id(), d.key()));
                }
                continue;
            }
            KeyState now2 = after.keyState(d.kind(), d.key(), sites, Optional.empty(), Set.of());
            if (!now2.unknown().isEmpty()) {
                continue;
            }
            if (now2.present().isEmpty()) {
                removals.add(new BaseStore.Removal(d.kind().id(), d.key()));
            } else if (d.target() != null && now2.present().values().stream().allMatch(d.target()::equals)) {
                if (now2.absent().isEmpty()) {
                    record(d.kind(), d.key(), d.target(), now2.present().keySet(), now, puts);
                } else if (!d.kind().copiedBySync()) {
                    // tags applied where the artifact is; the missing copies are replication's to make
                    r.pending.add(new Item(null, d.kind().id(), d.key(), "pending",
                            Case.PENDING_REPLICATION.explain(now2.present().keySet()), null));
                } else {
                    r.failed.add(new Item(null, d.kind().id(), d.key(), "verify",
                            "still missing on " + now2.absent() + " after the writes; base left unchanged", null));
                }
            } else {
                r.failed.add(new Item(null, d.kind().id(), d.key(), "verify",
                        "read back differs from what was written; base left unchanged", null));
            }
        }
        base.writeAll(puts, removals);
        listed.remove(); // the run's listing is spent: the next run lists again
    }

    /** Adds the key's new base record to {@code puts}, unless its base already says exactly that. */
    private void record(Kind kind, String key, Value value, Set<String> where, Instant now, List<BaseRecord> puts) {
        String json = written(value);
        Optional<BaseRecord> old = baseRecord(kind, key);
        if (old.isPresent() && old.get().valueJson().equals(json) && old.get().sites().equals(where)) {
            return;
        }
        puts.add(new BaseRecord(kind.id(), key, json, where, now));
    }

    static String write(Value v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + v, e);
        }
    }

    static Value parse(Kind kind, String json) {
        try {
            return JSON.readValue(json, Values.typeOf(kind));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable base record of kind " + kind + ": " + e.getOriginalMessage());
        }
    }

    /** One line per operation outcome; the site, kind and key are also the MDC fields set by {@link OpContext}. */
    private static void log(Logger.Level level, String outcome, Item i) {
        LOG.logf(level, "%s %s %s %s on %s: %s%s", outcome, i.op(), i.kind(), i.key(), i.site(), i.reason(),
                i.detail() == null ? "" : " (" + i.detail() + ")");
    }

    /** Sets the MDC fields of one operation and restores what was there before (nested operations, callers' own). */
    static final class OpContext implements AutoCloseable {
        private static final String[] FIELDS = {MDC_SITE, MDC_KIND, MDC_KEY};
        private final Object[] previous = new Object[FIELDS.length];

        private OpContext(String... values) {
            for (int i = 0; i < FIELDS.length; i++) {
                previous[i] = MDC.get(FIELDS[i]);
                MDC.put(FIELDS[i], values[i]);
            }
        }

        static OpContext of(String site, String kind, String key) {
            return new OpContext(site, kind, key);
        }

        @Override
        public void close() {
            for (int i = 0; i < FIELDS.length; i++) {
                if (previous[i] == null) {
                    MDC.remove(FIELDS[i]);
                } else {
                    MDC.put(FIELDS[i], previous[i]);
                }
            }
        }
    }

    private static final class Report {
        final List<Item> planned = new ArrayList<>();
        final List<Item> done = new ArrayList<>();
        final List<Item> failed = new ArrayList<>();
        final List<Item> skipped = new ArrayList<>();
        final List<SyncReport.Conflict> conflicts = new ArrayList<>();
        final List<Item> pending = new ArrayList<>();
        final List<String> unknownSites = new ArrayList<>();
    }
}
