package io.harborsync.bench;

import io.harborsync.emulator.HarborEmulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The benchmark's dataset: P projects, each with M members (the owner, admin, included, as Harbor lists it),
 * R repositories of A artifacts; identical on both sites. Also the drift applied to h1 and the lower bound of
 * requests a reconcile needs, computed from the counts each site holds.
 */
final class Dataset {
    static final int PAGE = 100; // Harbor's largest page size
    static final int[] ROLES = {2, 3, 4}; // developer, guest, maintainer: never projectAdmin, the owner's role

    final int projects;
    final int members;
    final int repos;
    final int artifacts;
    /** Users besides the members, so that every project has a user to add. */
    final int userPool;

    /** bench.member-audit: the sites log member changes, and the quick check leaves out unchanged member listings. */
    private final boolean memberAudit;

    Dataset(BenchParams p) {
        this.projects = p.projects();
        this.members = p.members();
        this.repos = p.repos();
        this.artifacts = p.artifacts();
        this.userPool = members + 1;
        this.memberAudit = p.memberAudit();
    }

    static String project(int i) {
        return String.format("p%05d", i);
    }

    /** With a slash, as many real repositories have: the daemon must encode it twice on the wire. */
    static String repo(int j) {
        return "svc/r" + j;
    }

    static String user(int u) {
        return String.format("u%04d", u);
    }

    String digest(int i, int j, int k) {
        return String.format("sha256:%064x", ((long) i * repos + j) * artifacts + k + 1);
    }

    static String tag(int k) {
        return "v" + k;
    }

    /** The non-owner member in slot s (0..M-2) of project i, and the user project i does not have. */
    String memberUser(int i, int s) {
        return user((i + s) % userPool);
    }

    String spareUser(int i) {
        return user((i + members - 1) % userPool);
    }

    int role(int i, int s) {
        return ROLES[(i + s) % ROLES.length];
    }

    long keys() {
        return (long) projects + (long) projects * members + (long) projects * repos
                + (long) projects * repos * artifacts;
    }

