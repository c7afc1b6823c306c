package io.harborsync.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's models: figure 2's round trips and figure 4's critical path, from what the code must do. */
class BenchModelTest {

    private static Results.Reconcile reconcile(Map<String, Map<String, Long>> pages,
                                               Map<Integer, Map<String, Long>> writes) {
        Results.Reconcile rec = new Results.Reconcile();
        rec.boundPages = pages;
        rec.boundWritesByPhase = writes;
        return rec;
    }

    @Test
    void theSitesAreReadSideBySideSoTheLargerSiteSetsTheReadTime() {
        // h1: 2 project pages in a row, then its 2 quota pages and 4000 member pages on 4 slots (the quota listing
        // goes side by side with the project reads); h2: the same listings, 3000 member pages
        Results.Reconcile rec = reconcile(Map.of(
                        "h1", Map.of("GET /projects", 2L, "GET /quotas", 2L, "GET /projects/{p}/members", 4000L),
                        "h2", Map.of("GET /projects", 2L, "GET /quotas", 2L, "GET /projects/{p}/members", 3000L)),
                Map.of());
        BenchReport.Model m = BenchReport.Model.of(rec, 4, 20);
        assertThat(m.readRounds()).isEqualTo(2 + 1001);
        assertThat(m.seconds()).isEqualTo(1003 * 0.020);
        // not both sites' pages over one site's slots, as the model once had it
        assertThat(m.seconds()).isLessThan((4 + 4 + 4000 + 3000) * 0.020 / 4);
    }

    @Test
    void writesGoPhaseByPhaseEachOnItsTargetSitesSlots() {
        Results.Reconcile rec = reconcile(Map.of("h1", Map.of("GET /projects", 1L), "h2", Map.of("GET /projects", 1L)),
                Map.of(1, Map.of("h2", 10L), 2, Map.of("h1", 3L, "h2", 200L), 4, Map.of("h2", 550L)));
        BenchReport.Model m = BenchReport.Model.of(rec, 4, 20);
        // ⌈10/4⌉ + max(⌈3/4⌉, ⌈200/4⌉) + ⌈550/4⌉: a phase lasts as long as its busiest site
        assertThat(m.writeRounds()).isEqualTo(3 + 50 + 138);
        assertThat(m.readRounds()).isEqualTo(1);
        assertThat(m.formula()).contains("⌈10 ÷ 4⌉ + ⌈200 ÷ 4⌉ + ⌈550 ÷ 4⌉");
    }

    @Test
    void aMirroredDeletionIsTwoRoundTripsTheParallelReadsThenTheDelete() {
        BenchReport.MirrorPath path = BenchReport.MirrorPath.forDeletionOn("h1", List.of("h1", "h2"));
        assertThat(path.roundTrips()).isEqualTo(2);
        assertThat(path.requests()).isEqualTo(3);
        // a third site is read and written at the same time as the second: still two round trips
        assertThat(BenchReport.MirrorPath.forDeletionOn("h1", List.of("h1", "h2", "h3")).roundTrips()).isEqualTo(2);
    }

    @Test
    void theDriftsWritesGoToEverySiteButTheOneItWasMadeOnInTheirKindsPhase() {
        List<Dataset.Change> drift = List.of(new Dataset.Change(Dataset.ChangeKind.METADATA, 0, -1, -1, -1),
                new Dataset.Change(Dataset.ChangeKind.ROLE, 0, 1, -1, -1),
                new Dataset.Change(Dataset.ChangeKind.REMOVE_MEMBER, 1, 1, -1, -1),
                new Dataset.Change(Dataset.ChangeKind.DELETE_ARTIFACT, 1, -1, 0, 0));
        assertThat(Dataset.writesByPhase(drift, List.of("h1", "h2")))
                .isEqualTo(Map.of(1, Map.of("h2", 1L), 2, Map.of("h2", 2L), 4, Map.of("h2", 1L)));
    }

    @Test
    void withTheRealHarborProfileEachPageIsPricedByItsEndpoint() {
        // h1: 10 project pages in a row (101 ms each), then 10 quota pages (1712 ms) and 4000 member pages (2.75 ms)
        // over 4 slots; one write phase of 8 writes on h2 (3.0 ms each, 2 rounds)
        Results.Reconcile rec = reconcile(Map.of(
                        "h1", Map.of("GET /projects", 10L, "GET /quotas", 10L, "GET /projects/{p}/members", 4000L),
                        "h2", Map.of("GET /projects", 10L, "GET /quotas", 10L, "GET /projects/{p}/members", 100L)),
                Map.of(2, Map.of("h2", 8L)));
        BenchReport.Model m = BenchReport.Model.of(rec, 4, 20, io.harborsync.emulator.LatencyProfile.realHarbor());
        double reads = 10 * 101 + (10 * 1712 + 4000 * 2.75) / 4;
        assertThat(m.seconds()).isCloseTo((reads + 2 * 3.0) / 1000, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.formula()).contains("real-Harbor profile").contains("2 write round trips × 3.00 ms");
        // the flat model of the same reconcile is rounds × one latency
        assertThat(BenchReport.Model.of(rec, 4, 20).seconds()).isEqualTo((10 + 1003 + 2) * 0.020);
    }

    @Test
    void theProfileWaitsWhatARealHarborTookForEachRequestByAccount() {
        var p = io.harborsync.emulator.LatencyProfile.realHarbor();
        var session = io.harborsync.emulator.HarborCpu.Account.SESSION;
        var user = io.harborsync.emulator.HarborCpu.Account.BASIC_USER;
        var robot = io.harborsync.emulator.HarborCpu.Account.BASIC_ROBOT;
        assertThat(p.latency("GET", "/api/v2.0/projects", null, user).toMillis()).isEqualTo(257);
        assertThat(p.latency("GET", "/api/v2.0/projects", null, session).toMillis()).isEqualTo(101);
        assertThat(p.latency("GET", "/api/v2.0/quotas", null, robot).toMillis()).isEqualTo(1713);
        assertThat(p.latency("GET", "/api/v2.0/projects/a/members", null, session).toNanos()).isEqualTo(2_750_000);
        assertThat(p.latency("GET", "/api/v2.0/projects/a/members", null, user).toNanos()).isEqualTo(102_500_000);
        assertThat(p.latency("DELETE", "/api/v2.0/projects/a/members/3", null, robot).toNanos()).isEqualTo(4_550_000);
        assertThat(p.latency("POST", "/c/login", null, io.harborsync.emulator.HarborCpu.Account.LOGIN).toMillis()).isEqualTo(104);
        assertThat(p.latency("GET", "/api/v2.0/quotas", "reference=project&reference_id=7", session).toNanos())
                .as("one project's quota: a read and one item").isEqualTo(19_750_000);
    }

    @Test
    void figure4aAddsTheProfilesWebhookDelayAndTheFlatProfileHasNone() {
        var real = io.harborsync.emulator.LatencyProfile.realHarbor();
        assertThat(BenchReport.webhookDelayPercentile(real, 50).toMillis()).isBetween(1880L, 1920L);
        assertThat(BenchReport.webhookDelayPercentile(real, 90).toMillis()).isBetween(2080L, 2120L);
        assertThat(BenchReport.webhookDelayPercentile(real, 100).toMillis()).isLessThan(2150L);
        var flat = (io.harborsync.emulator.LatencyProfile) (m, path, q, a) -> java.time.Duration.ofMillis(20);
        assertThat(BenchReport.webhookDelayPercentile(flat, 99)).isEqualTo(java.time.Duration.ZERO);
    }
}
