package io.harborsync.sync;

import io.harborsync.config.Site;
import io.harborsync.config.Sites;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.harborsync.webhook.WebhookReceived;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Works off the webhook inbox. An event is a hint that a project changed: the worker reconciles that
 * project (never applies the payload) and marks the events done only when the reconcile saw every
 * site. Events caused by the daemon's own writes are recognised and dropped without reads.
 */
@ApplicationScoped
public class EventWorker {
    private static final Logger LOG = Logger.getLogger(EventWorker.class);
    private static final int BATCH = 200;

    @Inject
    EventInbox inbox;
    @Inject
    SyncService sync;
    @Inject
    Sites sites;

    private final AtomicLong ownEventsSkipped = new AtomicLong();

    void onWebhook(@ObservesAsync WebhookReceived received) {
        drain();
    }

    @Scheduled(every = "${harbor-sync.audit.interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryPending() {
        drain();
    }

    /** Reconciles each project named by pending events once, however many events name it. */
    public synchronized void drain() {
        List<InboxEvent> events = inbox.pending(BATCH);
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
            try {
                SyncReport r = sync.run(Scope.project(project), false, false);
                if (r.unknownSites().isEmpty() && r.failed().isEmpty()) {
                    list.forEach(e -> inbox.done(e.id()));
                } else {
                    String why = !r.unknownSites().isEmpty() ? "unknown: " + r.unknownSites()
                            : r.failed().size() + " operations failed";
                    list.forEach(e -> inbox.failed(e.id(), why));
                }
            } catch (RuntimeException ex) {
                LOG.warnf("reconcile of project %s for webhook events failed: %s", project, ex.getMessage());
                list.forEach(e -> inbox.failed(e.id(), ex.getMessage()));
            }
        });
    }

    /** The daemon's own writes come back as events; CloudEvents also carry our X-Request-Id. */
    private boolean isOwn(InboxEvent e) {
        if (e.requestId() != null && e.requestId().startsWith(HarborClientFactory.REQUEST_ID_PREFIX)) {
            return true;
        }
        return sites.byName(e.site()).map(Site::username).filter(u -> u.equals(e.operator())).isPresent();
    }

    public long ownEventsSkipped() {
        return ownEventsSkipped.get();
    }
}
