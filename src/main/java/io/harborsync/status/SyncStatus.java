package io.harborsync.status;

import io.harborsync.sync.Plan;
import io.harborsync.sync.SyncReport;
import io.harborsync.sync.Outcome;
import io.harborsync.sync.ReconcileFinished;
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
    /** robot key → why a client could be refused on some site after a failover; from the runs that read it. */
    private final Map<String, SyncReport.SecretNotAligned> secretsNotAligned = new TreeMap<>();

    /** Deletions a run held back at the mass-deletion guard; listed until a later run of the scope passes. */
    public record GuardHold(String scope, String kind, String site, String reason, Instant at) {
    }

    /** Called first among the observers of a reconcile's end: metrics read {@link #pending()} after it. */
    public static final int OBSERVER_PRIORITY = jakarta.interceptor.Interceptor.Priority.APPLICATION;

    synchronized void onReconcile(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(OBSERVER_PRIORITY)
                                  ReconcileFinished done) {
        if (done.dryRun()) {
            return;
        }
        SyncReport r = done.report();
        boolean full = done.scope().isAll();
        if (full) {
            pending = stillPending(done);
        }
        recordGuard(done);
        recordSecrets(done);
        for (String site : done.plan().sites()) {
            String why = done.unknownSites().get(site);
            Optional<String> err = Optional.ofNullable(why).map(w -> site + ": " + w);
            SiteStatus old = sites.get(site);
            Instant ok = err.isEmpty() && full ? r.finishedAt() : old == null ? null : old.lastSuccessfulReconcile();
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
    private List<SyncReport.Item> stillPending(ReconcileFinished done) {
        SyncReport r = done.report();
        java.util.Set<String> undecided = new java.util.HashSet<>();
        done.withStatus(Outcome.Status.UNKNOWN).forEach(k -> undecided.add(k.kind() + "|" + k.key()));
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
    private void recordGuard(ReconcileFinished done) {
        String scope = done.scope().toString();
        if (done.unknownSites().isEmpty()) {
            if (done.scope().isAll()) {
                guardHolds.clear();
            } else {
                guardHolds.keySet().removeIf(k -> k.startsWith(scope + "|"));
            }
        }
        for (Plan.GuardVerdict v : done.heldBack()) {
            guardHolds.put(scope + "|" + v.kind() + "|" + v.site(),
                    new GuardHold(scope, v.kind().id(), v.site(), v.describe(), done.finishedAt()));
        }
    }

    /**
     * A run replaces what it read: a full run every robot, a project's run that project's robots (system robots
     * are read by full runs only). Robots on a site the run could not read keep their last entry.
     */
    private void recordSecrets(ReconcileFinished done) {
        if (done.scope().isArtifacts()) {
            return;
        }
        java.util.Set<String> unknown = done.unknownSites().keySet();
        secretsNotAligned.values().removeIf(s -> done.scope().covers(s.key())
                && s.sites().stream().noneMatch(unknown::contains));
        done.report().secretsNotAligned().forEach(s -> secretsNotAligned.put(s.key(), s));
    }

    /** The robot API set one secret and proved it on these sites: the robot is aligned there now. */
    synchronized void onAligned(@jakarta.enterprise.event.Observes io.harborsync.model.RobotSecretAligned aligned) {
        SyncReport.SecretNotAligned s = secretsNotAligned.get(aligned.robotKey());
        if (s == null) {
            return;
        }
        List<String> left = s.sites().stream().filter(site -> !aligned.robotIdBySite().containsKey(site)).toList();
        if (left.isEmpty()) {
            secretsNotAligned.remove(aligned.robotKey());
        } else {
            secretsNotAligned.put(s.key(), new SyncReport.SecretNotAligned(s.kind(), s.key(), s.robot(), left, s.reason()));
        }
    }

    /** Robots whose secret harbor-sync has not proven alike on every site that has them (never a secret). */
    public synchronized List<SyncReport.SecretNotAligned> secretsNotAligned() {
        return List.copyOf(secretsNotAligned.values());
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
