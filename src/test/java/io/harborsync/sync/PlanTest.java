package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.Member;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.Outcome.Result;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plan is every write: what Harbor's own additions make necessary (the creator member of a copy) and the
 * daemon's webhook policies are steps of the plan a dry run shows, and a real run sends exactly those steps.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class PlanTest {
    SyncFixture f;
    HarborClient h1;
    HarborClient h2;
    Reconciler sync;

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        h1 = f.client("h1");
        h2 = f.client("h2");
        SyncSettings d = SyncSettings.defaults("h1");
        sync = f.reconciler(new SyncSettings(d.policy(), d.maxDeleteFraction(), d.deletionDisabled(),
                Optional.of("http://harbor-sync.example:8080"), Map.of(), d.groupType()));
        f.emulators.values().forEach(e -> e.addUser("alice"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** A step as a comparable line: site, type, kind, key, reason. */
    private static String line(Decision.Op op) {
        return op.site() + " " + op.type() + " " + op.kind() + " " + op.key() + ": " + op.reason();
    }

    @Test
    void aDryRunShowsEveryWriteTheRealRunSendsAndTheRealRunSendsNothingElse() {
        h1.projects().create(new ProjectReq("team-p", false, Map.of(), null, null, null));
        h1.members().add("team-p", new MemberReq(2, new UserEntity(null, "alice"), null));
        // the creator's membership on h1 is removed: on the copy, Harbor's own owner member must go again
        long admin = h1.members().find("team-p", "admin", false).orElseThrow().id();
        h1.members().remove("team-p", admin);

        ReconcileFinished dry = sync.reconcile(Scope.ALL, true, false, false);
        List<String> planned = dry.plan().steps().stream().map(s -> line(s.op())).sorted().toList();
        assertThat(dry.steps()).as("a dry run sends nothing").isEmpty();
        assertThat(h2.projects().exists("team-p")).isFalse();
        assertThat(planned).contains(
                "h2 CREATE project team-p: created on [h1], missing elsewhere, no base: create",
                "h2 CREATE member team-p/u:alice: created on [h1], missing elsewhere, no base: create",
                "h2 DELETE member team-p/u:admin: " + Planner.CREATOR_REASON,
                "h1 ENSURE harbor-sync-webhook team-p: " + Planner.DAEMON_WEBHOOK_REASON,
                "h2 ENSURE harbor-sync-webhook team-p: " + Planner.DAEMON_WEBHOOK_REASON);
        assertThat(dry.report().planned()).extracting(SyncReport.Item::key).contains("team-p/u:admin");

        ReconcileFinished real = sync.reconcile(Scope.ALL, false, false, false);
        assertThat(real.steps()).allSatisfy(o -> assertThat(o.result()).isEqualTo(Result.APPLIED));
        assertThat(real.steps().stream().map(o -> line(o.step().op())).sorted().toList())
                .as("the real run sends exactly the dry run's plan").isEqualTo(planned);
        assertThat(h2.members().list("team-p")).extracting(Member::entityName).containsExactly("alice");
        assertThat(h2.webhookPolicies().list("team-p")).hasSize(1);
        assertThat(real.keys()).allSatisfy(k -> assertThat(k.status()).isIn(Outcome.Status.APPLIED,
                Outcome.Status.IN_SYNC));
    }

    @Test
    void theGuardsVerdictIsInThePlanAndHeldBackStepsAreNotSent() {
        for (String p : List.of("g1", "g2", "g3", "g4")) {
            h1.projects().create(new ProjectReq(p, false, Map.of(), null, null, null));
        }
        sync.reconcile(Scope.ALL, false, false, false);
        for (String p : List.of("g1", "g2")) {
            h1.projects().delete(p);
        }
        ReconcileFinished dry = sync.reconcile(Scope.ALL, true, false, false);
        assertThat(dry.plan().guard()).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Kind.PROJECT);
            assertThat(v.site()).isEqualTo("h2");
            assertThat(v.deletions()).isEqualTo(2);
            assertThat(v.heldBack()).isTrue();
        });
        assertThat(dry.plan().steps()).filteredOn(s -> s.op().type() == OpType.DELETE)
                .allSatisfy(s -> assertThat(s.heldBack()).isTrue());

        ReconcileFinished real = sync.reconcile(Scope.ALL, false, false, false);
        assertThat(real.heldBack()).hasSize(1);
        assertThat(real.steps()).filteredOn(o -> o.step().op().type() == OpType.DELETE)
                .allSatisfy(o -> assertThat(o.result()).isEqualTo(Result.HELD_BACK));
        assertThat(h2.projects().exists("g1")).as("held back: not sent").isTrue();
        assertThat(real.withStatus(Outcome.Status.HELD_BACK)).extracting(Outcome.KeyOutcome::key)
                .as("the members go with their project: held back with it").containsExactlyInAnyOrder(
                        "g1", "g2", "g1/u:admin", "g2/u:admin");
    }
}
