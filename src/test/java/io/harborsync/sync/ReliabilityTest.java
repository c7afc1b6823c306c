package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.*;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Site outages and a faulty network: the engine keeps what it cannot see, and converges once it can.
 * Records its figures for docs/reliability.md ({@link io.harborsync.testsupport.ReliabilityFigures}).
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class ReliabilityTest {

    private static ProjectReq project(String name) {
        return new ProjectReq(name, false, Map.of("auto_scan", "true"), null, null, null);
    }

    @Test
    void aPeerThatIsDownWhileChangesGoOnConvergesInOneReconcileAfterwards() throws Exception {
        try (SyncFixture f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2")) {
            HarborClient h1 = f.client("h1");
            HarborClient h2 = f.client("h2");
            f.emulators.values().forEach(e -> e.addUser("alice"));
            Reconciler sync = f.reconciler(SyncSettings.defaults("h1"));
            for (int i = 0; i < 5; i++) {
                h1.projects().create(project("kept-" + i));
            }
            h1.projects().create(project("doomed"));
            sync.run(Scope.ALL, false, false);

            f.emulator("h2").goDown();
            // users go on working on h1
            int changed = 5;
            for (int i = 0; i < changed; i++) {
                h1.projects().create(project("new-" + i));
                h1.members().add("kept-" + i, new MemberReq(2, new UserEntity(null, "alice"), null));
            }
            h1.projects().updateSettings("kept-0", Map.of("severity", "high"), null);
            h1.projects().delete("doomed");
            SyncReport during = sync.run(Scope.ALL, false, false);
            assertThat(during.unknownSites()).singleElement().satisfies(u -> assertThat(u).startsWith("h2"));
            assertThat(during.planned()).as("nothing is decided for what h2 holds").isEmpty();
            assertThat(f.store.get("project", "doomed")).as("the base is kept while h2 is unknown").isPresent();

            f.emulator("h2").comeBack();
            SyncReport after = sync.run(Scope.ALL, false, false);
            assertThat(after.failed()).isEmpty();
            assertThat(after.unknownSites()).isEmpty();
            for (int i = 0; i < 5; i++) {
                assertThat(h2.projects().exists("new-" + i)).isTrue();
                assertThat(h2.members().find("kept-" + i, "alice", false)).isPresent();
            }
            assertThat(h2.projects().metadata("kept-0")).containsEntry("severity", "high");
            assertThat(h2.projects().exists("doomed")).isFalse();
            SyncReport next = sync.run(Scope.ALL, false, false);
            assertThat(next.planned()).as("converged in one reconcile").isEmpty();

            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("projectsCreated", changed);
            figure.put("membersAdded", changed);
            figure.put("metadataChanged", 1);
            figure.put("projectsDeleted", 1);
            figure.put("plannedDuringOutage", during.planned().size());
            figure.put("reconcilesToConverge", 1);
            figure.put("plannedAfterwards", next.planned().size());
            io.harborsync.testsupport.ReliabilityFigures.record("outage", "sync.ReliabilityTest", figure);
        }
    }

    @Test
    void fiveHundredChangesConvergeWithAFifthOfAllAnswersFaulty() throws Exception {
        try (SyncFixture f = new SyncFixture(new InMemoryBaseStore(), Duration.ofMillis(250), "h1", "h2")) {
            HarborClient h1 = f.users.get("h1");
            HarborClient h2 = f.users.get("h2");
            f.emulators.values().forEach(e -> List.of("u0", "u1", "u2").forEach(e::addUser));
            int changes = 0;
            for (int p = 0; p < 70; p++) {
                HarborClient c = p % 4 == 0 ? h2 : h1; // changes on both sides
                String name = "load-" + p;
                c.projects().create(project(name));
                changes++;
                c.projects().updateSettings(name, Map.of("severity", p % 2 == 0 ? "low" : "high"), null);
                changes++;
                for (int u = 0; u < 3; u++) {
                    c.members().add(name, new MemberReq(1 + (p + u) % 5, new UserEntity(null, "u" + u), null));
                    changes++;
                }
                c.quotas().setStorageLimit(name, (1 + p % 3) * 1_073_741_824L, java.util.Optional.empty());
                changes++;
                c.projects().updateSettings(name, Map.of(), CveAllowlist.portable(null, List.of(new CveItem("CVE-2026-" + (1000 + p)))));
                changes++;
                if (p % 3 == 0) {
                    c.members().remove(name, c.members().find(name, "u0", false).orElseThrow().id());
                    changes++;
                }
            }
            assertThat(changes).isGreaterThanOrEqualTo(500);

            // a fifth of every site's answers go wrong: 5xx, timeouts, dropped connections
            java.util.concurrent.atomic.AtomicLong exchanges = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong broken = new java.util.concurrent.atomic.AtomicLong();
            f.emulators.values().forEach(e -> e.addExchangeListener(x -> {
                exchanges.incrementAndGet();
                if (x.status() == 503 || x.status() == 0) {
                    broken.incrementAndGet();
                }
            }));
            Reconciler sync = f.reconciler(SyncSettings.defaults("h1"));
            Instant started = Instant.now();
            int rounds = 0;
            int failedOps = 0;
            int unknownRounds = 0;
            int done = 0;
            long seed = 20261125;
            boolean converged = false;
            while (rounds < 40 && !converged) {
                rounds++;
                for (var e : f.emulators.values()) {
                    e.faults().add(Fault.on("*", "/api/v2.0/.*").status(503).probability(0.07, seed++));
                    e.faults().add(Fault.on("*", "/api/v2.0/.*").delay(Duration.ofMillis(400)).probability(0.07, seed++));
                    e.faults().add(Fault.on("*", "/api/v2.0/.*").dropConnection().probability(0.07, seed++));
                }
                SyncReport r = sync.run(Scope.ALL, false, false);
                f.emulators.values().forEach(e -> e.faults().clear()); // the test's own look is not faulted
                failedOps += r.failed().size();
                done += r.done().size();
                if (!r.unknownSites().isEmpty()) {
                    unknownRounds++;
                }
                converged = f.dump("h2").equals(f.dump("h1"));
            }
            Duration took = Duration.between(started, Instant.now());

            assertThat(converged).as("converged within 40 rounds under faults").isTrue();
            assertThat(sync.run(Scope.ALL, false, false).planned()).as("and the base agrees").isEmpty();
            assertThat(h2.projects().list()).hasSize(70);
            assertThat(h1.members().find("load-0", "u0", false)).as("a member removed on h2 is not on h1 either").isEmpty();

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("changes", changes);
            report.put("faultShareInjected", "7% 503 + 7% 400 ms delay (client read timeout 250 ms) + 7% dropped");
            report.put("requestsSeen", exchanges.get());
            report.put("requestsAnswered503OrDropped", broken.get());
            report.put("reconcileRounds", rounds);
            report.put("roundsWithAnUnknownSite", unknownRounds);
            report.put("failedOperationsRetried", failedOps);
            report.put("operationsDone", done);
            report.put("secondsUntilConverged", took.toMillis() / 1000.0);
            io.harborsync.testsupport.ReliabilityFigures.record("faults", "sync.ReliabilityTest", report);
        }
    }
}
