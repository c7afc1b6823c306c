package io.harborsync.metrics;

import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.store.EventInbox;
import io.harborsync.model.Kind;
import io.harborsync.sync.KindRegistry;
import io.harborsync.sync.Plan;
import io.harborsync.sync.ReconcileFinished;
import io.harborsync.sync.SyncReport;
import io.harborsync.status.SyncStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every metric harbor-sync exports at /q/metrics, named in one place. Tags are site names, kinds,
 * operations and event types only: never a key, a URL or anything secret. Names are prefixed
 * {@code harborsync_} in Prometheus form (Micrometer turns dots into underscores).
 */
@ApplicationScoped
public class Metrics {
    public static final String OPERATIONS = "harborsync.operations";
    public static final String CONFLICTS = "harborsync.conflicts";
    public static final String RECONCILE = "harborsync.reconcile.duration";
    public static final String DRIFT = "harborsync.drift.keys";
    public static final String SINCE_RECONCILE = "harborsync.reconcile.last.success.age";
    public static final String WEBHOOK_EVENTS = "harborsync.webhook.events";
    public static final String INBOX_PENDING = "harborsync.inbox.pending";
    public static final String INBOX_DEAD = "harborsync.inbox.dead.letters";
    public static final String SITE_WAITING = "harborsync.site.requests.waiting";
    public static final String SITE_BREAKER_OPEN = "harborsync.site.breaker.open";
    public static final String PROXY_SWITCHES = "harborsync.proxy.switches";
    public static final String GUARD_BLOCKED = "harborsync.guard.blocked";
    public static final String DRIFT_STALE = "harborsync.drift.stale";
    public static final String SECRETS_NOT_ALIGNED = "harborsync.robot.secrets.not.aligned";
    public static final String LEADER = "harborsync.leader";
    public static final String LEADERSHIP_CHANGES = "harborsync.leadership.changes";
    public static final String QUICKCHECK_MISSES = "harborsync.quickcheck.misses";
    public static final String QUICKCHECK_TAKEN = "harborsync.quickcheck.repositories.unchanged";

    /** The drift gauges' kinds: every mirrored kind. */
    private static final List<String> KINDS = KindRegistry.standard().kinds().stream().map(Kind::id).toList();

    @Inject
    MeterRegistry registry;

    @Inject
    HarborSyncConfig config;

    @Inject
    Sites sites;

    @Inject
    EventInbox inbox;

    @Inject
    io.harborsync.ha.Leadership leadership;

    Clock clock = Clock.systemUTC();

    /** (kind, site) → keys not in agreement after the last full reconcile. */
    private final Map<String, AtomicLong> drift = new ConcurrentHashMap<>();
    /** site → epoch second of the last full reconcile that read it without error. */
    private final Map<String, AtomicLong> lastGood = new ConcurrentHashMap<>();
    /** site → 1 while the last full reconcile could not read it: its drift values are older, from the last one that did. */
    private final Map<String, AtomicLong> driftStale = new ConcurrentHashMap<>();

    void register(@Observes StartupEvent ev) {
        if (!config.daemon().enabled()) {
            return;
        }
        try {
            sites.all();
        } catch (RuntimeException configProblem) {
            return; // the entry point reports it and exits; nothing to measure
        }
        Gauge.builder(LEADER, leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 while this replica leads (reconciles and works off the inbox), 0 on a follower")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(LEADERSHIP_CHANGES, leadership,
                        io.harborsync.ha.Leadership::changes)
                .description("Times this replica became leader or stopped being it").register(registry);
        Gauge.builder(INBOX_PENDING, inbox, EventInbox::pendingCount)
                .description("Webhook events stored and not yet processed").register(registry);
        Gauge.builder(SECRETS_NOT_ALIGNED, this, m -> m.status.secretsNotAligned().size())
                .description("Robot accounts whose secret harbor-sync has not proven alike on every site that has"
                        + " them: clients using them may be refused after a failover (see /status)").register(registry);
        Gauge.builder(INBOX_DEAD, inbox, EventInbox::deadCount)
                .description("Webhook events set aside after the last retry (see /status)").register(registry);
        for (Site s : sites.all()) {
            HarborClient c = sites.client(s.name());
            Gauge.builder(SITE_WAITING, c, HarborClient::waitingForSlot).tag("site", s.name())
                    .description("Requests waiting for one of the site's harbor-sync.http.max-concurrency slots")
                    .register(registry);
            Gauge.builder(SITE_BREAKER_OPEN, c, x -> x.breakerState().state() == CircuitBreaker.State.CLOSED ? 0 : 1)
                    .tag("site", s.name()).description("1 while the site's circuit breaker is open or half-open")
                    .register(registry);
            AtomicLong good = lastGood.computeIfAbsent(s.name(), k -> new AtomicLong(-1));
            Gauge.builder(SINCE_RECONCILE, good, g -> g.get() < 0 ? Double.NaN
                            : Math.max(0, clock.instant().getEpochSecond() - g.get()))
                    .tag("site", s.name()).baseUnit("seconds")
                    .description("Seconds since the last full reconcile that read this site without error")
                    .register(registry);
            Gauge.builder(DRIFT_STALE, driftStale.computeIfAbsent(s.name(), k -> new AtomicLong()), AtomicLong::get)
                    .tag("site", s.name())
                    .description("1 while the last full reconcile could not read the site: its "
                            + "harborsync_drift_keys are then the last known values, not current ones")
                    .register(registry);
            for (String kind : KINDS) {
                AtomicLong d = drift.computeIfAbsent(kind + "/" + s.name(), k -> new AtomicLong());
                Gauge.builder(DRIFT, d, AtomicLong::get).tag("kind", kind).tag("site", s.name())
                        .description("Keys not in agreement after the last full reconcile (failed, pending, conflict)")
                        .register(registry);
            }
        }
    }

