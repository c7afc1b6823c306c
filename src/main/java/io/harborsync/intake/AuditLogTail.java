package io.harborsync.intake;

import io.harborsync.sync.OwnWrites;
import io.harborsync.sync.MirroredKind;
import io.harborsync.sync.KindRegistry;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.store.CursorStore;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Follows each site's audit log (/auditlog-exts) from a persisted cursor for changes that send no
 * webhook: project create/delete, repository delete, tag create/delete, and member or project
 * updates on Harbors newer than v2.15 that log them. The log is a hint only (it can be off or
 * purged): the named projects are reconciled, and the periodic reconcile catches the rest. Rows that
 * the daemon's own writes left (recorded in {@link OwnWrites}) are skipped. The hints go to the inbox in the
 * transaction that advances the cursor ({@link EventInbox#addWithCursor}), and the {@link EventWorker} works them
 * off like webhook events: a crash between reading and reconciling loses nothing.
 */
@ApplicationScoped
public class AuditLogTail {
    private static final Logger LOG = Logger.getLogger(AuditLogTail.class);
    /** Rows become visible out of id order (api-notes §3): re-read this many ids behind the cursor. */
    static final int OVERLAP = 20;

    @Inject
    Sites sites;
    @Inject
    CursorStore cursors;
    @Inject
    OwnWrites ownWrites;
    @Inject
    EventInbox inbox;
    @Inject
    EventWorker worker;
    /** Where the sites' logs are read side by side: the daemon's one executor for site reads. */
    @Inject
    io.harborsync.sync.EngineExecutor executor;
    /** Only the leader tails (its cursor is in the shared store). */
    @Inject
    io.harborsync.ha.Leadership leadership;

    private final Deque<Long> seen = new ArrayDeque<>();
    private final Set<Long> seenSet = new HashSet<>();

    @Inject
    io.harborsync.config.HarborSyncConfig config;

    /** The tail's own timer: Quarkus' scheduler looks at its triggers once a second, too seldom for a fast poll. */
    private java.util.concurrent.ScheduledExecutorService timer;

    /**
     * Starts the tail at {@code harbor-sync.audit.interval} (3 s after the start), unless it is off or this is a
     * one-shot command. A poll that runs longer than the period skips the starts it overran, as
     * {@code @Scheduled}'s SKIP would, instead of running several back to back.
     */
    void onStart(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(20) io.quarkus.runtime.StartupEvent ev) {
        java.util.Optional<java.time.Duration> every = io.harborsync.config.ConfigCheck.period(config.audit().interval());
        if (!config.daemon().enabled() || every.isEmpty()) {
            return;
        }
        long periodNanos = every.get().toNanos();
        timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "harbor-sync-audit-tail");
            t.setDaemon(true);
            return t;
        });
        long first = System.nanoTime() + java.time.Duration.ofSeconds(3).toNanos();
        timer.schedule(() -> tick(first, periodNanos), first - System.nanoTime(),
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** When the poll due at {@code due} that ended at {@code now} is followed: the next start not yet passed. */
    static long nextStart(long due, long now, long periodNanos) {
        long next = due + periodNanos;
        return next > now ? next : now + periodNanos - (now - due) % periodNanos;
    }

    private void tick(long due, long periodNanos) {
        try {
            pollIfLeader();
        } catch (RuntimeException e) {
            LOG.warnf("audit-log poll failed, tried again at the next: %s", e.getMessage());
        } finally {
            long now = System.nanoTime();
            long next = nextStart(due, now, periodNanos);
            try {
                timer.schedule(() -> tick(next, periodNanos), next - now, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shut down meanwhile: no next poll
            }
        }
    }

    private void pollIfLeader() {
        if (!leadership.isLeader()) {
            return;
        }
        poll();
    }

    /**
     * Reads every site's new audit rows, stores the projects they name as inbox events together with the site's
     * cursor (one transaction per site), then has the event worker reconcile them; returns those projects.
     */
    public synchronized Set<String> poll() {
        Set<String> projects = new TreeSet<>();
        // the sites side by side, on the engine's executor as every site read: a deletion on one is not held up by
        // the other's audit page (figure 4b)
        List<java.util.concurrent.CompletableFuture<Set<String>>> polls = sites.all().stream()
                .map(site -> java.util.concurrent.CompletableFuture.supplyAsync(() -> pollOne(site), executor))
                .toList();
        for (java.util.concurrent.CompletableFuture<Set<String>> f : polls) {
            try {
                projects.addAll(f.join());
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        if (!projects.isEmpty()) {
            worker.drain(); // the hints are work like webhook events: at least once, retried, dead letters
        }
        return projects;
    }

    private Set<String> pollOne(Site site) {
        try {
            return pollSite(site, sites.client(site.name()));
        } catch (HarborException e) {
            LOG.debugf("audit log of %s not readable this time: %s", site.name(), e.getMessage());
        } catch (io.harborsync.store.StoreException e) {
            // nothing stored, the cursor stays: the next poll reads the same rows again
            LOG.warnf("audit-log hints of %s not stored, read again at the next poll: %s", site.name(),
                    e.getMessage());
        }
        return Set.of();
    }

    /**
     * Reads one site's rows since its cursor and commits the hints with the new cursor (both or neither). Rows
     * count as handled only once that commit succeeded, so a failed commit leaves them to the next poll.
     */
    Set<String> pollSite(Site site, HarborClient client) {
        Map<String, AuditLogExt> latestByProject = new java.util.TreeMap<>();
        Map<String, InboxEvent> deletions = new java.util.LinkedHashMap<>();
        Set<Long> newRows = new java.util.LinkedHashSet<>();
        OptionalLong cursor = cursors.get(site.name());
        long from = cursor.isPresent() ? Math.max(1, cursor.getAsLong() - OVERLAP + 1) : 1;
        long last = cursor.orElse(0);
        ownWrites.auditReadStarted(site.name());
        while (true) {
            List<AuditLogExt> rows = client.auditLogs().since(from, 100);
            for (AuditLogExt row : rows) {
                last = Math.max(last, row.id());
                if (isSeen(site.name(), row.id()) || !newRows.add(row.id())) {
                    continue; // already handled
                }
                if (cursor.isEmpty()) {
                    continue; // history before our first look (the full reconcile covers it)
                }
                if (isOwn(site, row)) {
                    // the trace of a write the daemon just made (consumed now: should the commit below fail, the
                    // row is read again as someone's change, which costs one reconcile that writes nothing)
                    continue;
                }
                java.util.Optional<InboxEvent> deletion = deletionOf(site.name(), row);
                if (deletion.isPresent()) {
                    InboxEvent d = deletion.get();
                    deletions.put(io.harborsync.model.Keys.artifact(d.project(), d.repository(), d.digest()), d);
                    continue;
                }
                projectOf(row).ifPresent(p -> latestByProject.merge(p, row, (a, b) -> b.id() > a.id() ? b : a));
            }
            if (rows.size() < 100) {
                break;
            }
            from = rows.get(rows.size() - 1).id() + 1;
        }
        List<InboxEvent> hints = new java.util.ArrayList<>();
        latestByProject.forEach((project, row) -> hints.add(InboxEvent.auditHint(site.name(), project, row.username(),
                time(row.opTime()))));
        hints.addAll(deletions.values());
        long upTo = last;
        worker.storeFromAuditLog(() -> inbox.addWithCursor(hints, site.name(), upTo), latestByProject.size(),
                hints.size());
        newRows.forEach(id -> markSeen(site.name(), id));
        ownWrites.auditReadCompleted(site.name());
        Set<String> named = new TreeSet<>(latestByProject.keySet());
        deletions.values().forEach(d -> named.add(d.project()));
        return named;
    }

    /**
     * A row the journal of the daemon's writes expects (same site, resource and operation; consumed). The account
     * alone says nothing: people may use the daemon's account too. A row by another account is never ours.
     */
    private boolean isOwn(Site site, AuditLogExt row) {
        if (row.username() == null || !row.username().equalsIgnoreCase(site.username())) {
            return false;
        }
        return OwnWrites.of(site.name(), row).map(ownWrites::consumeAudit).orElse(false);
    }

    private boolean isSeen(String site, long id) {
        synchronized (seen) { // the sites are polled side by side
            return seenSet.contains(seenKey(site, id));
        }
    }

    private static long seenKey(String site, long id) {
        return ((long) site.hashCode() << 40) ^ id;
    }

    private boolean markSeen(String site, long id) {
        long key = seenKey(site, id);
        synchronized (seen) {
            if (!seenSet.add(key)) {
                return false;
            }
            seen.addLast(key);
            if (seen.size() > 10_000) {
                seenSet.remove(seen.removeFirst());
            }
            return true;
        }
    }

    /** The row's time where Harbor gave a readable one (informational only). */
    private static java.time.Instant time(String opTime) {
        try {
            return opTime == null ? null : java.time.OffsetDateTime.parse(opTime).toInstant();
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /**
     * An artifact deleted by someone ({@code delete artifact}, resource {@code project/repo@sha256:…}, as real Harbor
     * writes it, observations §10): the same per-artifact work as its DELETE_ARTIFACT webhook, which Harbor delivers
     * about 2 s later. With a short {@code harbor-sync.audit.interval} (e.g. 0.25s) the tail starts that reconcile
     * first; the worker then takes the webhook for the same deletion as done.
     */
    static java.util.Optional<InboxEvent> deletionOf(String site, AuditLogExt row) {
        if (!"artifact".equals(row.resourceType()) || !"delete".equals(row.operation()) || row.resource() == null) {
            return java.util.Optional.empty();
        }
        String resource = row.resource();
        int slash = resource.indexOf('/');
        int at = resource.indexOf("@sha256:");
        if (slash <= 0 || at <= slash + 1) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(InboxEvent.auditDeletion(site, resource.substring(0, slash),
                resource.substring(slash + 1, at), resource.substring(at + 1), row.username(), time(row.opTime())));
    }

    /** The project a row names, as the kind it is about reads it. */
    static java.util.Optional<String> projectOf(AuditLogExt row) {
        for (MirroredKind k : KindRegistry.standard().all()) {
            java.util.Optional<String> p = k.projectHintedBy(row);
            if (p.isPresent()) {
                return p;
            }
        }
        return java.util.Optional.empty();
    }
}
