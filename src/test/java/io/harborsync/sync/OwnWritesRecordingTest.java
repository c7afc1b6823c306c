package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.sync.OwnWrites.Action;
import io.harborsync.sync.OwnWrites.Resource;
import io.harborsync.sync.OwnWrites.Write;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the reconciler records in the journal of its own writes, checked against the audit rows the emulated
 * Harbors (logging member changes, as Harbors newer than v2.15.2 do) actually write. The person's changes and the
 * daemon's use the same account, admin: only the journal tells them apart.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class OwnWritesRecordingTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);

    SyncFixture f;
    HarborClient person1;
    Reconciler sync;

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), Duration.ofSeconds(10), o -> o.withMemberAuditEvents(true),
                "h1", "h2");
        person1 = f.users.get("h1");
        sync = f.reconciler(SyncSettings.defaults("h1"));
        f.emulators.values().forEach(e -> e.addUser("alice"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    private List<AuditLogExt> rows(String site) {
        return f.users.get(site).auditLogs().since(1, 100);
    }

    private void push(String repo, String digest, String tag) {
        f.emulators.values().forEach(e -> e.pushArtifact("team-a", repo, digest, tag));
    }

    @Test
    void everyRowTheReconcilersWritesLeaveIsRecognisedOnceAndNoneOfThePersonsAre() {
        person1.projects().create(new ProjectReq("team-a", false, Map.of("auto_scan", "true"), null, null, null));
        person1.members().add("team-a", new MemberReq(2, new UserEntity(null, "alice"), null));
        assertThat(sync.run(Scope.ALL, false, false).failed()).isEmpty();
        push("app", D1, "1.0");
        push("app", D2, "2.0");
        push("tools", D3, "3.0");
        sync.run(Scope.ALL, false, false);

        person1.artifacts().addTag("team-a", "app", D1, "stable");
        person1.artifacts().delete("team-a", "app", D2);
        person1.repositories().delete("team-a", "tools");
        person1.members().remove("team-a", person1.members().find("team-a", "alice", false).orElseThrow().id());
        SyncReport r = sync.run(Scope.ALL, false, true); // force: two of three artifacts go, past the guard
        assertThat(r.failed()).isEmpty();
        assertThat(r.done()).extracting(i -> i.op().id() + " " + i.kind() + " " + i.key()).contains(
                "delete artifact " + Keys.artifact("team-a", "app", D2), "update artifact " + Keys.artifact("team-a", "app", D1),
                "delete repository " + Keys.repository("team-a", "tools"), "delete member " + Keys.member("team-a", "alice", false));

        // every kind of row the daemon's writes left on h2, all by admin
        List<AuditLogExt> h2 = rows("h2").stream().filter(x -> !x.resourceType().equals("user")).toList();
        assertThat(h2).extracting(AuditLogExt::resourceType)
                .contains("project", "member", "tag", "artifact", "repository");
        assertThat(h2).extracting(AuditLogExt::username).containsOnly("admin");
        List<String> notRecognised = new ArrayList<>();
        for (AuditLogExt row : h2) {
            boolean pushByReplication = row.resourceType().equals("artifact") && row.operation().equals("create");
            boolean own = OwnWrites.of("h2", row).map(f.ownWrites::consumeAudit).orElse(false);
            if (own == pushByReplication) { // the pushes stand in for replication: not the daemon's
                notRecognised.add(row.operation() + " " + row.resourceType() + " " + row.resource());
            }
        }
        assertThat(notRecognised).isEmpty();
        assertThat(h2).allSatisfy(row -> assertThat(OwnWrites.of("h2", row).map(f.ownWrites::consumeAudit)
                .orElse(false)).as("consumed once: " + row.resource()).isFalse());

        // the person's rows on h1, by the very same account, are news
        assertThat(rows("h1")).extracting(AuditLogExt::username).contains("admin");
        assertThat(rows("h1")).allSatisfy(row -> assertThat(OwnWrites.of("h1", row).map(f.ownWrites::consumeAudit)
                .orElse(false)).as(row.operation() + " " + row.resource()).isFalse());

        // the artifact deletions on h2 still expect their webhook (a policy would send one each)
        Instant now = Instant.now();
        for (String key : List.of(Keys.artifact("team-a", "app", D2), Keys.artifact("team-a", "tools", D3))) {
            assertThat(f.ownWrites.consumeWebhook(new Write("h2", Resource.ARTIFACT, key, Action.DELETE), now))
                    .as(key).isTrue();
        }
        assertThat(f.ownWrites.size()).isZero();
    }

    @Test
    void aWriteHarborAnswersWithoutEffectIsNotExpectedOneThatMayHaveHappenedIs() {
        person1.projects().create(new ProjectReq("team-a", false, null, null, null, null));
        sync.run(Scope.ALL, false, false);
        push("app", D1, "1.0");
        push("app", D2, "2.0");
        sync.run(Scope.ALL, false, false);
        person1.artifacts().delete("team-a", "app", D1);
        person1.artifacts().delete("team-a", "app", D2);
        // h2 answers 404 for one deletion (someone was quicker: the goal state, and no trace of ours) and 500 for
        // the other (it may or may not have been done)
        f.emulator("h2").faults().add(Fault.on("DELETE", ".*/artifacts/" + D1).status(404).times(1));
        f.emulator("h2").faults().add(Fault.on("DELETE", ".*/artifacts/" + D2).status(500).times(1));
        SyncReport r = sync.run(Scope.ALL, false, true); // force: both artifacts go, past the guard
        assertThat(r.failed()).extracting(SyncReport.Item::key).containsExactly(Keys.artifact("team-a", "app", D2));

        Write d1 = new Write("h2", Resource.ARTIFACT, Keys.artifact("team-a", "app", D1), Action.DELETE);
        Write d2 = new Write("h2", Resource.ARTIFACT, Keys.artifact("team-a", "app", D2), Action.DELETE);
        assertThat(f.ownWrites.consumeWebhook(d1, Instant.now())).as("404: withdrawn").isFalse();
        assertThat(f.ownWrites.consumeAudit(d1)).isFalse();
        assertThat(f.ownWrites.consumeWebhook(d2, Instant.now())).as("500: kept").isTrue();
    }
}