    @Inject
    SyncStatus status;

    /** One reconcile's outcome (nothing for dry runs), after {@link SyncStatus}: its pending list is this run's drift. */
    void onReconcile(@Observes @jakarta.annotation.Priority(SyncStatus.OBSERVER_PRIORITY + 1) ReconcileFinished done) {
        if (done.dryRun()) {
            return;
        }
        List<String> allSites = done.plan().sites();
        SyncReport r = done.report();
        boolean full = done.scope().isAll();
        // the pending work still listed: a full run's own and, for a site it could not read, the earlier items
        List<SyncReport.Item> pending = full ? status.pending() : r.pending();
        String scope = full ? "all" : done.scope().isArtifacts() ? "artifact" : "project";
        Timer.builder(RECONCILE).tag("scope", scope)
                .description("Time one reconcile took").register(registry)
                .record(Duration.between(r.startedAt(), r.finishedAt()));
        r.done().forEach(i -> operation(i, "done"));
        r.failed().forEach(i -> operation(i, "failed"));
        done.quickCheckMisses().forEach(m -> Counter.builder(QUICKCHECK_MISSES).tag("site", m.site())
                .description("Keys a verify pass found changed under repositories, or among projects' members, that the"
                        + " quick check took as unchanged")
                .register(registry).increment(m.differing()));
        Counter.builder(QUICKCHECK_TAKEN).tag("scope", scope)
                .description("Repositories (per site) whose artifacts were not listed: unchanged since the sites agreed")
                .register(registry).increment(done.quickCheckTaken());
        r.conflicts().forEach(i -> Counter.builder(CONFLICTS).tag("kind", kind(i.kind()))
                .description("Keys changed differently on several sites since they last agreed")
                .register(registry).increment());
        done.heldBack().forEach((Plan.GuardVerdict v) -> Counter.builder(GUARD_BLOCKED)
                .tag("kind", kind(v.kind())).tag("site", v.site())
                .description("Runs whose deletions of a kind on a site the mass-deletion guard held back")
                .register(registry).increment());
        if (!full) {
            return;
        }
        Map<String, Long> counts = new HashMap<>();
        for (List<SyncReport.Item> items : List.of(r.failed(), pending)) {
            for (SyncReport.Item i : items) {
                // A pending key has no one site: it is out of step everywhere.
                for (String site : i.site() == null ? allSites : List.of(i.site())) {
                    counts.merge(kind(i.kind()) + "/" + site, 1L, Long::sum);
                }
            }
        }
        for (SyncReport.Conflict c : r.conflicts()) {
            for (String site : allSites) { // a conflict is out of step everywhere
                counts.merge(kind(c.kind()) + "/" + site, 1L, Long::sum);
            }
        }
        Instant now = r.finishedAt();
        for (String site : allSites) {
            boolean unread = done.unknownSites().containsKey(site);
            // A site that could not be read: its drift is unknown, not 0. Its gauges keep the last known values
            // (an alert on them keeps firing) and harborsync_drift_stale says they are old.
            driftStale.computeIfAbsent(site, k -> new AtomicLong()).set(unread ? 1 : 0);
            if (!unread) {
                lastGood.computeIfAbsent(site, k -> new AtomicLong(-1)).set(now.getEpochSecond());
                drift.forEach((k, v) -> {
                    if (k.endsWith("/" + site)) {
                        v.set(counts.getOrDefault(k, 0L));
                    }
                });
            }
        }
    }

    /**
     * The drift gauges' values, kind → site → keys not in agreement after the last full reconcile (for the
     * dashboard). Empty while the daemon is off: the gauges exist only when it runs.
     */
    public Map<String, Map<String, Long>> drift() {
        return driftValues();
    }

    /** The sites whose drift values are stale: the last full reconcile could not read them. */
    public List<String> driftStale() {
        return driftStale.entrySet().stream().filter(e -> e.getValue().get() == 1).map(Map.Entry::getKey).sorted()
                .toList();
    }

    private Map<String, Map<String, Long>> driftValues() {
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        drift.forEach((k, v) -> {
            int slash = k.indexOf('/');
            out.computeIfAbsent(k.substring(0, slash), x -> new java.util.TreeMap<>()).put(k.substring(slash + 1), v.get());
        });
        return out;
    }

    private void operation(SyncReport.Item i, String result) {
        Counter.builder(OPERATIONS).tag("kind", kind(i.kind())).tag("action", i.op().id())
                .tag("site", String.valueOf(i.site()))
                .tag("result", result).description("Changes harbor-sync made (or tried to make) on a site")
                .register(registry).increment();
    }

    /** A webhook request from a configured site: outcome received, ignored or rejected (with its reason). */
    void onWebhook(@Observes io.harborsync.intake.WebhookStats.Counted c) {
        webhook(c.site(), c.type(), c.outcome(), c.reason());
    }

    public void webhook(String site, String type, String outcome, String reason) {
        Counter.builder(WEBHOOK_EVENTS).tag("site", site).tag("type", type == null ? "(unknown)" : type)
                .tag("outcome", outcome)
                .tag("reason", reason == null ? "" : reason)
                .description("Webhook requests by site, event type and outcome").register(registry).increment();
    }

    public void proxySwitched(String from, String to, String reason) {
        Counter.builder(PROXY_SWITCHES).tag("to", to).tag("reason", reason)
                .description("Switches of the active site").register(registry).increment();
    }

    private static String kind(Kind kind) {
        return kind == null ? "" : kind.id();
    }
}
