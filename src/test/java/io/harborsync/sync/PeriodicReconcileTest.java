package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.sites.Sites;
import io.harborsync.emulator.Fault;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deletion webhooks arriving steadily keep single-artifact reconciles running side by side; the periodic
 * reconcile of everything must not give way to them (it would never run), but wait for the running ones.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class PeriodicReconcileTest {
    @Inject
    SyncService sync;
    @Inject
    Sites sites;

    @Test
    void aPeriodicReconcileWaitsForRunningDeletionsInsteadOfGivingWay() {
        HarborEmulator e1 = sites.demo().orElseThrow().emulators().get(0);
        HarborClient h1 = sites.client("h1");
        HarborClient h2 = sites.client("h2");
        String p = "periodic-" + UUID.randomUUID().toString().substring(0, 8);
        h1.projects().create(new ProjectReq(p, false, null, null, null, null));
        String digest = "sha256:" + "e".repeat(64);
        // the artifact reconcile's read on h1 takes 3 s: it holds the shared lock meanwhile
        Fault slowRead = Fault.on("GET", ".*/projects/" + p + "/repositories/app/artifacts/" + digest + ".*")
                .delay(Duration.ofSeconds(3)).times(1);
        e1.faults().add(slowRead);
        CompletableFuture<ReconcileFinished> deletion = CompletableFuture.supplyAsync(() ->
                sync.run(Scope.artifact(p, "app", digest), false, false));
        // the emulator takes the fault when the read arrives, before it waits: the reconcile is inside by then
        await().atMost(Duration.ofSeconds(10)).until(() -> !e1.faults().list().contains(slowRead));

        sync.periodic();

        assertThat(deletion).as("the periodic reconcile waited for the running artifact reconcile").isDone();
        assertThat(h2.projects().exists(p)).as("and then ran: the new project reached h2").isTrue();
    }
}
