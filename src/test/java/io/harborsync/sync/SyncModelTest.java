package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.emulator.Fault;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.*;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.*;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model-based test: generated histories of user changes on 2–3 sites, interleaved with the daemon's
 * reconciles as events would trigger them (some lost, some duplicated, in any order), site outages and
 * daemon restarts. Then changes stop, one reconcile runs, and the invariants of sync-model.md are checked:
 * every site equal, nothing deleted by a user comes back, nothing is deleted that no user deleted,
 * every conflict resolved or reported.
 *
 * <p>{@code -Dmodel.histories=N} runs more histories (CI runs 1000), {@code -Dmodel.first-seed=S} starts
 * elsewhere, {@code -Dmodel.seed=S} replays one.
 * Each failure prints its seed.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class SyncModelTest {
    static final List<String> PROJECTS = List.of("pa", "pb");
    static final List<String> USERS = List.of("u1", "u2");
    static final List<String> DIGESTS = List.of("sha256:" + "1".repeat(64), "sha256:" + "2".repeat(64));
    static final List<String> TAGS = List.of("t1", "t2", "t3");
    static final String REPO = "app";

    static SyncFixture two;
    static SyncFixture three;

    @BeforeAll
    static void start() {
        two = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        three = new SyncFixture(new InMemoryBaseStore(), "h1", "h2", "h3");
    }

    @AfterAll
    static void stop() {
        two.close();
        three.close();
    }

    @Test
    void generatedHistoriesConverge() {
        long histories = Long.getLong("model.histories", 1000);
        Long only = Long.getLong("model.seed");
        long base = Long.getLong("model.first-seed", 20261125L);
        for (long i = 0; i < (only != null ? 1 : histories); i++) {
            long seed = only != null ? only : base + i;
            try {
                new History(seed).run();
            } catch (Throwable t) {
                throw new AssertionError("history with seed " + seed + " failed (replay: -Dmodel.seed=" + seed
                        + " -Dtest=SyncModelTest): " + t.getMessage(), t);
            }
        }
    }

    /** One generated history and its oracle. */
    static final class History {
        final long seed;
        final Random rnd;
        final SyncFixture f;
        final List<String> sites;
        Reconciler daemon;
        long clock;
        /** Times of user operations per key and site; the kind of the latest touch. */
        final Map<String, List<Touch>> touches = new HashMap<>();
        /** Keys a user deleted explicitly (not through a parent). */
        final List<Touch> explicitDeletes = new ArrayList<>();
        /** Keys deleted through a project or repository deletion. */
        final Set<String> deletedSomehow = new HashSet<>();
        /** Every key that ever existed on some site. */
        final Set<String> everExisted = new HashSet<>();
        /** Per project: when the daemon last saw all sites and wrote everything successfully. */
        final Map<String, Long> agreedAt = new HashMap<>();
        final Map<String, Long> projectDeletedAt = new HashMap<>();
        final List<String> log = new ArrayList<>();

        record Touch(String key, String site, long at, boolean delete) {
        }

        /** Deletions of keys the base held at that moment: only those can be told from "never copied". */
        final Set<Touch> deletedWhileAgreed = new HashSet<>();

        /** Project deletions made while another site held content of it that the base had never agreed on. */
        final Set<Touch> deletedBesideUnagreedContent = new HashSet<>();

        History(long seed) {
            this.seed = seed;
            this.rnd = new Random(seed);
            this.f = rnd.nextBoolean() || rnd.nextBoolean() ? two : three;
            this.sites = List.copyOf(f.emulators.keySet());
            f.emulators.values().forEach(HarborEmulator::reset);
            f.store = new InMemoryBaseStore();
            f.emulators.values().forEach(e -> USERS.forEach(e::addUser));
            daemon = newDaemon();
        }

        Reconciler newDaemon() {
            // the guard is tested on its own; here every deletion must be allowed to happen
            return f.reconciler(new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 1.0, Set.of(),
                    Optional.empty(), Map.of(), 1));
        }

        void run() {
            int steps = 6 + rnd.nextInt(14);
            for (int i = 0; i < steps; i++) {
                clock++;
                if (rnd.nextInt(4) == 0) {
                    daemonStep();
                } else {
                    userStep(sites.get(rnd.nextInt(sites.size())));
                }
            }
            // changes stop, every site is reachable again, one reconcile
            f.emulators.values().forEach(e -> e.faults().clear());
            clock++;
            SyncReport last = daemon.run(Scope.ALL, false, false);
            check(last);
            f.assertSpecClean();
        }

        // ------------------------------------------------------------ the daemon's side

        void daemonStep() {
            int what = rnd.nextInt(10);
            if (what == 0) {
                log.add(clock + " daemon restart");
                daemon = newDaemon(); // same store: a restart keeps the base
                return;
            }
            String down = what <= 2 ? sites.get(rnd.nextInt(sites.size())) : null;
            if (down != null) {
                String path = rnd.nextBoolean() ? "/api/v2.0/projects.*" : "/api/v2.0/projects/[^/]+/members.*";
                f.emulator(down).faults().add(Fault.on("GET", path).status(503));
            }
            // an event for a project (possibly a stale or duplicate one), or the periodic full reconcile
            Scope scope = rnd.nextInt(3) == 0 ? Scope.ALL : Scope.project(PROJECTS.get(rnd.nextInt(PROJECTS.size())));
            int times = rnd.nextInt(5) == 0 ? 2 : 1;
            for (int t = 0; t < times; t++) {
                SyncReport r = daemon.run(scope, false, false);
                log.add(clock + " reconcile " + scope + (down != null ? " with " + down + " down" : "")
                        + " done=" + r.done() + " failed=" + r.failed().size() + " unknown=" + r.unknownSites().size()
                        + " skipped=" + r.skipped().size());
                if (r.unknownSites().isEmpty() && r.failed().isEmpty() && r.skipped().isEmpty()) {
                    for (String p : PROJECTS) {
                        if (scope.project().isEmpty() || scope.project().get().equals(p)) {
                            agreedAt.put(p, clock);
                        }
                    }
                }
            }
            if (down != null) {
                f.emulator(down).faults().clear();
            }
        }

        // ------------------------------------------------------------ the users' side

        void userStep(String site) {
            HarborClient c = f.client(site);
            String p = PROJECTS.get(rnd.nextInt(PROJECTS.size()));
            boolean exists = c.projects().exists(p);
            int op = rnd.nextInt(12);
            try {
                if (!exists) {
                    if (op < 8) {
                        c.projects().create(new ProjectReq(p, rnd.nextBoolean(), Map.of("auto_scan", "true"), null,
                                null, null));
                        touch(Keys.project(p), site, false);
                        // Harbor makes the creator a member
                        touch(Keys.member(p, "admin", false), site, false);
                        log.add(clock + " " + site + ": create project " + p);
                    }
                    return;
                }
                switch (op) {
                    case 0 -> deleteProject(c, site, p);
                    case 1 -> {
                        String key = rnd.nextBoolean() ? "auto_scan" : "severity";
                        String value = key.equals("severity") ? (rnd.nextBoolean() ? "low" : "high")
                                : Boolean.toString(rnd.nextBoolean());
                        c.projects().updateSettings(p, Map.of(key, value), null);
                        touch(Keys.project(p), site, false);
                        log.add(clock + " " + site + ": metadata " + p + " " + key + "=" + value);
                    }
                    case 2 -> {
                        long bytes = (1 + rnd.nextInt(3)) * 1_073_741_824L;
                        c.quotas().setStorageLimit(p, bytes, java.util.Optional.empty());
                        touch(Keys.project(p), site, false);
                        log.add(clock + " " + site + ": quota " + p + " " + bytes);
                    }
                    case 3, 4 -> {
                        String u = USERS.get(rnd.nextInt(USERS.size()));
                        Optional<Member> m = c.members().find(p, u, false);
                        int role = 1 + rnd.nextInt(5);
                        if (m.isEmpty()) {
                            c.members().add(p, new MemberReq(role, new UserEntity(null, u), null));
                            log.add(clock + " " + site + ": add member " + u + " to " + p + " role " + role);
                        } else {
                            c.members().updateRole(p, m.get().id(), role);
                            log.add(clock + " " + site + ": role of " + u + " in " + p + " = " + role);
                        }
                        touch(Keys.member(p, u, false), site, false);
                    }
                    case 5 -> {
                        String u = rnd.nextInt(4) == 0 ? "admin" : USERS.get(rnd.nextInt(USERS.size()));
                        Optional<Member> m = c.members().find(p, u, false);
                        if (m.isPresent()) {
                            c.members().remove(p, m.get().id());
                            explicitDelete(Keys.member(p, u, false), site);
                            log.add(clock + " " + site + ": remove member " + u + " from " + p);
                        }
                    }
                    case 6, 7 -> push(p);
                    case 8 -> {
                        String d = DIGESTS.get(rnd.nextInt(DIGESTS.size()));
                        String tag = TAGS.get(rnd.nextInt(TAGS.size()));
                        Optional<Artifact> a = c.artifacts().find(p, REPO, d);
                        if (a.isPresent()) {
                            if (a.get().tagNames().contains(tag)) {
                                c.artifacts().deleteTag(p, REPO, d, tag);
                                log.add(clock + " " + site + ": untag " + tag + " of " + p + "/" + REPO + "@" + d);
                            } else if (c.artifacts().find(p, REPO, tag).isEmpty()) {
                                c.artifacts().addTag(p, REPO, d, tag);
                                log.add(clock + " " + site + ": tag " + tag + " on " + p + "/" + REPO + "@" + d);
                            } else {
                                return;
                            }
                            touch(Keys.artifact(p, REPO, d), site, false);
                        }
                    }
                    case 9 -> {
                        String d = DIGESTS.get(rnd.nextInt(DIGESTS.size()));
                        if (c.artifacts().find(p, REPO, d).isPresent()) {
                            c.artifacts().delete(p, REPO, d);
                            explicitDelete(Keys.artifact(p, REPO, d), site);
                            log.add(clock + " " + site + ": delete artifact " + p + "/" + REPO + "@" + d);
                        }
                    }
                    case 10 -> {
                        if (c.repositories().list(p).stream().anyMatch(r -> r.name().equals(p + "/" + REPO))) {
                            for (Artifact a : c.artifacts().list(p, REPO)) {
                                cascade(Keys.artifact(p, REPO, a.digest()), site);
                            }
                            c.repositories().delete(p, REPO);
                            explicitDelete(Keys.repository(p, REPO), site);
                            log.add(clock + " " + site + ": delete repository " + p + "/" + REPO);
                        }
                    }
                    default -> {
                    }
                }
            } catch (HarborException e) {
                throw new AssertionError("user step failed: " + e.getMessage(), e);
            }
        }

        /** Harbor replication copies a push to every site that has the project. */
        void push(String p) {
            for (String s : sites) {
                if (!f.client(s).projects().exists(p)) {
                    return; // without the project everywhere, replication cannot deliver: skip the push
                }
            }
            String d = DIGESTS.get(rnd.nextInt(DIGESTS.size()));
            String tag = TAGS.get(rnd.nextInt(TAGS.size()));
            for (String s : sites) {
                HarborClient c = f.client(s);
                if (c.artifacts().find(p, REPO, tag).isPresent() || c.artifacts().find(p, REPO, d).isPresent()) {
                    return; // keep the model simple: a push never moves a tag or re-pushes a digest
                }
            }
            for (String s : sites) {
                f.emulator(s).pushArtifact(p, REPO, d, tag);
                touch(Keys.artifact(p, REPO, d), s, false);
                touch(Keys.repository(p, REPO), s, false);
            }
            log.add(clock + " all: push " + p + "/" + REPO + "@" + d + ":" + tag + " (replicated)");
        }

        void deleteProject(HarborClient c, String site, String p) {
            boolean unagreedElsewhere = false;
            for (String other : sites) {
                if (!other.equals(site)) {
                    for (String key : f.dump(other).keySet()) {
                        if (Keys.projectOf(key).equals(p) && !key.equals(p)
                                && f.store.get(kindOf(key), key).isEmpty()) {
                            unagreedElsewhere = true;
                        }
                    }
                }
            }
            for (Repository r : c.repositories().list(p)) {
                String repo = r.name().substring(p.length() + 1);
                for (Artifact a : c.artifacts().list(p, repo)) {
                    cascade(Keys.artifact(p, repo, a.digest()), site);
                }
                cascade(Keys.repository(p, repo), site);
                c.repositories().delete(p, repo);
            }
            for (Member m : c.members().list(p)) {
                cascade(Keys.member(p, m.entityName(), m.isGroup()), site);
            }
            c.projects().delete(p);
            explicitDelete(Keys.project(p), site);
            if (unagreedElsewhere) {
                // the model keeps a project whose content the base never saw: that counts as a change
                deletedBesideUnagreedContent.add(explicitDeletes.get(explicitDeletes.size() - 1));
            }
            projectDeletedAt.put(p, clock);
            log.add(clock + " " + site + ": delete project " + p);
        }

        void touch(String key, String site, boolean delete) {
            touches.computeIfAbsent(key, k -> new ArrayList<>()).add(new Touch(key, site, clock, delete));
            if (!delete) {
                everExisted.add(key);
            }
        }

        void explicitDelete(String key, String site) {
            touch(key, site, true);
            Touch del = new Touch(key, site, clock, true);
            explicitDeletes.add(del);
            deletedSomehow.add(key);
            String kind = key.equals(Keys.projectOf(key)) ? "project" : kindOf(key);
            if (f.store.get(kind, key).isPresent()) {
                deletedWhileAgreed.add(del);
            }
        }

        void cascade(String key, String site) {
            touch(key, site, true);
            deletedSomehow.add(key);
        }

        // ------------------------------------------------------------ the oracle

        void check(SyncReport last) {
            String trace = String.join("\n  ", log);
            assertThat(last.unknownSites()).as("final reconcile sees every site\n  " + trace).isEmpty();
            assertThat(last.failed()).as("final reconcile fails nothing\n  " + trace).isEmpty();

            // Content on one site only, with no base, is replication's to copy: reported as pending, and
            // the one thing the sites may still disagree on (e.g. pushed, replicated, then deleted on one
            // site before the daemon ever saw both copies agree).
            Set<String> pending = new TreeSet<>();
            last.pending().forEach(i -> pending.add(i.key()));
            assertThat(last.pending()).as("only content waits for replication\n  " + trace)
                    .allSatisfy(i -> assertThat(i.kind()).isIn(Kind.REPOSITORY, Kind.ARTIFACT));
            Map<String, Map<String, Object>> state = new TreeMap<>();
            for (String s : sites) {
                Map<String, Object> d = f.dump(s);
                d.keySet().removeAll(pending);
                state.put(s, d);
            }
            Map<String, Object> first = state.get(sites.get(0));
            for (String s : sites) {
                assertThat(state.get(s)).as("site %s equals %s after the final reconcile\n  %s", s, sites.get(0), trace)
                        .isEqualTo(first);
            }
            // nothing deleted that no user deleted
            for (String key : everExisted) {
                if (!first.containsKey(key)) {
                    assertThat(deletedSomehow).as("%s vanished though no user deleted it\n  %s", key, trace)
                            .contains(key);
                }
            }
            // nothing a user deleted comes back, unless the model says a concurrent change wins
            for (Touch del : explicitDeletes) {
                if (!first.containsKey(del.key()) || !mustStayDeleted(del)) {
                    continue;
                }
                throw new AssertionError(del.key() + " deleted on " + del.site() + " at " + del.at()
                        + " came back\n  " + trace);
            }
            // every conflict resolved (active-site policy) or at least reported
            assertThat(last.conflicts()).allSatisfy(c -> {
                assertThat(c.outcome()).isEqualTo(SyncReport.Conflict.RESOLVED);
                assertThat(c.winner()).isNotNull();
                assertThat(c.values()).containsKeys(c.winner().split(","));
            });
        }

        /** The deletion was of an agreed key and nobody touched it (or its project) elsewhere since. */
        boolean mustStayDeleted(Touch del) {
            if (deletedBesideUnagreedContent.contains(del) || !deletedWhileAgreed.contains(del)) {
                return false; // without a base record a missing copy reads as "not copied yet": the union keeps it
            }
            String project = Keys.projectOf(del.key());
            Long agreed = agreedAt.get(project);
            if (agreed == null || agreed > del.at()) {
                return false;
            }
            for (Touch t : touches.getOrDefault(del.key(), List.of())) {
                if (t.at() > agreed && t != null && !(t.site().equals(del.site()) && t.at() <= del.at())) {
                    return false; // touched elsewhere after the agreement, or recreated later
                }
            }
            boolean isProject = del.key().equals(project);
            for (Map.Entry<String, List<Touch>> e : touches.entrySet()) {
                if (!Keys.projectOf(e.getKey()).equals(project)) {
                    continue;
                }
                for (Touch t : e.getValue()) {
                    boolean elsewhereOrLater = !t.site().equals(del.site()) || t.at() > del.at();
                    if (isProject && t.at() > agreed && elsewhereOrLater) {
                        return false; // the project changed inside: the change wins
                    }
                    if (!isProject && e.getKey().equals(project) && t.delete() && t.at() > agreed) {
                        return false; // the project itself was deleted somewhere: children follow the project
                    }
                }
            }
            return true;
        }

        static String kindOf(String key) {
            if (key.contains("@")) {
                return "artifact";
            }
            return key.substring(key.indexOf('/') + 1).matches("[ug]:.*") ? "member" : "repository";
        }

    }
}
