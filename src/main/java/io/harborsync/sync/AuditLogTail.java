package io.harborsync.sync;

import io.harborsync.config.Site;
import io.harborsync.config.Sites;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.store.CursorStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows each site's audit log (/auditlog-exts) from a persisted cursor for changes that send no
 * webhook: project create/delete, repository delete, tag create/delete, and member or project
 * updates on Harbors newer than v2.15 that log them. The log is a hint only (it can be off or
 * purged): the named projects are reconciled, and the periodic reconcile catches the rest. Rows that
 * the daemon's own writes left (recorded in {@link OwnWrites}) are skipped.
 */
@ApplicationScoped
public class AuditLogTail {
    private static final Logger LOG = Logger.getLogger(AuditLogTail.class);
    /** Rows become visible out of id order (api-notes §3): re-read this many ids behind the cursor. */
    static final int OVERLAP = 20;
    private static final Pattern IN_PROJECT = Pattern.compile("in project ([a-z0-9._-]+)");

    @Inject
    Sites sites;
    @Inject
    CursorStore cursors;
    @Inject
    SyncService sync;
    @Inject
    OwnWrites ownWrites;

    private final Deque<Long> seen = new ArrayDeque<>();
    private final Set<Long> seenSet = new HashSet<>();

    @Scheduled(every = "${harbor-sync.audit.interval}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        poll();
    }

    /** Reads every site's new audit rows and reconciles the projects they name; returns those projects. */
    public synchronized Set<String> poll() {
        Set<String> projects = new TreeSet<>();
        for (Site site : sites.all()) {
            try {
                projects.addAll(pollSite(site, sites.client(site.name())));
            } catch (HarborException e) {
                LOG.debugf("audit log of %s not readable this time: %s", site.name(), e.getMessage());
            }
        }
        for (String p : projects) {
            sync.run(Scope.project(p), false, false);
        }
        return projects;
    }

    private Set<String> pollSite(Site site, HarborClient client) {
        Set<String> projects = new TreeSet<>();
        OptionalLong cursor = cursors.get(site.name());
        long from = cursor.isPresent() ? Math.max(1, cursor.getAsLong() - OVERLAP + 1) : 1;
        long last = cursor.orElse(0);
        ownWrites.auditReadStarted(site.name());
        while (true) {
            List<AuditLogExt> rows = client.auditLogs().since(from, 100);
            for (AuditLogExt row : rows) {
                last = Math.max(last, row.id());
                if (!markSeen(site.name(), row.id()) || cursor.isEmpty()) {
                    continue; // already handled, or history before our first look (the full reconcile covers it)
                }
                if (isOwn(site, row)) {
                    continue; // the trace of a write the daemon just made
                }
                projectOf(row).ifPresent(projects::add);
            }
            if (rows.size() < 100) {
                break;
            }
            from = rows.get(rows.size() - 1).id() + 1;
        }
        cursors.set(site.name(), last);
        ownWrites.auditReadCompleted(site.name());
        return projects;
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

    private boolean markSeen(String site, long id) {
        long key = ((long) site.hashCode() << 40) ^ id;
        if (!seenSet.add(key)) {
            return false;
        }
        seen.addLast(key);
        if (seen.size() > 10_000) {
            seenSet.remove(seen.removeFirst());
        }
        return true;
    }

    static java.util.Optional<String> projectOf(AuditLogExt row) {
        String type = row.resourceType() == null ? "" : row.resourceType();
        String resource = row.resource() == null ? "" : row.resource();
        switch (type) {
            case "project":
                return java.util.Optional.of(resource);
            case "repository", "artifact", "tag": {
                int cut = resource.indexOf('/');
                return cut > 0 ? java.util.Optional.of(resource.substring(0, cut)) : java.util.Optional.empty();
            }
            case "member": {
                Matcher m = IN_PROJECT.matcher(row.operationDescription() == null ? "" : row.operationDescription());
                return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
            }
            default:
                return java.util.Optional.empty();
        }
    }
}
