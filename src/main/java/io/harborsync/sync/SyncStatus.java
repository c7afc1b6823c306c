package io.harborsync.sync;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What /status shows: per-site reachability and last good reconcile, pending work, conflicts, recent operations. */
@ApplicationScoped
public class SyncStatus {
    private static final int KEEP = 200;

    public record SiteStatus(String site, boolean reachable, String lastError, Instant lastSuccessfulReconcile) {
    }

    /** An applied or failed operation as /status lists it: whether it worked, when, and the item's fields. */
    public record Operation(String outcome, Instant at,
                            @com.fasterxml.jackson.annotation.JsonUnwrapped SyncReport.Item item) {
        public static final String DONE = "done";
        public static final String FAILED = "failed";
    }

    private final Map<String, SiteStatus> sites = new TreeMap<>();
    private final Deque<Operation> recent = new ArrayDeque<>();
    private final Deque<SyncReport.Item> conflicts = new ArrayDeque<>();
    private List<SyncReport.Item> pending = List.of();

    @jakarta.inject.Inject
    io.harborsync.metrics.Metrics metrics;

    public synchronized void record(List<String> allSites, SyncReport r) {
        if (r.dryRun()) {
            return;
        }
        metrics.reconciled(allSites, r);
        for (String site : allSites) {
            Optional<String> err = r.unknownSites().stream().filter(u -> u.startsWith(site + ": ")).findFirst();
            SiteStatus old = sites.get(site);
            Instant ok = err.isEmpty() && r.scope().equals(Scope.ALL.toString()) ? r.finishedAt()
                    : old == null ? null : old.lastSuccessfulReconcile();
            sites.put(site, new SiteStatus(site, err.isEmpty(), err.orElse(null), ok));
        }
        for (SyncReport.Item i : r.done()) {
            push(recent, new Operation(Operation.DONE, r.finishedAt(), i));
        }
        for (SyncReport.Item i : r.failed()) {
            push(recent, new Operation(Operation.FAILED, r.finishedAt(), i));
        }
        for (SyncReport.Item i : r.conflicts()) {
            push(conflicts, i);
        }
        if (r.scope().equals(Scope.ALL.toString())) {
            pending = List.copyOf(r.pending());
        }
    }

    private static <T> void push(Deque<T> q, T i) {
        q.addFirst(i);
        while (q.size() > KEEP) {
            q.removeLast();
        }
    }

    public synchronized List<SiteStatus> sites() {
        return List.copyOf(sites.values());
    }

    public synchronized List<Operation> recentOperations() {
        return new ArrayList<>(recent);
    }

    public synchronized List<SyncReport.Item> conflicts() {
        return new ArrayList<>(conflicts);
    }

    public synchronized List<SyncReport.Item> pending() {
        return pending;
    }
}
