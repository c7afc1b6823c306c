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
}
