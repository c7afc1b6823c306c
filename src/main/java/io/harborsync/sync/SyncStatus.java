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
    private final Deque<SyncReport.Conflict> conflicts = new ArrayDeque<>();
    private List<SyncReport.Item> pending = List.of();
    /** "scope|kind|site" → the guard item of the last run of that scope that held deletions back. */
    private final Map<String, GuardHold> guardHolds = new TreeMap<>();

    /** Deletions a run held back at the mass-deletion guard; listed until a later run of the scope passes. */
    public record GuardHold(String scope, String kind, String site, String reason, Instant at) {
    }

    @jakarta.inject.Inject
    io.harborsync.metrics.Metrics metrics;

    public synchronized void record(List<String> allSites, SyncReport r) {
        if (r.dryRun()) {
            return;
        }
        boolean full = r.scope().equals(Scope.ALL.toString());
        if (full) {
            pending = stillPending(r);
        }
        metrics.reconciled(allSites, r, full ? pending : r.pending());
        recordGuard(r);
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
        for (SyncReport.Conflict i : r.conflicts()) {
            push(conflicts, i);
        }
    }

    /**
     * A full run's pending items, and the earlier ones whose key this run could not decide (a site, or one
     * project's content on a site, could not be read): an outage does not make pending work disappear from the list.
     */
    private List<SyncReport.Item> stillPending(SyncReport r) {
        java.util.Set<String> undecided = new java.util.HashSet<>();
        r.skipped().stream().filter(i -> Decision.Case.UNKNOWN.explains(i.reason()))
                .forEach(i -> undecided.add(i.kind() + "|" + i.key()));
        java.util.Set<String> listed = new java.util.HashSet<>();
        r.pending().forEach(i -> listed.add(i.kind() + "|" + i.key()));
        List<SyncReport.Item> out = new ArrayList<>(r.pending());
        for (SyncReport.Item old : pending) {
            String k = old.kind() + "|" + old.key();
            if (undecided.contains(k) && listed.add(k)) {
                out.add(old);
            }
        }
        return List.copyOf(out);
    }

    /**
     * A run that held deletions back replaces what earlier runs of its scope held back; a run of everything that
     * read every site passes for every scope. A run that could not read a site settles nothing.
     */
    private void recordGuard(SyncReport r) {
        if (r.unknownSites().isEmpty()) {
            if (r.scope().equals(Scope.ALL.toString())) {
                guardHolds.clear();
            } else {
                guardHolds.keySet().removeIf(k -> k.startsWith(r.scope() + "|"));
            }
        }
        for (SyncReport.Item i : heldBack(r)) {
            guardHolds.put(r.scope() + "|" + i.kind() + "|" + i.site(),
                    new GuardHold(r.scope(), i.kind(), i.site(), i.reason(), r.finishedAt()));
        }
    }

    /** The guard items of a report whose deletions were held back (not forced). */
    public static List<SyncReport.Item> heldBack(SyncReport r) {
        return r.skipped().stream().filter(i -> "guard".equals(i.op()) && Reconciler.GUARD_HELD_BACK.equals(i.detail()))
                .toList();
    }

    public synchronized List<GuardHold> guardHolds() {
        return List.copyOf(guardHolds.values());
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

    public synchronized List<SyncReport.Conflict> conflicts() {
        return new ArrayList<>(conflicts);
    }

    public synchronized List<SyncReport.Item> pending() {
        return pending;
    }
}
