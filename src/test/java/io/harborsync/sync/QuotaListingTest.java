package io.harborsync.sync;

import io.harborsync.config.Site;
import io.harborsync.emulator.Fault;
import io.harborsync.testsupport.Hold;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.Quota;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quota listing of a full read (issue 18): its pages side by side, the project reads not waiting for it, and
 * a listing that moved while it was read (Harbor lists quotas newest first) put right by reading the quotas it did
 * not show exactly once on their own. The daemon's clients here page by 10, so 25 projects are three quota pages.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class QuotaListingTest extends TwoSitesKindTest {
    private static final int PROJECTS = 25;
    private static final long GIB = 1_073_741_824L;

    private final List<RecordedExchange> h1Exchanges = new CopyOnWriteArrayList<>();

    /** p01 … p25 created in this order on h1 (quota ids in the same order), p<i> limited to i GiB, copied to h2. */
    @BeforeEach
    void projects() {
        for (int i = 1; i <= PROJECTS; i++) {
            h1.projects().create(new ProjectReq(name(i), false, Map.of(), CveAllowlist.portable(null, List.of()),
                    i * GIB, null));
        }
        SyncReport first = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        assertThat(first.failed()).isEmpty();
        assertThat(h2.projects().list()).hasSize(PROJECTS);
        f.emulator("h1").addExchangeListener(h1Exchanges::add);
    }

    private static String name(int i) {
        return String.format("p%02d", i);
    }

    /** A reconciler whose clients page by 10, four requests in flight per site. */
    private Reconciler pagingBy10() {
        Map<String, HarborClient> clients = new LinkedHashMap<>();
        f.emulators.forEach((site, e) -> clients.put(site, HarborClientFactory.create(new Site(site, e.baseUrl(),
                        "admin", "Harbor12345", Optional.empty(), Optional.empty()), Duration.ofSeconds(2),
                Duration.ofSeconds(30), 10, 4, CircuitBreaker.Settings.OFF, Clock.systemUTC())));
        return new Reconciler(clients, f.store, SyncSettings.defaults("h1"), Clock.systemUTC(), f.ownWrites);
    }

    /** Page {@code n} of the quota listing (not page 20, not a one-by-one read by reference_id). */
    private static Fault quotaPage(int n) {
        return Fault.on("GET", "/api/v2.0/quotas").query("(.*&)?page=" + n + "(&.*)?");
    }

    private static boolean isQuotaPage(RecordedExchange x, int n) {
        return x.rawPath().equals("/api/v2.0/quotas") && x.rawQuery() != null
                && x.rawQuery().matches("(.*&)?page=" + n + "(&.*)?");
    }

    private static boolean isMembersRead(RecordedExchange x) {
        return x.method().equals("GET") && x.rawPath().matches("/api/v2.0/projects/[^/]+/members");
    }

    /**
     * Counts down once h1 has answered (and recorded) a project's members read: the parts' reads begin only after
     * every site's project listing, which now runs alongside the quota listing's first pages.
     */
    private CountDownLatch projectsListed() {
        CountDownLatch listed = new CountDownLatch(1);
        f.emulator("h1").addExchangeListener(x -> {
            if (isMembersRead(x)) {
                listed.countDown();
            }
        });
        return listed;
    }

    private List<RecordedExchange> oneByOneQuotaReads() {
        f.emulator("h1").awaitIdle(Duration.ofSeconds(10));
        return h1Exchanges.stream().filter(x -> x.rawPath().equals("/api/v2.0/quotas") && x.rawQuery() != null
                && x.rawQuery().contains("reference_id=")).toList();
    }

    private long projectId(HarborClient c, String name) {
        return c.projects().get(name).projectId();
    }

    private long storage(HarborClient c, String name) {
        return c.quotas().ofProject(projectId(c, name)).map(Quota::hardStorage).orElseThrow();
    }


    @Test
    void theQuotaPagesAreInFlightTogetherAndTheProjectReadsDoNotWaitForThem() {
        HarborEmulator e1 = f.emulator("h1");
        CountDownLatch page2 = new CountDownLatch(1);
        CountDownLatch page3 = new CountDownLatch(1);
        CountDownLatch membersRead = new CountDownLatch(1);
        AtomicBoolean notTogether = new AtomicBoolean();
        AtomicBoolean projectsWaited = new AtomicBoolean();
        // Page 2 is answered only once page 3 has arrived and a project's members were answered (and recorded: this
        // listener runs after the one that records), and page 3 only once page 2 has arrived: a listing read page
        // after page, or project reads behind it, never gets here.
        e1.addExchangeListener(x -> {
            if (isMembersRead(x)) {
                membersRead.countDown();
            }
        });
        e1.faults().add(quotaPage(2).before(() -> {
            page2.countDown();
            Hold.until(page3, notTogether);
            Hold.until(membersRead, projectsWaited);
        }).times(1));
        e1.faults().add(quotaPage(3).before(() -> {
            page3.countDown();
            Hold.until(page2, notTogether);
        }).times(1));

        SyncReport r = pagingBy10().run(Scope.ALL, true, false);

        assertThat(r.unknownSites()).isEmpty();
        assertThat(r.planned()).as("nothing changed").isEmpty();
        assertThat(notTogether).as("quota pages 2 and 3 were in flight at the same time").isFalse();
        assertThat(projectsWaited).as("a project's members were answered while quota page 2 was held").isFalse();
        e1.awaitIdle(Duration.ofSeconds(10));
        List<RecordedExchange> log = List.copyOf(h1Exchanges);
        int lastPage = Math.max(indexOf(log, x -> isQuotaPage(x, 2)), indexOf(log, x -> isQuotaPage(x, 3)));
        int firstMembers = indexOf(log, QuotaListingTest::isMembersRead);
        assertThat(firstMembers).as("the first members read answered before the last quota page").isBetween(0, lastPage - 1);
        assertThat(log.stream().filter(x -> x.rawPath().equals("/api/v2.0/quotas")).count())
                .as("three pages, no quota read one by one").isEqualTo(3);
    }

    @Test
    void theQuotaPagesSideBySideLeaveOneRequestSlotForTheProjectListingAndReads() {
        // 45 projects on h1: five quota pages, pages 2 to 5 asked for side by side. Each is answered only once a
        // project's members were answered (and recorded): with all four of h1's slots held by quota pages, the
        // project listing and the project reads could not go on, and no page would ever be answered.
        for (int i = PROJECTS + 1; i <= 45; i++) {
            project(h1, name(i));
        }
        HarborEmulator e1 = f.emulator("h1");
        CountDownLatch membersRead = projectsListed();
        AtomicBoolean slotsTaken = new AtomicBoolean();
        for (int n = 2; n <= 5; n++) {
            e1.faults().add(quotaPage(n).before(() -> Hold.until(membersRead, slotsTaken)).times(1));
        }
        h1Exchanges.clear();

        SyncReport r = pagingBy10().run(Scope.ALL, true, false);

        assertThat(slotsTaken).as("a project's members were answered while quota pages were held").isFalse();
        assertThat(r.unknownSites()).isEmpty();
        e1.awaitIdle(Duration.ofSeconds(10));
        assertThat(h1Exchanges.stream().filter(x -> x.rawPath().equals("/api/v2.0/quotas")).count())
                .as("five pages, no quota read one by one").isEqualTo(5);
        assertThat(r.planned()).as("the 20 new projects to create on h2").filteredOn(i -> i.kind() == Kind.PROJECT)
                .hasSize(20);
    }

    private static int indexOf(List<RecordedExchange> log, java.util.function.Predicate<RecordedExchange> p) {
        for (int i = 0; i < log.size(); i++) {
            if (p.test(log.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aProjectCreatedAndOneDeletedBetweenTwoPagesMakeTheQuotasShownTwiceOrNotAtAllReadOneByOne() {
        // Newest first: page 1 is p25…p16, page 2 p15…p06, page 3 p05…p01. A project created and p03 deleted
        // before page 2 leave X-Total-Count at 25 and shift page 2 to p16…p07 (p16 twice) and page 3 to
        // p06, p05, p04, p02, p01 (p03 missing). Page 3, asked for at the same time, is answered after the change.
        h1.quotas().setStorageLimit("p16", 30 * GIB, Optional.empty());
        long p16 = projectId(h1, "p16");
        long p03 = projectId(h1, "p03");
        CountDownLatch changed = new CountDownLatch(1);
        AtomicBoolean page3Early = new AtomicBoolean();
        AtomicBoolean listingLate = new AtomicBoolean();
        CountDownLatch listed = projectsListed();
        f.emulator("h1").faults().add(quotaPage(2).before(() -> {
            Hold.until(listed, listingLate); // after the project listing: the change is in none of its pages
            project(h1, "late");
            h1.projects().delete("p03");
            changed.countDown();
        }).times(1));
        f.emulator("h1").faults().add(quotaPage(3).before(() -> Hold.until(changed, page3Early)).times(1));
        h1Exchanges.clear();

        SyncReport r = pagingBy10().run(Scope.ALL, false, false);

        assertThat(page3Early).isFalse();
        assertThat(listingLate).isFalse();
        assertThat(r.failed()).isEmpty();
        assertThat(r.unknownSites()).isEmpty();
        assertThat(oneByOneQuotaReads()).extracting(RecordedExchange::rawQuery).containsExactlyInAnyOrder(
                "reference=project&reference_id=" + p16, "reference=project&reference_id=" + p03);
        assertThat(storage(h2, "p16")).as("p16's quota, listed twice, read on its own and copied").isEqualTo(30 * GIB);
        assertThat(r.skipped()).as("p03 has no quota on h1 any more: unknown there this run, not 'no quota'")
                .anySatisfy(i -> {
                    assertThat(i.kind()).isEqualTo(Kind.PROJECT);
                    assertThat(i.key()).isEqualTo("p03");
                });
        assertThat(h2.projects().find("p03")).as("not deleted from an unknown").isPresent();
        assertThat(h2.projects().find("late")).as("created after the project listing: not in this run").isEmpty();
        for (int i = 1; i <= PROJECTS; i++) {
            if (i != 3 && i != 16) {
                assertThat(storage(h2, name(i))).isEqualTo(i * GIB);
            }
        }

        SyncReport next = pagingBy10().run(Scope.ALL, false, false);
        assertThat(next.failed()).isEmpty();
        assertThat(h2.projects().find("p03")).as("the next run sees the deletion").isEmpty();
        assertThat(h2.projects().find("late")).isPresent();
    }

    @Test
    void aProjectCreatedAfterTheFirstQuotaPageButBeforeTheProjectListingHasItsQuotaReadOnItsOwn() {
        // The quota listing starts alongside the project listing. "late" is created once quota page 1 (p25…p16) has
        // been answered and before the project listing's first page: listed as a project, it is on no quota page
        // (newest first, it would be on page 1, already read), and pages 2 and 3, answered after it, move by one:
        // p16 comes twice, no project is missing.
        HarborEmulator e1 = f.emulator("h1");
        long p16 = projectId(h1, "p16");
        h1.quotas().setStorageLimit("p16", 30 * GIB, Optional.empty());
        CountDownLatch page1Answered = new CountDownLatch(1);
        e1.addExchangeListener(x -> {
            if (isQuotaPage(x, 1)) {
                page1Answered.countDown();
            }
        });
        AtomicBoolean page1Late = new AtomicBoolean();
        CountDownLatch created = new CountDownLatch(1);
        AtomicBoolean createdLate = new AtomicBoolean();
        e1.faults().add(Fault.on("GET", "/api/v2.0/projects").query("(.*&)?page=1(&.*)?").before(() -> {
            Hold.until(page1Answered, page1Late);
            h1.projects().create(new ProjectReq("late", false, Map.of(), CveAllowlist.portable(null, List.of()),
                    7 * GIB, null));
            created.countDown();
        }).times(1));
        // pages 2 and 3 answered after the creation, so both are shifted by it
        e1.faults().add(quotaPage(2).before(() -> Hold.until(created, createdLate)).times(1));
        e1.faults().add(quotaPage(3).before(() -> Hold.until(created, createdLate)).times(1));
        h1Exchanges.clear();

        SyncReport r = pagingBy10().run(Scope.ALL, false, false);

        assertThat(page1Late).as("quota page 1 was answered before the project listing began").isFalse();
        assertThat(createdLate).isFalse();
        assertThat(r.failed()).isEmpty();
        assertThat(r.unknownSites()).isEmpty();
        long late = projectId(h1, "late");
        assertThat(oneByOneQuotaReads()).extracting(RecordedExchange::rawQuery).containsExactlyInAnyOrder(
                "reference=project&reference_id=" + late, "reference=project&reference_id=" + p16);
        assertThat(storage(h2, "late")).as("created on h2 with h1's quota, read on its own").isEqualTo(7 * GIB);
        assertThat(storage(h2, "p16")).isEqualTo(30 * GIB);
    }

    @Test
    void aProjectMissedBecauseTheListingShrankBetweenPagesHasItsQuotaReadOnItsOwn() {
        // p20 (page 1, already read) deleted before page 2: page 2 becomes p14…p05, p15 is on no page, and page 2
        // says 24 where page 1 said 25.
        h1.quotas().setStorageLimit("p15", 40 * GIB, Optional.empty());
        long p15 = projectId(h1, "p15");
        h1Exchanges.clear();
        CountDownLatch deleted = new CountDownLatch(1);
        AtomicBoolean listingLate = new AtomicBoolean();
        CountDownLatch listed = projectsListed();
        f.emulator("h1").faults().add(quotaPage(2).before(() -> {
            Hold.until(listed, listingLate); // p20 was listed as a project: its deletion is this run's to miss
            h1.projects().delete("p20");
            deleted.countDown();
        }).times(1));

        SyncReport r = pagingBy10().run(Scope.ALL, false, false);

        assertThat(deleted.getCount()).isZero();
        assertThat(listingLate).isFalse();
        assertThat(r.failed()).isEmpty();
        assertThat(oneByOneQuotaReads()).extracting(RecordedExchange::rawQuery)
                .contains("reference=project&reference_id=" + p15);
        assertThat(storage(h2, "p15")).isEqualTo(40 * GIB);
    }

    @Test
    void aProjectWhoseQuotaCannotBeReadIsUnknownOnThatSiteNeverWithoutAQuota() {
        // p15 missed by the listing (as above) and its own quota answering 500: its value on h1 is unknown. h2 set a
        // new limit meanwhile, which must neither reach h1 nor be taken for a change against "no quota".
        h2.quotas().setStorageLimit("p15", 50 * GIB, Optional.empty());
        long p15 = projectId(h1, "p15");
        AtomicBoolean listingLate = new AtomicBoolean();
        CountDownLatch listed = projectsListed();
        f.emulator("h1").faults().add(quotaPage(2).before(() -> {
            Hold.until(listed, listingLate);
            h1.projects().delete("p20");
        }).times(1));
        f.emulator("h1").faults().add(Fault.on("GET", "/api/v2.0/quotas")
                .query("reference=project&reference_id=" + p15).status(500));

        SyncReport r = pagingBy10().run(Scope.ALL, false, false);

        assertThat(listingLate).isFalse();
        assertThat(r.unknownSites()).isEmpty();
        assertThat(r.skipped()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(Kind.PROJECT);
            assertThat(i.key()).isEqualTo("p15");
        });
        assertThat(r.planned()).noneMatch(i -> i.key().equals("p15"));
        f.emulator("h1").faults().clear();
        assertThat(storage(h1, "p15")).as("nothing written on h1").isEqualTo(15 * GIB);
        assertThat(storage(h2, "p15")).as("nor on h2").isEqualTo(50 * GIB);
        assertThat(r.failed()).as("the rest of the run goes on").isEmpty();

        SyncReport next = pagingBy10().run(Scope.ALL, false, false);
        assertThat(next.failed()).isEmpty();
        assertThat(storage(h1, "p15")).as("read again, h2's change reaches h1").isEqualTo(50 * GIB);
    }
}
