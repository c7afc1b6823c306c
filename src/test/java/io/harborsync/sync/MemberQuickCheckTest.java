package io.harborsync.sync;

import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.Member;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick check's member part (issue 18, {@link MemberAuditCheck}): on Harbors that log member changes (newer than
 * v2.15.2, emulated with {@code withMemberAuditEvents}), a project whose audit log shows no member row since the sites
 * agreed on its members is not listed member by member; each site compared only with itself; a log that cannot be
 * used, v2.15.2 and the setting off all mean the members are listed; the verify pass counts what it missed.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class MemberQuickCheckTest {
    SyncFixture f;
    Reconciler sync;
    /** site -> member listings (GET …/projects/{p}/members, not a find by name) it answered since the last look. */
    final Map<String, AtomicInteger> listings = new ConcurrentHashMap<>();
    /** site -> GET /auditlog-exts it answered (not /events), and those of them for member rows, since the last look. */
    final Map<String, AtomicInteger> auditReads = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> memberRowReads = new ConcurrentHashMap<>();

    @BeforeEach
    void sites() {
        f = fixture(true);
        sync = f.reconciler(SyncSettings.defaults("h1")).quickCheck(QuickCheckMode.ON);
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** Two sites with project "team" and members alice (developer) and bob (guest) on both. */
    private SyncFixture fixture(boolean memberAuditEvents) {
        SyncFixture fx = new SyncFixture(new InMemoryBaseStore(), Duration.ofSeconds(10),
                o -> o.withMemberAuditEvents(memberAuditEvents), "h1", "h2");
        fx.emulators.forEach((site, e) -> {
            ExchangeListener count = ex -> {
                if (ex.method().equals("GET") && ex.rawPath().endsWith("/members")
                        && (ex.rawQuery() == null || !ex.rawQuery().contains("entityname="))) { // not a find
                    listings.computeIfAbsent(site, s -> new AtomicInteger()).incrementAndGet();
                }
            };
            e.addExchangeListener(count);
            e.addExchangeListener(ex -> {
                if (ex.method().equals("GET") && ex.rawPath().endsWith("/auditlog-exts")) {
                    auditReads.computeIfAbsent(site, s -> new AtomicInteger()).incrementAndGet();
                    if (ex.rawQuery() != null && ex.rawQuery().contains("resource_type")) {
                        memberRowReads.computeIfAbsent(site, s -> new AtomicInteger()).incrementAndGet();
                    }
                }
            });
            for (String user : List.of("alice", "bob", "carol")) {
                e.addUser(user);
            }
        });
        for (String site : List.of("h1", "h2")) {
            HarborClient c = fx.users.get(site);
            c.projects().create(new ProjectReq("team", false, Map.of(), CveAllowlist.portable(null, List.of()), -1L,
                    null));
            c.members().add("team", new MemberReq(2, new UserEntity(null, "alice"), null));
            c.members().add("team", new MemberReq(4, new UserEntity(null, "bob"), null));
        }
        return fx;
    }

    private Map<String, Integer> listedSinceLastCall() {
        f.emulators.values().forEach(e -> e.awaitIdle(Duration.ofSeconds(5)));
        Map<String, Integer> out = new TreeMap<>();
        listings.forEach((site, n) -> out.put(site, n.getAndSet(0)));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    private static Map<String, Integer> since(Map<String, AtomicInteger> counts) {
        Map<String, Integer> out = new TreeMap<>();
        counts.forEach((site, n) -> out.put(site, n.getAndSet(0)));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    private ReconcileFinished run() {
        return sync.reconcile(Scope.ALL, false, false, false);
    }

    private Optional<Member> member(String site, String name) {
        return f.users.get(site).members().find("team", name, false);
    }

    /** Two runs: the first reads everything and finds the sites agreed, the second already leaves members out. */
    private void agreed() {
        run();
        run();
        listedSinceLastCall();
    }

    @Test
    void nothingChangedMeansNoMemberListingOnEitherSite() {
        ReconcileFinished first = run();
        assertThat(first.report().planned()).isEmpty();
        assertThat(listedSinceLastCall()).as("no marks yet: every project's members listed")
                .containsOnlyKeys("h1", "h2");

        ReconcileFinished second = run();
        assertThat(listedSinceLastCall()).as("no GET …/members on either site").isEmpty();
        assertThat(second.report().planned()).as("the members filed from the base are in sync, not missing").isEmpty();
        // a reconcile of every project counts the keys in sync instead of listing them (issue 18's parts)
        assertThat(second.keys()).as("nothing but keys in sync").isEmpty();
        assertThat(f.store.list(Kind.MEMBER.id(), "")).as("the three members the base knows").hasSize(3);
        assertThat(second.keysInSync()).as("every key the base knows, the three members among them")
                .isEqualTo(KindRegistry.standard().kinds().stream()
                        .mapToLong(k -> f.store.list(k.id(), "").size()).sum());
        run();
        assertThat(listedSinceLastCall()).isEmpty();
    }

    @Test
    void aMemberAddedChangedAndRemovedOnH1IsListedThereAndMirrored() {
        agreed();
        f.users.get("h1").members().add("team", new MemberReq(3, new UserEntity(null, "carol"), null));
        run();
        assertThat(listedSinceLastCall()).as("h1 logged a create_member for team; h2 logged nothing")
                .containsOnlyKeys("h1");
        assertThat(member("h2", "carol")).get().extracting(Member::roleId).isEqualTo(3);

        run(); // the run that wrote carol kept no marks (its members differed): listed everywhere, agreed again
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1", "h2");
        run();
        assertThat(listedSinceLastCall()).isEmpty();

        long alice = member("h1", "alice").orElseThrow().id();
        f.users.get("h1").members().updateRole("team", alice, 1);
        run();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1");
        assertThat(member("h2", "alice")).get().extracting(Member::roleId).isEqualTo(1);

        run();
        run();
        listedSinceLastCall();
        f.users.get("h1").members().remove("team", member("h1", "bob").orElseThrow().id());
        run();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1");
        assertThat(member("h2", "bob")).isEmpty();
    }

    @Test
    void aChangeOnH2IsSeenThereAlone() {
        agreed();
        f.users.get("h2").members().add("team", new MemberReq(3, new UserEntity(null, "carol"), null));
        run();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h2");
        assertThat(member("h1", "carol")).isPresent();
    }

    @Test
    void onHarborV2152MembersAreAlwaysListed() {
        f.close();
        listings.clear();
        f = fixture(false); // v2.15.2: no member rows, no member event types
        sync = f.reconciler(SyncSettings.defaults("h1")).quickCheck(QuickCheckMode.ON);
        run();
        run();
        run();
        assertThat(listedSinceLastCall()).containsEntry("h1", 3).containsEntry("h2", 3);
    }

    @Test
    void withTheSettingOffMembersAreAlwaysListed() {
        sync = f.reconciler(SyncSettings.defaults("h1")).quickCheck(QuickCheckMode.ON).memberAudit(false);
        run();
        run();
        run();
        assertThat(listedSinceLastCall()).containsEntry("h1", 3).containsEntry("h2", 3);
    }

    @Test
    void aPurgedAuditLogMeansTheMembersAreListedThere() {
        agreed();
        f.emulator("h1").purgeAuditLog();
        run();
        assertThat(listedSinceLastCall()).as("h1's log shows no row at all").containsOnlyKeys("h1");
        run();
        assertThat(listedSinceLastCall()).as("nor does it now: nothing can be vouched for there").containsOnlyKeys("h1");
    }

    @Test
    void anAuditLogPurgedPastTheMarkMeansTheMembersAreListedThere() {
        agreed();
        f.emulator("h2").purgeAuditLog();
        // newer rows after the purge: the log shows rows, but no longer the mark's
        f.users.get("h2").projects().create(new ProjectReq("other", false, Map.of(),
                CveAllowlist.portable(null, List.of()), -1L, null));
        sync.reconcile(Scope.project("team"), false, false, true);
        assertThat(listedSinceLastCall()).as("h2's log no longer reaches back to the mark").containsOnlyKeys("h2");
    }

    @Test
    void anUnreadableAuditLogMeansTheMembersAreListedThere() {
        agreed();
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/auditlog-exts").status(500));
        run();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h2");
        f.emulator("h2").faults().clear();
        run(); // h2 had a mark it could not vouch for: forgotten, the sites listed and agreed again
        run();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h2");
        run();
        assertThat(listedSinceLastCall()).isEmpty();
    }

    @Test
    void aMembershipGoneWithoutAuditRowIsFoundByTheVerifyPassAndCounted() {
        agreed();
        f.emulator("h1").deleteUser("alice"); // Harbor logs "delete user", no member row

        ReconcileFinished quick = run();
        assertThat(listedSinceLastCall()).isEmpty();
        assertThat(quick.report().planned()).as("not seen by the shortcut").isEmpty();

        ReconcileFinished verify = sync.reconcile(Scope.ALL, false, false, false, QuickCheckMode.VERIFY);
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1", "h2");
        assertThat(verify.quickCheckMisses()).containsExactly(new QuickCheckMiss("h1", Kind.MEMBER, "team", 1));
        assertThat(member("h2", "alice")).as("the deletion mirrored").isEmpty();

        ReconcileFinished again = sync.reconcile(Scope.ALL, false, false, false, QuickCheckMode.VERIFY);
        assertThat(again.quickCheckMisses()).as("nothing left for a second verify pass").isEmpty();
    }

    /** Projects p1 to p4 besides team on both sites, alice a developer in each; a reconciler in parts of one project. */
    private Reconciler fiveProjectsInParts() {
        for (String site : List.of("h1", "h2")) {
            HarborClient c = f.users.get(site);
            for (int i = 1; i <= 4; i++) {
                c.projects().create(new ProjectReq("p" + i, false, Map.of(), CveAllowlist.portable(null, List.of()),
                        -1L, null));
                c.members().add("p" + i, new MemberReq(2, new UserEntity(null, "alice"), null));
            }
        }
        return f.reconciler(SyncSettings.defaults("h1")).quickCheck(QuickCheckMode.ON).partProjects(1);
    }

    private void awaitIdle() {
        f.emulators.values().forEach(e -> e.awaitIdle(Duration.ofSeconds(5)));
    }

    @Test
    void aRunInPartsReadsEachSitesAuditLogOnceAndStillSeesAChangeInALaterPart() {
        sync = fiveProjectsInParts();
        run();
        assertThat(sync.lastParts().parts()).as("p1, p2, p3, p4, team: a part each").isEqualTo(5);
        assertThat(listedSinceLastCall()).as("no marks yet").containsEntry("h1", 5).containsEntry("h2", 5);
        awaitIdle();
        assertThat(since(memberRowReads)).as("the member rows read once per site, not once per part")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h1", 1, "h2", 1));
        since(auditReads);

        run();
        assertThat(listedSinceLastCall()).as("no project's members listed on either site").isEmpty();
        awaitIdle();
        assertThat(since(memberRowReads)).containsExactlyInAnyOrderEntriesOf(Map.of("h1", 1, "h2", 1));
        assertThat(since(auditReads)).as("newest row, member rows, the oldest mark's row: once per run")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h1", 3, "h2", 3));

        f.users.get("h2").members().add("p3", new MemberReq(3, new UserEntity(null, "carol"), null));
        run();
        assertThat(listedSinceLastCall()).as("p3 on h2 alone: its create_member row, read by the first part")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h2", 1));
        assertThat(f.users.get("h1").members().find("p3", "carol", false)).get()
                .extracting(Member::roleId).isEqualTo(3);
        awaitIdle();
        assertThat(since(memberRowReads)).containsExactlyInAnyOrderEntriesOf(Map.of("h1", 1, "h2", 1));
        assertThat(since(auditReads)).containsExactlyInAnyOrderEntriesOf(Map.of("h1", 3, "h2", 3));

        run(); // the run that wrote carol kept no marks of p3: listed on both sites, agreed again
        assertThat(listedSinceLastCall()).containsExactlyInAnyOrderEntriesOf(Map.of("h1", 1, "h2", 1));
        run();
        assertThat(listedSinceLastCall()).isEmpty();
        awaitIdle();
        assertThat(since(memberRowReads)).containsExactlyInAnyOrderEntriesOf(Map.of("h1", 2, "h2", 2));
    }

    /**
     * Five projects in parts of one, agreed; then a member row for p2 on h2, and more than OVERLAP rows of p1 on both
     * sites agreed by a run of p1 alone: p1 (the first part) has a newer mark than the others, and p2's row lies
     * below what p1's part reads.
     */
    private void p1MarkedAfterP2sRow() {
        sync = fiveProjectsInParts();
        run();
        run();
        listedSinceLastCall();
        f.users.get("h2").members().add("p2", new MemberReq(3, new UserEntity(null, "carol"), null));
        for (String site : List.of("h1", "h2")) {
            long alice = f.users.get(site).members().find("p1", "alice", false).orElseThrow().id();
            for (int i = 0; i < MemberAuditCheck.OVERLAP + 5; i++) {
                f.users.get(site).members().updateRole("p1", alice, i % 2 == 0 ? 3 : 2);
            }
        }
        sync.reconcile(Scope.project("p1"), false, false, true);
        sync.reconcile(Scope.project("p1"), false, false, true); // agreed with the marks it kept
        assertThat(listedSinceLastCall()).as("p1 listed, then agreed").containsEntry("h1", 1).containsEntry("h2", 1);
        awaitIdle();
        since(memberRowReads);
        since(auditReads);
    }

    @Test
    void aLaterPartWithAnOlderMarkReadsOnlyTheRowsBelowWhatWasRead() {
        p1MarkedAfterP2sRow();

        run();
        assertThat(listedSinceLastCall()).as("p2 on h2 alone: its row read by p2's part, below p1's")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h2", 1));
        assertThat(f.users.get("h1").members().find("p2", "carol", false)).get()
                .extracting(Member::roleId).isEqualTo(3);
        awaitIdle();
        assertThat(since(memberRowReads)).as("p1's part from its mark, p2's the rows below; the others none")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h1", 2, "h2", 2));
        assertThat(since(auditReads)).as("newest, two member-row reads, the purge check of either oldest mark")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h1", 5, "h2", 5));

        run();
        run();
        assertThat(listedSinceLastCall()).as("p2 listed once more on both sites (its marks forgotten), then none")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h1", 1, "h2", 1));
    }

    @Test
    void aLogALaterPartCannotReadIsNotUsedNorReadAgainByTheRestOfTheRun() {
        p1MarkedAfterP2sRow();
        // the rows below what p1's part read (a bounded id range) fail on h2
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/auditlog-exts").query(".*~[0-9]+.*").status(500));

        run();
        assertThat(listedSinceLastCall()).as("p1 filed from the base on both; from p2 on h2 lists every project")
                .containsExactlyInAnyOrderEntriesOf(Map.of("h2", 4));
        assertThat(f.users.get("h1").members().find("p2", "carol", false)).as("p2's change still mirrored").get()
                .extracting(Member::roleId).isEqualTo(3);
        awaitIdle();
        assertThat(since(auditReads).getOrDefault("h2", 0))
                .as("newest, p1's rows and purge check, p2's range once (a read that fails is tried twice)")
                .isEqualTo(3 + 2);
    }

    @Test
    void marksRoundTrip() {
        MemberAuditCheck.Mark m = new MemberAuditCheck.Mark(1234, "7", java.util.Set.of(0, 3, 19));
        assertThat(m.format()).isEqualTo("1234|7|0,3,19");
        assertThat(MemberAuditCheck.Mark.parse(m.format())).contains(m);
        assertThat(MemberAuditCheck.Mark.parse("1234|7|")).contains(new MemberAuditCheck.Mark(1234, "7",
                java.util.Set.of()));
        assertThat(MemberAuditCheck.Mark.parse("garbage")).isEmpty();
        assertThat(MemberAuditCheck.logsMembers(Optional.of(List.of("create_project")))).isFalse();
        assertThat(MemberAuditCheck.logsMembers(Optional.of(List.of()))).as("an account that gets none").isFalse();
        assertThat(MemberAuditCheck.logsMembers(Optional.empty())).isFalse();
        assertThat(MemberAuditCheck.logsMembers(Optional.of(List.of("create_member", "update_member",
                "delete_member", "update_project")))).isTrue();
    }

    @Test
    void aRowThatBecameVisibleOutOfIdOrderCountsUnlessTheMarkSawIt() {
        MemberAuditCheck.SiteLog log = new MemberAuditCheck.SiteLog(110, Map.of("team", List.of(95L, 100L)));
        assertThat(log.changedSince("team", new MemberAuditCheck.Mark(100, "7", java.util.Set.of(0, 5))))
                .as("both rows seen when the mark was taken").isFalse();
        assertThat(log.changedSince("team", new MemberAuditCheck.Mark(100, "7", java.util.Set.of(0))))
                .as("row 95 was not visible yet then").isTrue();
        assertThat(log.changedSince("team", new MemberAuditCheck.Mark(99, "7", java.util.Set.of(4))))
                .as("row 100 is newer than the mark").isTrue();
        assertThat(log.changedSince("other", new MemberAuditCheck.Mark(100, "7", java.util.Set.of()))).isFalse();
        assertThat(log.markFor("team", "7")).isEqualTo(new MemberAuditCheck.Mark(110, "7", java.util.Set.of(10, 15)));
    }
}
