package io.harborsync.sync;

import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.config.Sites;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.harborsync.webhook.WebhookReceived;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Works off the webhook inbox, at least once. An event is a hint that a project changed: the worker
 * reconciles that project (never applies the payload) and marks the events done only when the
 * reconcile saw every site and failed nothing. Otherwise they are retried with exponential backoff and
 * jitter, and after {@code harbor-sync.inbox.max-attempts} set aside as dead letters until an operator
 * retries them. Events caused by the daemon's own writes are recognised and dropped without reads.
 */
@ApplicationScoped
public class EventWorker {
    private static final Logger LOG = Logger.getLogger(EventWorker.class);
    private static final int BATCH = 500;

    @Inject
    EventInbox inbox;
    @Inject
    SyncService sync;
    @Inject
    Sites sites;
    @Inject
    HarborSyncConfig config;

    Clock clock = Clock.systemUTC();
    private final AtomicLong ownEventsSkipped = new AtomicLong();
    private final AtomicLong retriesScheduled = new AtomicLong();

    void onWebhook(@ObservesAsync WebhookReceived received) {
        drain();
    }

    /** Work acknowledged before a crash or restart is picked up again at start. */
    void onStart(@Observes StartupEvent ev) {
        if (!config.daemon().enabled()) {
            return; // a one-shot command, not the daemon
        }
        Thread t = new Thread(() -> {
            try {
                drain();
            } catch (RuntimeException e) {
                LOG.warnf("inbox recovery at start failed, the next retry round takes over: %s", e.getMessage());
            }
        }, "harbor-sync-inbox-recovery");
        t.setDaemon(true);
        t.start();
    }

    @Scheduled(every = "${harbor-sync.inbox.retry-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryDue() {
        drain();
    }

    /** Reconciles each project named by due events once, however many events name it. */
    public synchronized void drain() {
        while (true) {
            List<InboxEvent> events = inbox.due(BATCH, clock.instant());
            if (events.isEmpty()) {
                return;
            }
            work(events);
            if (events.size() < BATCH) {
                return;
            }
        }
    }

    private void work(List<InboxEvent> events) {
        Map<String, List<InboxEvent>> byProject = new LinkedHashMap<>();
        for (InboxEvent e : events) {
            if (isOwn(e)) {
                ownEventsSkipped.incrementAndGet();
                inbox.done(e.id());
            } else if (e.project() == null || e.project().isBlank()) {
                inbox.done(e.id()); // names no project: the periodic reconcile covers it
            } else {
                byProject.computeIfAbsent(e.project(), p -> new ArrayList<>()).add(e);
            }
        }
        byProject.forEach((project, list) -> {
            // An event that names an artifact needs only that artifact read on each site; any other event in
            // the same project (or one naming no artifact) makes it one reconcile of the whole project.
            Map<Scope, List<InboxEvent>> work = new LinkedHashMap<>();
            if (list.stream().allMatch(e -> e.repository() != null && e.digest() != null)) {
                list.forEach(e -> work.computeIfAbsent(Scope.artifact(project, e.repository(), e.digest()),
                        s -> new ArrayList<>()).add(e));
            } else {
                work.put(Scope.project(project), list);
            }
            work.forEach(this::reconcile);
        });
    }

    private void reconcile(Scope scope, List<InboxEvent> list) {
        String why;
        try {
            SyncReport r = sync.run(scope, false, false);
            var guard = r.skipped().stream().filter(i -> "guard".equals(i.op())).findFirst();
            // A key left undecided because a site's answer about it was unknown (e.g. a 503 on the one
            // artifact read) is not done: the event stays work until it can be decided.
            var undecided = r.skipped().stream().filter(i -> i.reason() != null
                    && i.reason().startsWith("state unknown on ")).findFirst();
            if (r.unknownSites().isEmpty() && r.failed().isEmpty() && guard.isEmpty() && undecided.isEmpty()) {
                list.forEach(e -> inbox.done(e.id()));
                return;
            }
            // kept as work (and in the end as dead letters, visible in /status) rather than dropped
            why = !r.unknownSites().isEmpty() ? "unknown: " + r.unknownSites()
                    : guard.isPresent() ? guard.get().reason()
                    : undecided.isPresent() ? undecided.get().key() + ": " + undecided.get().reason()
                    : r.failed().size() + " operations failed: " + r.failed().get(0).detail();
        } catch (RuntimeException ex) {
            why = ex.getMessage();
        }
        for (InboxEvent e : list) {
            fail(e, why);
        }
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

    /** The daemon's own writes come back as events; CloudEvents also carry our X-Request-Id. */
    private boolean isOwn(InboxEvent e) {
        if (e.requestId() != null && e.requestId().startsWith(HarborClientFactory.REQUEST_ID_PREFIX)) {
            return true;
        }
        return sites.byName(e.site()).map(Site::username).filter(u -> u.equals(e.operator())).isPresent();
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
