package io.harborsync.intake;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.sync.OwnWrites;
import io.harborsync.sync.Plan;
import io.harborsync.sync.SyncService;
import io.harborsync.sync.ReconcileFinished;
import io.harborsync.model.EventType;

import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Works off the inbox, at least once: webhook events and the audit-log tail's hints ({@link AuditLogTail}). An
 * event is a hint that a project (or, for a deletion, one artifact) changed: the worker reconciles that project or artifact (never applies the payload) and marks
 * the events done only when the
 * reconcile saw every site and failed nothing. Otherwise they are retried with exponential backoff and
 * jitter, and after {@code harbor-sync.inbox.max-attempts} set aside as dead letters until an operator
 * retries them. Events caused by the daemon's own writes (see {@link OwnWrites}) are dropped without reads.
 */
@ApplicationScoped
public class EventWorker {
    private static final Logger LOG = Logger.getLogger(EventWorker.class);
    private static final int BATCH = 2000;

    @Inject
    EventInbox inbox;
    @Inject
    SyncService sync;
    @Inject
    Sites sites;
    @Inject
    HarborSyncConfig config;
    @Inject
    OwnWrites ownWrites;
    /** Every replica stores webhooks; only the leader works them off. */
    @Inject
    io.harborsync.ha.Leadership leadership;

    Clock clock = Clock.systemUTC();
    private final AtomicLong ownEventsSkipped = new AtomicLong();
    private final AtomicLong retriesScheduled = new AtomicLong();

    /**
     * A stored webhook asks for a drain, but never waits for one: the observer runs on a worker thread that
     * the HTTP intake needs too. One drainer thread works the inbox; a request while it runs queues at most
     * one more pass, which picks up everything stored meanwhile.
     */
    void onWebhook(@ObservesAsync WebhookReceived received) {
        requestDrain();
    }

