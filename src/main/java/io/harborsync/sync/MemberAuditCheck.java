package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.harborsync.store.ListingMark;
import io.harborsync.sync.Values.Value;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quick check's member part (issue 18), used by {@link QuickCheck}. Harbor releases after v2.15.2 write an audit
 * row for every member added, changed or removed ({@code create_member}, {@code update_member},
 * {@code delete_member}, resource type {@code member}, the project named in the description); a site says so in
 * {@code GET /auditlog-exts/events}. On such a site a project whose audit log shows no member row since the sites
 * last agreed on the project's members is not listed member by member: its members there are filed from the base.
 *
 * <p>A project's <em>mark</em> on a site ({@link ListingMark} under {@link #markKey}) is the highest audit-log id the
 * site showed at the start of the run in which the sites agreed on the project's members, the project's id there (a
 * project deleted and made again is another project), and which member rows of the project among the
 * {@link #OVERLAP} ids up to that one were already visible then. Each site is compared only with itself. Each site's
 * log is read once per run ({@link RunLogs}, shared by the parts of a reconcile of every project): its newest row,
 * then its member rows from the oldest mark on ({@code q=resource_type=member,id=[…~]}, pages of 100), then whether
 * the row of the oldest mark is still there; a later part whose oldest mark is older reads only the member rows below
 * those ({@code id=[…~…]}) and that mark's purge check. The newest id of the run's first read is every part's.
 * Harbor assigns ids at insert, so rows can become visible out of id order: the member rows of the last
 * {@link #OVERLAP} ids before a mark are read again, and those the mark does not list as seen count as changes.
 *
 * <p>The members are read, never filed from the base, whenever the site's Harbor does not list the member event types
 * (v2.15.2, or an account that gets an empty list), the log cannot be read or its listing is longer than
 * {@link #MAX_PAGES} pages, it shows no row (empty, purged, or an account without {@code audit-log:list}, which Harbor
 * answers with no rows), it no longer reaches back to the mark (purged since), a member row names no project, the
 * project has no mark there or another id, or the run is a verify pass; a log that one part of a run could not use is
 * not used, nor read again, by the run's later parts. A membership that changes without an audit row (a user deleted
 * with their memberships) is not seen by the shortcut: the verify pass reads every project's members and returns what a
 * trusted mark missed as a {@link QuickCheckMiss} of kind member.
 *
 * <p>{@code update_project} rows would save nothing: a project's values come from the project and quota listings of
 * every full read, which list every project anyway, so no per-project read is left to leave out.
 */
final class MemberAuditCheck {
    private static final Logger LOG = Logger.getLogger(MemberAuditCheck.class);

    /** The event types a Harbor lists when it logs every member change. */
    static final List<String> MEMBER_EVENTS = List.of("create_member", "update_member", "delete_member");
    /** How far out of id order rows may become visible (as the audit-log tail assumes). */
    static final int OVERLAP = 20;
    /** More member rows than this many pages since the oldest mark: the members are read instead. */
    static final int MAX_PAGES = 50;
    private static final String MARK_SUFFIX = "/:members";

    private final QuickCheckMode mode;
    private final MirroredKind memberKind;
    /** site -> what its audit log showed this run, as far as the scope needs; only the sites whose log can be used. */
    private final Map<String, SiteLog> logs;
    /** project -> site -> the mark kept. */
    private final Map<String, Map<String, Mark>> stored;
    private final BaseView view;
    /** The run's scope: its member records are the ones listed. */
    private final Scope scope;
    /** project -> site -> the project's id, for every site whose member read of the project was reached. */
    private final Map<String, Map<String, String>> read = new ConcurrentHashMap<>();
    /** "site|project" whose members this run filed from the base. */
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    /** "site|project" a verify pass would have trusted: compared with the base after the read. */
    private final Set<String> trustedInVerify = ConcurrentHashMap.newKeySet();

    private MemberAuditCheck(QuickCheckMode mode, MirroredKind memberKind, Map<String, SiteLog> logs,
                             Map<String, Map<String, Mark>> stored, BaseView view, Scope scope) {
        this.mode = mode;
        this.memberKind = memberKind;
        this.logs = logs;
        this.stored = stored;
        this.view = view;
        this.scope = scope;
    }

    static MemberAuditCheck off() {
        return new MemberAuditCheck(QuickCheckMode.OFF, null, Map.of(), Map.of(), null, Scope.ALL);
    }

    /** The listing-mark key of a project's member mark (no repository name holds a ':'). */
    static String markKey(String project) {
        return project + MARK_SUFFIX;
    }

    static boolean isMarkKey(String key) {
        return key.endsWith(MARK_SUFFIX);
    }

    /**
     * The member check of one run, or of one part of a run: the marks of the scope's projects, and each site's audit
     * log as far as they need it, read through the run's {@link RunLogs}.
     *
     * @param marks every listing mark of the scope (those of repositories are left alone)
     * @param runLogs what the run read of the sites' logs so far, shared by its parts (a fresh one for a run of one
     *                scope)
     */
    static MemberAuditCheck of(QuickCheckMode mode, Scope scope, KindRegistry kinds, Map<String, HarborClient> clients,
                               List<ListingMark> marks, BaseView view, RunLogs runLogs) {
        if (mode == QuickCheckMode.OFF || scope.isArtifacts()) {
            return off();
        }
        Map<String, Map<String, Mark>> stored = new HashMap<>();
        Map<String, Long> oldest = new HashMap<>();
        for (ListingMark m : marks) {
            if (!isMarkKey(m.key())) {
                continue;
            }
            Optional<Mark> mark = Mark.parse(m.mark());
            if (mark.isEmpty()) {
                continue; // not one this version wrote: as if there were none
            }
            String project = m.key().substring(0, m.key().length() - MARK_SUFFIX.length());
            stored.computeIfAbsent(project, p -> new HashMap<>()).put(m.site(), mark.get());
            oldest.merge(m.site(), mark.get().auditId(), Math::min);
        }
        MirroredKind memberKind = kinds.of(Kind.MEMBER);
        Map<String, SiteLog> logs = new HashMap<>();
        clients.forEach((site, client) -> runLogs.log(site, client, Optional.ofNullable(oldest.get(site)), memberKind)
                .ifPresent(log -> logs.put(site, log)));
        return new MemberAuditCheck(mode, memberKind, logs, stored, view, scope);
    }

    /** Whether a Harbor listing these event types logs every member change. */
    static boolean logsMembers(Optional<List<String>> eventTypes) {
        return eventTypes.isPresent() && eventTypes.get().containsAll(MEMBER_EVENTS);
    }

    /**
     * What one run read of each site's audit log, shared by the parts of a reconcile of every project (made once per
     * run, handed to each part's {@link #of}): the first part that asks reads the site's newest row, its member rows
     * from the part's oldest mark on, and whether that mark's row is still there; a later part reads only the member
     * rows below what was read that its own oldest mark needs, and the purge check of that mark when no mark as old
     * was checked yet. The newest id of the first read stays the run's for every part: the marks a later part keeps
     * are that id, so a member row written since is seen by the next run. A site whose log could not be used by one
     * part is not used, nor read again, by the later parts of the run.
     *
     * <p>Parts run one after another and read the log before their own reads start; {@link #log} is synchronized
     * anyway, and the rows a part was given are only ever added to (below what it needed), never changed.
     */
    static final class RunLogs {
        /** site -> what the run read of its log so far. */
        private final Map<String, LogRead> sites = new HashMap<>();

        /** The site's log as far as a scope whose oldest mark there is this needs it; empty when not usable. */
        synchronized Optional<SiteLog> log(String site, HarborClient client, Optional<Long> oldestMark,
                                           MirroredKind memberKind) {
            LogRead r = sites.get(site);
            if (r == null) {
                r = LogRead.start(site, client);
                sites.put(site, r);
            }
            if (r.usable && !r.reachBack(site, client, oldestMark, memberKind)) {
                r.usable = false;
            }
            return r.usable ? Optional.of(new SiteLog(r.newest, r.rows)) : Optional.empty();
        }
    }

    /** What a run read of one site's log: guarded by its {@link RunLogs}. */
    private static final class LogRead {
        boolean usable;
        /** The newest id when the run first read the log. */
        long newest;
        /** The lowest id from which the member rows were read (up to the end of the log then); none read yet: max. */
        long from = Long.MAX_VALUE;
        /** The lowest mark whose row was still there after the member rows since it were read; none yet: max. */
        long checked = Long.MAX_VALUE;
        /** Pages of member rows read, against {@link #MAX_PAGES}. */
        int pages;
        /** project -> the ids of its member rows read (each list replaced whole when rows are added). */
        final Map<String, List<Long>> rows = new ConcurrentHashMap<>();

        /** The run's first look at the site's log: whether it logs members, and its newest row. */
        static LogRead start(String site, HarborClient client) {
            LogRead r = new LogRead();
            if (!logsMembers(client.auditEventTypes())) {
                return r; // v2.15.2 writes no member rows
            }
            try {
                Optional<AuditLogExt> newestRow = client.auditLogs().newest();
                if (newestRow.isEmpty() || newestRow.get().id() == null) {
                    LOG.debugf("member quick check: the audit log of %s shows no row (empty, purged, or not listable by"
                            + " this account): members read", site);
                    return r;
                }
                r.newest = newestRow.get().id();
                r.usable = true;
            } catch (HarborException e) {
                LOG.debugf("member quick check: the audit log of %s not readable this time: %s", site, e.getMessage());
            }
            return r;
        }

        /**
         * Reads what a scope whose oldest mark on the site is this needs beyond what was read: the member rows from
         * the mark on (or the last {@link #OVERLAP} ids when there is none) below {@link #from}, then whether the
         * mark's row is still there; false when the log cannot be used.
         */
        boolean reachBack(String site, HarborClient client, Optional<Long> oldestMark, MirroredKind memberKind) {
            if (oldestMark.isPresent() && oldestMark.get() > newest) {
                LOG.infof("member quick check: the audit log of %s ends before the marks kept (a restored Harbor?):"
                        + " members read", site);
                return false;
            }
            long want = Math.max(1, oldestMark.orElse(newest) - OVERLAP + 1);
            try {
                if (want < from) {
                    Map<String, List<Long>> read = new HashMap<>();
                    long next = want;
                    while (true) {
                        if (pages == MAX_PAGES) {
                            LOG.infof("member quick check: more than %d member audit rows on %s since the oldest"
                                    + " mark: members read", MAX_PAGES * 100, site);
                            return false;
                        }
                        // the first read to the end of the log, a later one up to what was read
                        List<AuditLogExt> page = from == Long.MAX_VALUE
                                ? client.auditLogs().since("member", next, 100)
                                : client.auditLogs().between("member", next, from - 1, 100);
                        pages++;
                        for (AuditLogExt row : page) {
                            if (row.id() == null) {
                                return false;
                            }
                            Optional<String> project = memberKind.projectHintedBy(row);
                            if (project.isEmpty()) {
                                LOG.infof("member quick check: a member audit row on %s names no project (%s):"
                                        + " members read", site, row.operationDescription());
                                return false;
                            }
                            read.computeIfAbsent(project.get(), p -> new ArrayList<>()).add(row.id());
                            next = Math.max(next, row.id() + 1);
                        }
                        if (page.size() < 100) {
                            break;
                        }
                    }
                    read.forEach((project, ids) -> rows.merge(project, List.copyOf(ids), (had, more) -> {
                        List<Long> all = new ArrayList<>(had);
                        all.addAll(more);
                        return List.copyOf(all);
                    }));
                    from = want;
                }
                if (oldestMark.isPresent() && oldestMark.get() < checked) {
                    // after the member rows: a purge deletes the oldest rows first, so while the oldest mark's row
                    // is still there, every member row read since it is too
                    List<AuditLogExt> first = client.auditLogs().since(oldestMark.get(), 1);
                    if (first.isEmpty() || !oldestMark.get().equals(first.get(0).id())) {
                        LOG.infof("member quick check: the audit log of %s no longer reaches back to id %d (purged):"
                                + " members read", site, oldestMark.get());
                        return false;
                    }
                    checked = oldestMark.get();
                }
                return true;
            } catch (HarborException e) {
                LOG.debugf("member quick check: the audit log of %s not readable this time: %s", site, e.getMessage());
                return false;
            }
        }
    }

    /**
     * Records that the site's member read of the project was reached, and gives its members from the base when they
     * may be taken from there (not in a verify pass, which only notes that it would have).
     *
     * @param projectId the project's id on the site
     */
    Optional<Map<Kind, Map<String, Value>>> unchanged(String site, String project, String projectId) {
        if (mode == QuickCheckMode.OFF) {
            return Optional.empty();
        }
        read.computeIfAbsent(project, p -> new ConcurrentHashMap<>()).put(site, projectId);
        SiteLog log = logs.get(site);
        Mark mark = stored.getOrDefault(project, Map.of()).get(site);
        if (log == null || mark == null || !mark.projectId().equals(projectId) || log.changedSince(project, mark)) {
            return Optional.empty();
        }
        if (mode == QuickCheckMode.VERIFY) {
            trustedInVerify.add(site + "|" + project);
            return Optional.empty();
        }
        taken.add(site + "|" + project);
        return Optional.of(Map.of(Kind.MEMBER, fromBase(site, project)));
    }

    /** The members the base holds for the project on the site. */
    private Map<String, Value> fromBase(String site, String project) {
        return view.onSite(Kind.MEMBER, scope, Keys.childPrefix(project), site);
    }

    /** How many site-and-project pairs this run filed from the base instead of listing their members. */
    int taken() {
        return taken.size();
    }

    /** In a verify pass: where the log showed no member change, what the site listed that the base did not say. */
    List<QuickCheckMiss> misses(LiveState live) {
        List<QuickCheckMiss> out = new ArrayList<>();
        for (String siteProject : new TreeSet<>(trustedInVerify)) {
            int bar = siteProject.indexOf('|');
            String site = siteProject.substring(0, bar);
            String project = siteProject.substring(bar + 1);
            if (live.unknownSites.containsKey(site)
                    || live.unknownChildren.getOrDefault(site, Set.of()).contains(project)) {
                continue;
            }
            int differing = QuickCheckMiss.differing(fromBase(site, project),
                    live.onSite(Kind.MEMBER, Keys.childPrefix(project), site));
            if (differing > 0) {
                LOG.warnf("quick check: the verify pass found %d member change(s) in project %s on %s that the"
                        + " site's audit log did not show (e.g. a user deleted with their memberships)",
                        differing, project, site);
                out.add(new QuickCheckMiss(site, Kind.MEMBER, project, differing));
            }
        }
        return out;
    }

    /**
     * The member marks to keep and forget after the run: a project whose members were read (or filed) on every site
     * and agreed, nothing unknown, keeps a new mark on each site whose log was read; a project whose members differed,
     * or that is gone, forgets its marks (as does one agreed while a site that had a mark could not read its log).
     *
     * @param puts   where the marks to put are added
     * @param forget where the listing-mark keys to forget are added
     */
    void settle(Plan plan, LiveState live, List<String> sites, List<ListingMark> puts, Set<String> forget) {
        if (mode == QuickCheckMode.OFF) {
            return;
        }
        Set<String> differing = new HashSet<>();
        for (Decision d : plan.decisions()) {
            if (d.kind().equals(Kind.MEMBER) && d.kase() != Decision.Case.IN_SYNC
                    && d.kase() != Decision.Case.DELETED_EVERYWHERE) {
                differing.add(Keys.projectOf(d.key()));
            }
        }
        boolean allKnown = live.unknownSites.isEmpty();
        read.forEach((project, bySite) -> {
            Map<String, Mark> kept = stored.getOrDefault(project, Map.of());
            boolean agreed = bySite.keySet().containsAll(sites) && !differing.contains(project) && allKnown
                    && !live.contentUnknown(project);
            if (!agreed || kept.keySet().stream().anyMatch(site -> !logs.containsKey(site))) {
                if (!kept.isEmpty()) {
                    forget.add(markKey(project));
                }
                if (!agreed) {
                    return;
                }
                kept = Map.of(); // forgotten first: put again below
            }
            for (Map.Entry<String, String> e : bySite.entrySet()) {
                SiteLog log = logs.get(e.getKey());
                if (log == null) {
                    continue;
                }
                Mark mark = log.markFor(project, e.getValue());
                if (!mark.equals(kept.get(e.getKey()))) {
                    puts.add(new ListingMark(e.getKey(), markKey(project), mark.format()));
                }
            }
        });
        if (allKnown) {
            for (String project : stored.keySet()) {
                if (!read.containsKey(project) && !live.contentUnknown(project)) {
                    forget.add(markKey(project)); // its members were read on no site: the project is gone
                }
            }
        }
    }

    /**
     * A project's member mark on a site: the newest audit id then, the project's id, and the distances below that id
     * of the project's member rows already visible within {@link #OVERLAP} ids of it.
     */
    record Mark(long auditId, String projectId, Set<Integer> seen) {
        /** "audit id|project id|distance,distance,…" */
        String format() {
            StringBuilder b = new StringBuilder().append(auditId).append('|').append(projectId).append('|');
            String sep = "";
            for (int d : new TreeSet<>(seen)) {
                b.append(sep).append(d);
                sep = ",";
            }
            return b.toString();
        }

        static Optional<Mark> parse(String s) {
            String[] parts = s.split("\\|", -1);
            if (parts.length != 3) {
                return Optional.empty();
            }
            try {
                Set<Integer> seen = new TreeSet<>();
                if (!parts[2].isEmpty()) {
                    for (String d : parts[2].split(",")) {
                        seen.add(Integer.parseInt(d));
                    }
                }
                return Optional.of(new Mark(Long.parseLong(parts[0]), parts[1], Set.copyOf(seen)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * A site's audit log as the run read it: the newest id at its first read, and the member row ids per project (from
     * as far back as the scope's oldest mark needs).
     */
    record SiteLog(long newest, Map<String, List<Long>> memberRows) {
        /** Whether the log shows a member row of the project that the mark has not seen. */
        boolean changedSince(String project, Mark mark) {
            for (long id : memberRows.getOrDefault(project, List.of())) {
                if (id > mark.auditId()) {
                    return true;
                }
                if (id > mark.auditId() - OVERLAP && !mark.seen().contains((int) (mark.auditId() - id))) {
                    return true; // became visible after the mark was taken (ids are assigned at insert)
                }
            }
            return false;
        }

        Mark markFor(String project, String projectId) {
            Set<Integer> seen = new TreeSet<>();
            for (long id : memberRows.getOrDefault(project, List.of())) {
                if (id <= newest && id > newest - OVERLAP) {
                    seen.add((int) (newest - id));
                }
            }
            return new Mark(newest, projectId, Set.copyOf(seen));
        }
    }
}