    void seed(HarborEmulator e) {
        for (int u = 0; u < userPool; u++) {
            e.addUser(user(u));
        }
        for (int i = 0; i < projects; i++) {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (int s = 0; s < members - 1; s++) {
                m.put(memberUser(i, s), role(i, s));
            }
            Map<String, Map<String, List<String>>> content = new LinkedHashMap<>();
            for (int j = 0; j < repos; j++) {
                Map<String, List<String>> arts = new LinkedHashMap<>();
                for (int k = 0; k < artifacts; k++) {
                    arts.put(digest(i, j, k), List.of(tag(k)));
                }
                content.put(repo(j), arts);
            }
            e.seedProject(project(i), Map.of("auto_scan", "false"), m, content);
        }
        if (memberAudit) {
            // seeding writes no audit rows, and a log with no row at all vouches for nothing: one row, as any real
            // Harbor's log has (a user created, which is not mirrored)
            var r = new io.harborsync.testsupport.PlainHarborHttp(e).post("users", Map.of("username", "bench-audit",
                    "email", "bench-audit@example.com", "realname", "bench", "password", "Bench12345"));
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST /users answered " + r.statusCode() + ": " + r.body());
            }
        }
    }

    // ------------------------------------------------------------------ drift

    enum ChangeKind { METADATA, ROLE, ADD_MEMBER, REMOVE_MEMBER, DELETE_ARTIFACT }

    /** One key changed on h1; the peer needs exactly one write to follow. */
    record Change(ChangeKind kind, int project, int slot, int repo, int artifact) {
    }

    /**
     * round(drift × keys) distinct keys, split between projects, members and artifacts in proportion to how many
     * keys of each kind there are (repositories' share goes to artifacts: deleting a repository is not one key),
     * each kind at least once when there are three or more changes.
     */
    List<Change> drift(double fraction, Random rnd) {
        int d = (int) Math.max(1, Math.round(fraction * keys()));
        long k = keys();
        int dProj = (int) Math.round((double) d * projects / k);
        int dMem = (int) Math.round((double) d * projects * members / k);
        if (d >= 3) {
            dProj = Math.max(1, dProj);
            dMem = Math.max(1, dMem);
        }
        dProj = Math.min(dProj, projects);
        dMem = Math.min(dMem, projects * members); // slots: M-1 members and one addable user per project
        int dArt = d - dProj - dMem;
        List<Change> out = new ArrayList<>();
        for (int i : sample(projects, dProj, rnd)) {
            out.add(new Change(ChangeKind.METADATA, i, -1, -1, -1));
        }
        for (int x : sample(projects * members, dMem, rnd)) {
            int i = x / members;
            int s = x % members;
            if (s == members - 1) {
                out.add(new Change(ChangeKind.ADD_MEMBER, i, s, -1, -1));
            } else {
                out.add(new Change(rnd.nextBoolean() ? ChangeKind.ROLE : ChangeKind.REMOVE_MEMBER, i, s, -1, -1));
            }
        }
        for (int x : sample(projects * repos * artifacts, dArt, rnd)) {
            out.add(new Change(ChangeKind.DELETE_ARTIFACT, x / (repos * artifacts), -1, (x / artifacts) % repos,
                    x % artifacts));
        }
        return out;
    }

    /** n distinct numbers below bound, in a seeded random order. */
    static List<Integer> sample(int bound, int n, Random rnd) {
        Set<Integer> seen = new HashSet<>();
        List<Integer> out = new ArrayList<>();
        if (n > bound / 2) {
            List<Integer> all = new ArrayList<>();
            for (int x = 0; x < bound; x++) {
                all.add(x);
            }
            Collections.shuffle(all, rnd);
            return new ArrayList<>(all.subList(0, Math.min(n, bound)));
        }
        while (out.size() < n) {
            int x = rnd.nextInt(bound);
            if (seen.add(x)) {
                out.add(x);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ lower bound

    static int pages(int items) {
        return Math.max(1, (items + PAGE - 1) / PAGE); // an empty listing still takes one request
    }

    /**
     * The list pages one site must serve for a full read, by endpoint: projects and all project quotas once, then
     * per project its members and repositories, per repository its artifacts. {@code removedArtifacts} and
     * {@code memberDelta} describe how this site differs from the seed.
     */
    Map<String, Long> listPages(Map<Integer, Integer> memberDelta, Map<Long, Integer> removedArtifacts) {
        return listPages(memberDelta, removedArtifacts, repo -> true);
    }

    /**
     * @param listed which repositories (project × repos + repo) have their artifacts listed: with the quick check
     *               (issue 18), only those whose update_time moved on this site since the sites last agreed
     */
    Map<String, Long> listPages(Map<Integer, Integer> memberDelta, Map<Long, Integer> removedArtifacts,
                                java.util.function.LongPredicate listed) {
        return listPages(memberDelta, removedArtifacts, listed, project -> true);
    }

    /**
     * @param membersListed which projects have their members listed: with the quick check on sites that log member
     *                      changes (bench.member-audit), only those whose log shows a member row since they agreed
     */
    Map<String, Long> listPages(Map<Integer, Integer> memberDelta, Map<Long, Integer> removedArtifacts,
                                java.util.function.LongPredicate listed, java.util.function.IntPredicate membersListed) {
        Map<String, Long> out = new TreeMap<>();
        out.put("GET /projects", (long) pages(projects));
        out.put("GET /quotas", (long) pages(projects));
        long mem = 0;
        long rep = 0;
        long art = 0;
        for (int i = 0; i < projects; i++) {
            if (membersListed.test(i)) {
                mem += pages(members + memberDelta.getOrDefault(i, 0));
            }
            rep += pages(repos);
            for (int j = 0; j < repos; j++) {
                if (listed.test((long) i * repos + j)) {
                    art += pages(artifacts - removedArtifacts.getOrDefault((long) i * repos + j, 0));
                }
            }
        }
        // system robots: one page of registry endpoints (whose credentials name robots not to copy), one page of
        // robots; project robots: one page per project (GET /robots?q=Level=project,ProjectID=…)
        out.put("GET /registries", 1L);
        out.put("GET /robots", 1L + projects);
        // labels (issue 16): one page of global labels (GET /labels?scope=g), one page of labels per project
        // (GET /labels?scope=p&project_id=…); the attachments come with the artifact listing (with_label=true)
        out.put("GET /labels", 1L + projects);
        // users' webhook policies (issue 16): one page per project (the daemon's own and a few users' fit in one)
        out.put("GET /projects/{p}/webhook/policies", (long) projects);
        out.put("GET /projects/{p}/members", mem);
        out.put("GET /projects/{p}/repositories", rep);
        out.put("GET /projects/{p}/repositories/{r}/artifacts", art);
        // issue 16: one page of tag immutability rules per project (GET /projects/{p}/immutabletagrules); one GET of
        // the system CVE allowlist; a retention policy costs one GET /retentions/{id} per project whose metadata
        // has a retention_id, and the benchmark's projects have none
        out.put("GET /projects/{p}/immutabletagrules", (long) projects);
        out.put("GET /system/CVEAllowlist", 1L);
        return out;
    }

    /** The pages h1 must serve after the drift (members added or removed there, artifacts deleted). */
    Map<String, Long> listPagesAfter(List<Change> drift) {
        return listPagesAfter(drift, false);
    }

    /**
     * @param quick with the quick check (issue 18): the artifacts only of repositories the drift changed on h1 (an
     *              artifact deleted there moved its update_time); every other repository is as the sites agreed
     */
    Map<String, Long> listPagesAfter(List<Change> drift, boolean quick) {
        Map<Integer, Integer> memberDelta = new TreeMap<>();
        Map<Long, Integer> removed = new TreeMap<>();
        for (Change c : drift) {
            switch (c.kind()) {
                case ADD_MEMBER -> memberDelta.merge(c.project(), 1, Integer::sum);
                case REMOVE_MEMBER -> memberDelta.merge(c.project(), -1, Integer::sum);
                case DELETE_ARTIFACT -> removed.merge((long) c.project() * repos + c.repo(), 1, Integer::sum);
                default -> {
                }
            }
        }
        if (quick && memberAudit) {
            // and the members only of projects whose member rows (create/update/delete_member) h1's log shows
            Set<Integer> changed = new HashSet<>();
            drift.stream().filter(c -> isMemberChange(c.kind())).forEach(c -> changed.add(c.project()));
            return listPages(memberDelta, removed, removed::containsKey, changed::contains);
        }
        return listPages(memberDelta, removed, quick ? removed::containsKey : repo -> true);
    }

    private static boolean isMemberChange(ChangeKind k) {
        return k == ChangeKind.ROLE || k == ChangeKind.ADD_MEMBER || k == ChangeKind.REMOVE_MEMBER;
    }

    /** How many member audit rows the drift leaves on h1 (and the daemon's mirroring writes on h2). */
    static long memberChanges(List<Change> drift) {
        return drift.stream().filter(c -> isMemberChange(c.kind())).count();
    }

    static final String AUDIT_LISTING = "GET /auditlog-exts";
    static final String AUDIT_EVENTS = "GET /auditlog-exts/events";

    /**
     * The first reconcile's audit reads besides its pages: the event types, asked whatever the Harbor (kept 10
     * minutes like the version); with bench.member-audit also the newest row and one page of the member rows just
     * below it (no marks yet).
     */
    void firstAuditReads(Map<String, Long> pages) {
        pages.put(AUDIT_EVENTS, 1L);
        if (memberAudit) {
            pages.put(AUDIT_LISTING, 2L);
        }
    }

    /**
     * With bench.member-audit, a later reconcile's audit reads (a copy of {@code pages} with them): the newest row,
     * the member rows since the oldest mark in pages of 100 (the last one short), and the oldest mark's row.
     */
    Map<String, Long> auditReads(Map<String, Long> pages, long memberRowsSinceMark) {
        if (!memberAudit) {
            return pages;
        }
        Map<String, Long> out = new TreeMap<>(pages);
        out.put(AUDIT_LISTING, 1 + (memberRowsSinceMark / PAGE + 1) + 1);
        return out;
    }

    /**
     * The drift's writes as the reconcile must send them: every change was made on h1, so each goes to every
     * other site, in the write phase of its kind (Reconciler#phase: project settings, then members, then artifact
     * deletions; each phase ends before the next begins). phase -> site -> writes.
     */
    static Map<Integer, Map<String, Long>> writesByPhase(List<Change> drift, List<String> sites) {
        Map<Integer, Map<String, Long>> out = new TreeMap<>();
        for (Change c : drift) {
            int phase = switch (c.kind()) {
                case METADATA -> 1;
                case ROLE, ADD_MEMBER, REMOVE_MEMBER -> 2;
                case DELETE_ARTIFACT -> 4;
            };
            for (String site : sites) {
                if (!site.equals("h1")) {
                    out.computeIfAbsent(phase, x -> new TreeMap<>()).merge(site, 1L, Long::sum);
                }
            }
        }
        return out;
    }

    /** The pages a site the drift did not touch serves with the quick check: no artifact listing at all. */
    Map<String, Long> listPagesUnchanged() {
        return memberAudit ? listPages(Map.of(), Map.of(), repo -> false, project -> false)
                : listPages(Map.of(), Map.of(), repo -> false);
    }

    /** The formula, for the report. */
    String formula() {
        return "per site: ⌈P/100⌉ project pages + ⌈P/100⌉ quota pages (GET /quotas?reference=project) + "
                + "P×⌈M/100⌉ member pages + P×⌈R/100⌉ repository pages + P×R×⌈A/100⌉ artifact pages + "
                + "1 registry page + 1 system-robot page + P project-robot pages + P immutable-rule pages + "
                + "1 system CVE allowlist GET (+1 retention policy GET per project with a retention_id: none here) + "
                + "1 global-label page + P project-label pages + P webhook-policy pages "
                + "(⌈n/100⌉ taken as at least 1, with each site's own counts); plus one write per drifted key";
    }
}