    private void requestDrain() {
        if (drainRequested.compareAndSet(false, true)) {
            drainer.execute(() -> {
                drainRequested.set(false);
                try {
                    drain();
                } catch (RuntimeException e) {
                    LOG.warnf("inbox drain failed, the next retry round takes over: %s", e.getMessage());
                }
            });
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean drainRequested = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ExecutorService drainer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "harbor-sync-inbox-drainer");
        t.setDaemon(true);
        return t;
    });

    /** Work acknowledged before a crash or restart is picked up again at start. */
    void onStart(@Observes StartupEvent ev) {
        if (!config.daemon().enabled()) {
            return; // a one-shot command, not the daemon
        }
        requestDrain();
    }

    /** A replica that becomes leader works off what the others stored and what its predecessor left. */
    void onLeadership(@ObservesAsync io.harborsync.ha.LeadershipChanged changed) {
        if (changed.leader()) {
            requestDrain();
        }
    }

    /** Events that the other replicas stored reach the leader's inbox with no signal: it looks for them. */
    @Scheduled(every = "${harbor-sync.ha.inbox-poll}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void pollShared() {
        if (config.daemon().enabled()) {
            requestDrain(); // a drain on a follower returns at once (see drain)
        }
    }

    @Scheduled(every = "${harbor-sync.inbox.retry-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void retryDue() {
        drain();
    }

    /** Settled events are kept for a while (harbor-sync.inbox.keep-done), then removed: the store stays small. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void purgeSettled() {
        if (!config.daemon().enabled() || !leadership.isLeader()) {
            return;
        }
        try {
            long removed = inbox.purgeDone(clock.instant().minus(config.inbox().keepDone()));
            if (removed > 0) {
                LOG.debugf("removed %d settled webhook events", removed);
            }
        } catch (io.harborsync.store.StoreException e) {
            LOG.warnf("settled webhook events could not be removed, next try in 10 minutes: %s", e.getMessage());
        }
    }

    /**
     * Artifact deletions in flight: each runs on its own as soon as it is stored, side by side with the others
     * (distinct artifacts, so they never touch the same base record), instead of waiting for a batch to end.
     * Their events are skipped by the drains until their reconcile has settled them.
     */
    private final java.util.Set<Long> inFlightEvents = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> inFlightKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Enough to keep every site's request slots busy; more would only queue at the sites' bound. */
    private static final int MAX_IN_FLIGHT = 16;
    private final java.util.concurrent.ExecutorService deletions = java.util.concurrent.Executors.newFixedThreadPool(
            MAX_IN_FLIGHT, r -> {
                Thread t = new Thread(r, "harbor-sync-deletion");
                t.setDaemon(true);
                return t;
            });

    /**
     * Works off the due events: each project named by other events is reconciled once, however many events name
     * it; each deleted artifact is started on its own (see {@link #startDeletion}).
     */
    public synchronized void drain() {
        if (!leadership.isLeader()) {
            return; // stored for the leader, which polls the shared inbox (harbor-sync.ha.inbox-poll)
        }
        while (true) {
            // Taken before the read: a deletion that settles its events after the read is still in this copy,
            // so an event read just before it was marked done is not started a second time.
            java.util.Set<Long> busy = java.util.Set.copyOf(inFlightEvents);
            List<InboxEvent> events;
            auditStore.lock(); // not between the tail's commit of its deletions and their marks (storeFromAuditLog)
            try {
                events = new ArrayList<>(inbox.due(BATCH, clock.instant()));
            } finally {
                auditStore.unlock();
            }
            int read = events.size();
            events.removeIf(e -> busy.contains(e.id()));
            if (events.isEmpty() || !work(events) || read < BATCH) {
                return; // nothing (more) to start now; a finished deletion asks for the next drain
            }
        }
    }

    /** Works the events off; false when none of them could be started (all waiting for a deletion slot). */
    private boolean work(List<InboxEvent> events) {
        Map<String, List<InboxEvent>> byProject = new LinkedHashMap<>();
        List<Long> settled = new ArrayList<>();
        for (InboxEvent e : events) {
            if (isOwn(e)) {
                ownEventsSkipped.incrementAndGet();
                settled.add(e.id());
            } else if (alreadyReconciled(e)) {
                duplicatesSkipped.incrementAndGet();
                settled.add(e.id());
            } else if (e.project() == null || e.project().isBlank()) {
                settled.add(e.id()); // names no project: the periodic reconcile covers it
            } else {
                byProject.computeIfAbsent(e.project(), p -> new ArrayList<>()).add(e);
            }
        }
        inbox.done(settled);
        settled.forEach(auditDeletions::remove);
        boolean started = !settled.isEmpty();
        // An artifact deletion needs only that artifact read on each site. A project with any other event (a
        // push may bring a new project or repository along) gets one reconcile of the whole project, which
        // covers its deletions too (SyncService runs it alone, after the deletions in flight).
        for (Map.Entry<String, List<InboxEvent>> entry : byProject.entrySet()) {
            String project = entry.getKey();
            List<InboxEvent> list = entry.getValue();
            if (list.stream().allMatch(e -> EventType.DELETE_ARTIFACT.is(e.type())
                    && e.repository() != null && e.digest() != null)) {
                Map<String, List<InboxEvent>> byArtifact = new LinkedHashMap<>();
                list.forEach(e -> byArtifact.computeIfAbsent(Keys.artifact(project, e.repository(), e.digest()),
                        k -> new ArrayList<>()).add(e));
                for (Map.Entry<String, List<InboxEvent>> one : byArtifact.entrySet()) {
                    started |= startDeletion(one.getKey(), one.getValue());
                }
            } else {
                list.forEach(e -> auditDeletions.remove(e.id()));
                reconcile(Scope.project(project), Map.of(project, list));
                started = true;
            }
        }
        return started;
    }

    /** Starts the reconcile of one deleted artifact unless one for it is running or every slot is taken. */
    private boolean startDeletion(String key, List<InboxEvent> events) {
        if (inFlightKeys.size() >= MAX_IN_FLIGHT || !inFlightKeys.add(key)) {
            return false; // stays pending; the running one's end asks for another drain
        }
        events.forEach(e -> inFlightEvents.add(e.id()));
        boolean byAuditLog = false;
        for (InboxEvent e : events) {
            byAuditLog |= auditDeletions.remove(e.id());
        }
        Runnable finished = () -> {
            events.forEach(e -> inFlightEvents.remove(e.id()));
            inFlightKeys.remove(key);
        };
        try {
            deletions.execute(() -> {
                try {
                    reconcile(Scope.artifacts(java.util.Set.of(key)), Map.of(key, events));
                } catch (RuntimeException e) {
                    LOG.warnf("reconcile of deleted artifact %s failed, its events stay pending: %s", key,
                            e.getMessage());
                } finally {
                    finished.run();
                    requestDrain();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            finished.run();
            return false;
        }
        (byAuditLog ? deletionsByAuditLog : deletionsByWebhook).incrementAndGet();
        return true;
    }

    /**
     * Runs one reconcile for the events (grouped by the key they name; for a project scope, one group) and
     * settles each event: done, or kept as work (in the end a dead letter, visible in /status), never dropped.
     */
    private void reconcile(Scope scope, Map<String, List<InboxEvent>> eventsByKey) {
        ReconcileFinished r;
        try {
            r = sync.run(scope, false, false);
        } catch (io.harborsync.ha.NotLeaderException lost) {
            // not an attempt: the events stay as they are for the replica that leads now
            LOG.infof("events of %s left to the leader: %s", scope, lost.getMessage());
            return;
        } catch (RuntimeException ex) {
            eventsByKey.values().forEach(list -> list.forEach(e -> fail(e, ex.getMessage())));
            return;
        }
        if (scope.isArtifacts()) {
            remember(eventsByKey, r);
        }
        String everyKey = !r.unknownSites().isEmpty() ? "unknown: " + r.report().unknownSites()
                : r.heldBack().stream().findFirst().map(Plan.GuardVerdict::describe).orElse(null);
        // A failed write, or a key left undecided because a site's answer about it was unknown (e.g. a 503 on
        // an artifact read), keeps the events naming that key as work until it can be decided.
        Map<String, String> byKey = r.unsettled();
        List<Long> done = new ArrayList<>();
        eventsByKey.forEach((key, list) -> {
            String why = everyKey != null ? everyKey
                    : scope.isArtifacts() ? byKey.get(key)
                    : byKey.isEmpty() ? null : byKey.size() + " keys not settled, e.g. " + byKey.values().iterator().next();
            for (InboxEvent e : list) {
                if (why == null) {
                    done.add(e.id());
                } else {
                    fail(e, why);
                }
            }
        });
        inbox.done(done); // one commit for the batch, not one per event
    }

    /**
     * The same deletion reported twice (the audit-log tail read its row, then Harbor's webhook came; or a webhook
     * delivered again) is one deletion: events of the same site and artifact whose times are this close apart.
     * Webhooks give seconds, audit rows more: a window of two seconds holds both.
     */
    static final Duration SAME_DELETION = Duration.ofSeconds(2);
    private static final int REMEMBERED = 10_000;
    /** "site|artifact key" -> when the deletion a settled artifact reconcile took care of happened there. */
    private final Map<String, Instant> reconciledDeletions = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final AtomicLong duplicatesSkipped = new AtomicLong();

    /** After an artifact reconcile that settled its key: the deletions its events reported are taken care of. */
    private void remember(Map<String, List<InboxEvent>> eventsByKey, ReconcileFinished r) {
        if (!r.unknownSites().isEmpty() || !r.heldBack().isEmpty()) {
            return;
        }
        Map<String, String> unsettled = r.unsettled();
        synchronized (reconciledDeletions) {
            eventsByKey.forEach((key, list) -> {
                if (unsettled.containsKey(key)) {
                    return;
                }
                for (InboxEvent e : list) {
                    if (EventType.DELETE_ARTIFACT.is(e.type()) && e.occurredAt() != null) {
                        reconciledDeletions.put(e.site() + "|" + key, e.occurredAt());
                    }
                }
            });
        }
    }

    /** A deletion event for an artifact whose same deletion (same site, about the same time) was reconciled. */
    private boolean alreadyReconciled(InboxEvent e) {
        if (!EventType.DELETE_ARTIFACT.is(e.type()) || e.occurredAt() == null || e.project() == null
                || e.repository() == null || e.digest() == null) {
            return false;
        }
        Instant done;
        synchronized (reconciledDeletions) {
            done = reconciledDeletions.get(e.site() + "|" + Keys.artifact(e.project(), e.repository(), e.digest()));
        }
        return done != null && Duration.between(done, e.occurredAt()).abs().compareTo(SAME_DELETION) <= 0;
    }

    /** Deletion events taken as done because the same deletion had been reconciled (audit-log tail, redelivery). */
    public long duplicatesSkipped() {
        return duplicatesSkipped.get();
    }

    /**
     * Ids of the inbox events the audit-log tail stored for artifact deletions, until the deletion they name is
     * started or they are settled: what tells a deletion the fast audit-log poll started from one a webhook started.
     */
    private final java.util.Set<Long> auditDeletions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong deletionsByAuditLog = new AtomicLong();
    private final AtomicLong deletionsByWebhook = new AtomicLong();

    /**
     * Held while the audit-log tail stores its events and marks its deletions, and while a drain lists the inbox:
     * a drain another finished deletion asked for would otherwise list a deletion committed but not yet marked and
     * count it as started by a webhook.
     */
    private final java.util.concurrent.locks.ReentrantLock auditStore = new java.util.concurrent.locks.ReentrantLock();

    /**
     * Runs the tail's store of its events (its project hints first, then its deletions: their ids in that order)
     * and marks the deletions as the audit log's, with no drain listing the inbox in between.
     */
    void storeFromAuditLog(java.util.function.Supplier<List<Long>> store, int projectHints, int events) {
        auditStore.lock();
        try {
            List<Long> ids = store.get();
            if (ids != null && ids.size() == events && auditDeletions.size() < REMEMBERED) {
                auditDeletions.addAll(ids.subList(projectHints, events));
            }
        } finally {
            auditStore.unlock();
        }
    }

    /** For tests: whether {@code drain} is waiting for the tail's store to finish. */
    boolean waitsForAuditStore(Thread drain) {
        return auditStore.hasQueuedThread(drain);
    }

    /** Artifact-deletion reconciles started by an audit-log row (the tail's poll came first). */
    public long deletionsStartedByAuditLog() {
        return deletionsByAuditLog.get();
    }

    /** Artifact-deletion reconciles started by events that were all webhooks. */
    public long deletionsStartedByWebhook() {
        return deletionsByWebhook.get();
    }

    private void fail(InboxEvent e, String why) {
        int attempt = e.attempts() + 1;
        if (attempt >= config.inbox().maxAttempts()) {
            inbox.bury(e.id(), why);
            LOG.warnf("webhook event %d (%s on %s, project %s) failed %d times, set aside as a dead letter: %s",
                    e.id(), e.type(), e.site(), e.project(), attempt, why);
        } else {
            inbox.retryAt(e.id(), why, clock.instant().plus(backoff(attempt, config.inbox().retryBase(),
                    config.inbox().retryMax())));
            retriesScheduled.incrementAndGet();
        }
    }

    /** base × 2^(attempt-1), at most max, with ±20% jitter so that retries of a burst spread out. */
    static Duration backoff(int attempt, Duration base, Duration max) {
        double exp = base.toMillis() * Math.pow(2, Math.min(30, attempt - 1));
        double capped = Math.min(exp, max.toMillis());
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }

    /**
     * The daemon's own writes come back as events: one the journal of its writes expects (same site, artifact
     * and deletion, received shortly after the write; consumed), or a CloudEvents one carrying our X-Request-Id.
     * Who Harbor names as the operator only rules out: people may use the daemon's account too, and their
     * deletions must reach the peers at once.
     */
    private boolean isOwn(InboxEvent e) {
        if (EventType.AUDIT_LOG.is(e.type())) {
            return false; // the audit-log tail left out the daemon's own rows before storing the hint
        }
        boolean ourRequest = e.requestId() != null && e.requestId().startsWith(HarborClientFactory.REQUEST_ID_PREFIX);
        if (!ourRequest && !byOurAccount(e)) {
            return false;
        }
        Instant received = e.receivedAt() != null ? e.receivedAt() : clock.instant();
        boolean expected = OwnWrites.of(e).map(w -> ownWrites.consumeWebhook(w, received)).orElse(false);
        return expected || ourRequest;
    }

    /** The operator is the site's configured account, or not named at all. */
    private boolean byOurAccount(InboxEvent e) {
        if (e.operator() == null || e.operator().isBlank()) {
            return true;
        }
        return sites.byName(e.site()).map(Site::username).filter(u -> u.equalsIgnoreCase(e.operator())).isPresent();
    }

    /** For tests: lets retries come due without waiting. */
    void clock(Clock clock) {
        this.clock = clock;
    }

    public long ownEventsSkipped() {
        return ownEventsSkipped.get();
    }

    public long retriesScheduled() {
        return retriesScheduled.get();
    }
}
