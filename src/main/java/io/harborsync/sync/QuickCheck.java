package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.model.Kind;
import io.harborsync.model.Keys;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read only what changed, as rsync's quick check does (issue 18). Since v2.15 Harbor moves a repository's
 * {@code update_time} on every artifact push and delete and every tag create and delete (and on pulls), and lists it
 * with {@code artifact_count}. Both together are a repository's <em>mark</em> on a site. When a run finds every site
 * agreeing on everything under a repository, it keeps each site's mark ({@link ListingMark}, with the base). A later
 * run whose listing shows a site the same mark again takes what is under the repository there from the base instead
 * of listing its artifacts. Each site is compared only with what the same site said before: never across sites,
 * never as clock order; a site on an older Harbor, or whose version is unknown, is always listed.
 *
 * <p>What does not move the mark is not seen by the shortcut: labels attached to or taken off an artifact
 * (Harbor leaves the repository's update_time alone). The verify pass ({@link QuickCheckMode#VERIFY}, on its own longer
 * interval) reads everything and counts what a shortcut would have missed ({@link QuickCheckMiss}).
 */
final class QuickCheck implements LiveState.Shortcut {
    private static final Logger LOG = Logger.getLogger(QuickCheck.class);

    /** The first Harbor whose repositories' update_time follows every artifact and tag change. */
    static final int[] FIRST_VERSION = {2, 15};
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)");

    private final QuickCheckMode mode;
    /** The kinds under a marked key, whose keys start with the key and '@' (artifacts, their labels). */
    private final List<Kind> under;
    private final Set<String> sitesOn;
    /** key -> site -> the mark kept with the base. */
    private final Map<String, Map<String, String>> stored = new HashMap<>();
    private final BaseView view;
    /** The run's scope: its marks and base records are the ones listed. */
    private final Scope scope;
    /** key -> site -> the mark this run's listing showed. */
    private final Map<String, Map<String, String>> read = new ConcurrentHashMap<>();
    /** "site|key" whose content this run took from the base. */
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    /** "site|key" whose mark was unchanged in a verify pass: compared with the base after the read. */
    private final Set<String> trustedInVerify = ConcurrentHashMap.newKeySet();

    /** The member part: projects whose site's audit log shows no member change (issue 18). */
    private final MemberAuditCheck members;

    private QuickCheck(QuickCheckMode mode, List<Kind> under, Set<String> sitesOn, BaseView view, Scope scope,
                       MemberAuditCheck members) {
        this.members = members;
        this.mode = mode;
        this.under = under;
        this.sitesOn = sitesOn;
        this.view = view;
        this.scope = scope;
    }

    /** No shortcut, nothing kept. */
    static QuickCheck off() {
        return new QuickCheck(QuickCheckMode.OFF, List.of(), Set.of(), null, Scope.ALL, MemberAuditCheck.off());
    }

    /**
     * The quick check of one run: the marks of the scope's keys listed once, and the sites whose Harbor moves the
     * mark with every change (asked once per site; a site that cannot say is listed in full).
     *
     * @param paused kinds not read this run: when one of them lives under a marked key, nothing is taken from the
     *               base (its keys would come back from a base that never saw them) and no mark is kept
     * @param memberAudit whether the member part ({@link MemberAuditCheck}) may leave out member listings where a
     *                    site's audit log shows no member change (harbor-sync.reconcile.quick-check-audit)
     * @param runLogs what the run read of the sites' audit logs so far, shared by the parts of a reconcile of every
     *                project so that each site's log is read once per run (a fresh one for a run of one scope)
     */
    static QuickCheck of(QuickCheckMode mode, Scope scope, KindRegistry kinds, Map<String, HarborClient> clients,
                         io.harborsync.store.BaseStore base, BaseView view, Set<Kind> paused, boolean memberAudit,
                         MemberAuditCheck.RunLogs runLogs) {
        List<Kind> under = kinds.below(Kind.REPOSITORY);
        if (mode == QuickCheckMode.OFF || scope.isArtifacts()) {
            return off();
        }
        List<ListingMark> marks = scope.isPart()
                ? base.marks(scope.partProjects().stream().map(Keys::childPrefix).toList())
                : base.marks(scope.project().map(Keys::childPrefix).orElse(""));
        MemberAuditCheck members = memberAudit && !paused.contains(Kind.MEMBER)
                ? MemberAuditCheck.of(mode, scope, kinds, clients, marks, view, runLogs) : MemberAuditCheck.off();
        if (under.stream().anyMatch(paused::contains)) {
            return new QuickCheck(QuickCheckMode.OFF, List.of(), Set.of(), null, scope, members);
        }
        Set<String> on = new TreeSet<>();
        clients.forEach((site, client) -> {
            if (supports(client.harborVersion())) {
                on.add(site);
            }
        });
        QuickCheck q = new QuickCheck(mode, under, on, view, scope, members);
        for (ListingMark m : marks) {
            if (MemberAuditCheck.isMarkKey(m.key())) {
                continue; // the member part's
            }
            q.stored.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.site(), m.mark());
        }
        return q;
    }

    /** Whether a Harbor of this version (as /systeminfo says it, e.g. "v2.15.2-1a2b3c") moves the marks. */
    static boolean supports(Optional<String> harborVersion) {
        if (harborVersion.isEmpty()) {
            return false;
        }
        Matcher m = VERSION.matcher(harborVersion.get());
        if (!m.lookingAt()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > FIRST_VERSION[0] || major == FIRST_VERSION[0] && minor >= FIRST_VERSION[1];
    }

    /**
     * Records what the site's listing showed of the key, and gives what is under it from the base when it may be
     * taken from there: the site's Harbor moves marks, this is not a verify pass, and the site showed this very mark
     * when the sites last agreed.
     */
    @Override
    public Optional<Map<Kind, Map<String, Value>>> unchanged(String site, Kind kind, String key, String mark) {
        if (kind.equals(Kind.MEMBER)) {
            return members.unchanged(site, key, mark); // key: the project, mark: its id on the site
        }
        if (mode == QuickCheckMode.OFF || !kind.equals(Kind.REPOSITORY)) {
            return Optional.empty();
        }
        read.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(site, mark);
        boolean same = sitesOn.contains(site) && mark.equals(stored.getOrDefault(key, Map.of()).get(site));
        if (!same) {
            return Optional.empty();
        }
        if (mode == QuickCheckMode.VERIFY) {
            trustedInVerify.add(site + "|" + key);
            return Optional.empty();
        }
        taken.add(site + "|" + key);
        return Optional.of(fromBase(site, key));
    }

    /** What the base holds under the key on the site, per kind under it: what an unchanged site holds there. */
    Map<Kind, Map<String, Value>> fromBase(String site, String key) {
        Map<Kind, Map<String, Value>> out = new HashMap<>();
        for (Kind k : under) {
            out.put(k, view.onSite(k, scope, key + "@", site));
        }
        return out;
    }

    /** How many site-and-repository pairs this run took from the base instead of listing their artifacts. */
    int taken() {
        return taken.size();
    }

    /** How many site-and-project pairs this run took from the base instead of listing their members. */
    int membersTaken() {
        return members.taken();
    }

    /**
     * In a verify pass: where a mark was unchanged, compares what the site listed under the key with the base, and
     * logs and returns every difference the shortcut would have missed.
     */
    List<QuickCheckMiss> misses(LiveState live) {
        List<QuickCheckMiss> out = new ArrayList<>(members.misses(live));
        for (String siteKey : new TreeSet<>(trustedInVerify)) {
            int bar = siteKey.indexOf('|');
            String site = siteKey.substring(0, bar);
            String key = siteKey.substring(bar + 1);
            if (live.unknownSites.containsKey(site)
                    || live.unknownChildren.getOrDefault(site, Set.of()).contains(Keys.projectOf(key))) {
                continue;
            }
            Map<Kind, Map<String, Value>> expected = fromBase(site, key);
            int differing = 0;
            for (Kind k : under) {
                differing += QuickCheckMiss.differing(expected.getOrDefault(k, Map.of()), live.onSite(k, key + "@", site));
            }
            if (differing > 0) {
                LOG.warnf("quick check: the verify pass found %d change(s) under %s on %s that the repository's"
                        + " update_time and artifact_count did not show (e.g. a label attached to an artifact)",
                        differing, key, site);
                out.add(new QuickCheckMiss(site, Kind.REPOSITORY, key, differing));
            }
        }
        return out;
    }

    /**
     * The marks to keep and to forget after the run: a key read on every site and agreed (its own decision and every
     * decision under it in sync, nothing unknown) keeps each site's mark; a key whose content differed, or a kept
     * key that is gone, forgets them. Nothing for a run that did not use marks.
     */
    Marks settle(Plan plan, LiveState live, List<String> sites) {
        if (mode == QuickCheckMode.OFF) {
            List<ListingMark> memberPuts = new ArrayList<>();
            Set<String> memberForget = new TreeSet<>();
            members.settle(plan, live, sites, memberPuts, memberForget);
            return new Marks(memberPuts, memberForget);
        }
        Set<String> differing = new HashSet<>();
        for (Decision d : plan.decisions()) {
            boolean mine = d.kind().equals(Kind.REPOSITORY) || under.contains(d.kind());
            if (mine && d.kase() != Decision.Case.IN_SYNC && d.kase() != Decision.Case.DELETED_EVERYWHERE) {
                int at = d.key().indexOf('@');
                differing.add(at < 0 ? d.key() : d.key().substring(0, at));
            }
        }
        boolean allKnown = live.unknownSites.isEmpty();
        List<ListingMark> puts = new ArrayList<>();
        Set<String> forget = new TreeSet<>();
        read.forEach((key, bySite) -> {
            boolean agreed = bySite.keySet().containsAll(sites) && !differing.contains(key) && allKnown
                    && !live.contentUnknown(Keys.projectOf(key));
            if (!agreed) {
                if (stored.containsKey(key)) {
                    forget.add(key);
                }
                return;
            }
            Map<String, String> kept = stored.getOrDefault(key, Map.of());
            bySite.forEach((site, mark) -> {
                if (!mark.equals(kept.get(site))) {
                    puts.add(new ListingMark(site, key, mark));
                }
            });
        });
        if (allKnown) {
            for (String key : stored.keySet()) {
                if (!read.containsKey(key) && !live.contentUnknown(Keys.projectOf(key))) {
                    forget.add(key); // no longer listed on a site that was read: deleted, or its project is
                }
            }
        }
        members.settle(plan, live, sites, puts, forget);
        return new Marks(puts, forget);
    }

    /** What a run moves the marks by. */
    record Marks(List<ListingMark> puts, Set<String> forget) {
    }
}
