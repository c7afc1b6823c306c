package io.harborsync.sync;

import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18's streaming: a reconcile of every project works through its projects in parts of at most
 * {@code part-projects}, each read, planned, sent and settled on its own, and still decides as one run would: the
 * mass-deletion guard counts across the parts, and a site restored empty deletes nothing on its peer. (Global
 * labels with the first part and system robots with the last are exercised by SyncModelTest, which runs in parts
 * of one project.)
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class PartsTest extends TwoSitesKindTest {
    @BeforeEach
    void alice() {
        f.emulators.values().forEach(e -> e.addUser("alice"));
    }

    private Reconciler inParts(int projects) {
        return f.reconciler(SyncSettings.defaults("h1")).partProjects(projects);
    }

    private static long baseKeys(io.harborsync.testsupport.SyncFixture f) {
        return KindRegistry.standard().kinds().stream().mapToLong(k -> f.store.list(k.id(), "").size()).sum();
    }

    @Test
    void everyProjectIsMirroredPartByPartAndNoPartHoldsMoreThanItsShare() {
        for (int i = 0; i < 5; i++) {
            project(h1, "p" + i);
            h1.members().add("p" + i, new MemberReq(2, new UserEntity(null, "alice"), null));
        }
        Reconciler sync = inParts(2);
        ReconcileFinished first = sync.reconcile(Scope.ALL, false, false, false);

        assertThat(sync.lastParts().parts()).as("5 projects in parts of 2").isEqualTo(3);
        assertThat(sync.lastParts().largestPart()).isEqualTo(2);
        assertThat(first.scope()).isEqualTo(Scope.ALL);
        assertThat(first.unsettled()).isEmpty();
        for (int i = 0; i < 5; i++) {
            assertThat(h2.members().find("p" + i, "alice", false)).as("p" + i).get()
                    .extracting(m -> m.roleId()).isEqualTo(2);
        }

        ReconcileFinished second = sync.reconcile(Scope.ALL, false, false, false);
        assertThat(second.report().planned()).as("nothing left to do").isEmpty();
        assertThat(second.keys()).as("keys in sync are counted, not listed").isEmpty();
        assertThat(second.keysInSync()).as("every key the base knows").isEqualTo(baseKeys(f)).isGreaterThan(10);
    }

    @Test
    void aSiteRestoredEmptyDeletesNothingOnItsPeerThoughEveryPartSeesOnlyOneProject() {
        for (int i = 0; i < 8; i++) {
            project(h1, "p" + i);
        }
        Reconciler sync = inParts(1);
        sync.reconcile(Scope.ALL, false, false, false);
        for (int i = 0; i < 8; i++) {
            h2.projects().delete("p" + i); // a failed restore
        }

        ReconcileFinished r = sync.reconcile(Scope.ALL, false, false, false);

        assertThat(sync.lastParts().parts()).isEqualTo(8);
        assertThat(h1.projects().list()).as("counted before the first part: held back for the run").hasSize(8);
        assertThat(r.heldBack()).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Kind.PROJECT);
            assertThat(v.site()).isEqualTo("h1");
            assertThat(v.deletions()).as("one verdict for the run's eight").isEqualTo(8);
        });
        assertThat(r.report().skipped()).filteredOn(i -> i.op() == SyncReport.Action.GUARD).hasSize(1);
    }

    @Test
    void theGuardCountsAcrossPartsAndHoldsBackWhatWouldPassTheLimit() {
        for (int i = 0; i < 8; i++) {
            project(h1, "p" + i);
            h1.members().add("p" + i, new MemberReq(2, new UserEntity(null, "alice"), null));
        }
        Reconciler sync = inParts(1);
        sync.reconcile(Scope.ALL, false, false, false);
        for (int i = 0; i < 8; i++) {
            h1.members().remove("p" + i, h1.members().find("p" + i, "alice", false).orElseThrow().id());
        }

        // h2's base has 16 members (8 owners, 8 alice): 25 % is 4. Each part sees one deletion; the first four stay
        // within the run's limit, the fifth would pass it, and it and every later one are held back.
        ReconcileFinished r = sync.reconcile(Scope.ALL, false, false, false);

        long kept = java.util.stream.IntStream.range(0, 8)
                .filter(i -> h2.members().find("p" + i, "alice", false).isPresent()).count();
        assertThat(kept).as("deletions held back once the run's count passed the limit").isEqualTo(4);
        assertThat(h2.members().find("p0", "alice", false)).as("the parts go in name order").isEmpty();
        assertThat(h2.members().find("p7", "alice", false)).isPresent();
        assertThat(r.heldBack()).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Kind.MEMBER);
            assertThat(v.site()).isEqualTo("h2");
            assertThat(v.deletions()).as("the held-back parts' deletions").isEqualTo(4);
            assertThat(v.known()).isEqualTo(16);
        });

        ReconcileFinished forced = sync.reconcile(Scope.ALL, false, true, false);
        assertThat(forced.unsettled()).isEmpty();
        for (int i = 0; i < 8; i++) {
            assertThat(h2.members().find("p" + i, "alice", false)).as("p" + i + " after force").isEmpty();
        }
    }

    @Test
    void theNextPartIsReadWhileAPartIsSentButThePartWithSystemRobotsOnlyAfterThePartsBeforeIt() {
        for (int i = 0; i < 3; i++) {
            project(h1, "p" + i);
            h1.members().add("p" + i, new MemberReq(2, new UserEntity(null, "alice"), null));
        }
        Reconciler sync = inParts(1); // p0 (with the global labels), p1, p2 (with the system robots)
        sync.reconcile(Scope.ALL, false, false, false);
        for (int i = 0; i < 3; i++) {
            h1.members().updateRole("p" + i, h1.members().find("p" + i, "alice", false).orElseThrow().id(), 3);
        }
        java.util.concurrent.CountDownLatch p1Read = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch p1Sent = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean notReadAhead = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean lastReadEarly = new java.util.concurrent.atomic.AtomicBoolean();
        f.emulator("h1").faults().add(io.harborsync.emulator.Fault.on("GET", "/api/v2.0/projects/p1/members")
                .before(p1Read::countDown));
        f.emulator("h1").faults().add(io.harborsync.emulator.Fault.on("GET", "/api/v2.0/projects/p2/members")
                .before(() -> lastReadEarly.compareAndSet(false, p1Sent.getCount() > 0)));
        // p0's write is answered only once p1's members were asked for: a part read after the one before it has
        // been sent never gets here
        f.emulator("h2").faults().add(io.harborsync.emulator.Fault.on("PUT", "/api/v2.0/projects/p0/members/[0-9]+")
                .before(() -> io.harborsync.testsupport.Hold.until(p1Read, notReadAhead)).times(1));
        f.emulator("h2").faults().add(io.harborsync.emulator.Fault.on("PUT", "/api/v2.0/projects/p1/members/[0-9]+")
                .before(p1Sent::countDown));

        ReconcileFinished r = sync.reconcile(Scope.ALL, false, false, false);

        assertThat(notReadAhead).as("p1's part was read while p0's was being sent").isFalse();
        assertThat(lastReadEarly).as("p2's part (system robots) was read only after p1's part was sent").isFalse();
        assertThat(sync.lastParts().parts()).isEqualTo(3);
        assertThat(sync.lastParts().readAhead()).as("p1's part only: not p0's (the first), not p2's").isEqualTo(1);
        assertThat(r.unsettled()).isEmpty();
        for (int i = 0; i < 3; i++) {
            assertThat(h2.members().find("p" + i, "alice", false)).as("p" + i).get()
                    .extracting(m -> m.roleId()).isEqualTo(3);
        }
    }
}
