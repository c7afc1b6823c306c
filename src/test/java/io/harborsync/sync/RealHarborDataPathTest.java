package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.Member;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.Values.MemberValue;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon against what a real Harbor v2.15.2 was observed to answer on the data path, each reproduced by the
 * emulator (real-harbor-observations.md §1): the member listing's X-Total-Count that counts every member of the
 * project, the 409 for a tag another artifact carries, the 200 [] for the artifacts of a missing repository.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class RealHarborDataPathTest {
    SyncFixture f;
    HarborClient h1;
    HarborClient h2;
    Reconciler sync;

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        h1 = f.client("h1");
        h2 = f.client("h2");
        sync = f.reconciler(SyncSettings.defaults("h1"));
        f.emulators.values().forEach(e -> {
            e.addUser("alice");
            e.addUser("bob");
        });
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static ProjectReq project(String name) {
        return new ProjectReq(name, false, Map.of(), CveAllowlist.portable(null, List.of()), null, null);
    }

    private static MemberReq user(String name, int role) {
        return new MemberReq(role, new UserEntity(null, name), null);
    }

    private long memberId(String site, String project, String name) {
        return f.users.get(site).members().list(project).stream().filter(m -> m.entityName().equals(name))
                .findFirst().orElseThrow().id();
    }

    /**
     * A user adds alice on h2 right after the daemon listed h2's members, so the daemon's add is a 409 and it
     * looks her up by name, in a project that has another member (admin): Harbor answers her alone with the
     * count of both (step mem.list.entity, dsync.memfind), which must not read as a listing that moved.
     */
    @Test
    void aMemberFoundAfterA409IsFoundInAProjectWithOtherMembers() {
        h1.projects().create(project("team-a"));
        h2.projects().create(project("team-a"));
        h1.members().add("team-a", user("alice", 2));
        AtomicBoolean added = new AtomicBoolean();
        ExchangeListener user = x -> {
            if (x.method().equals("GET") && x.rawPath().equals("/api/v2.0/projects/team-a/members")
                    && added.compareAndSet(false, true)) {
                assertThat(f.http.get("h2").post("/api/v2.0/projects/team-a/members",
                        Map.of("role_id", 3, "member_user", Map.of("username", "alice"))).statusCode()).isEqualTo(201);
            }
        };
        f.emulator("h2").addExchangeListener(user);
        SyncReport r = sync.run(Scope.ALL, false, false);
        f.emulator("h2").removeExchangeListener(user);

        assertThat(added).isTrue();
        assertThat(r.failed()).isEmpty();
        assertThat(h2.members().find("team-a", "alice", false)).get().extracting(Member::roleId).isEqualTo(2);
    }

    /** Changing and removing a membership whose id the run does not know: both look it up by name first. */
    @Test
    void aMemberIsUpdatedAndRemovedByNameWhereItsIdIsNotKnown() {
        h2.projects().create(project("team-a"));
        h2.members().add("team-a", user("alice", 2));
        h2.members().add("team-a", user("bob", 2));
        PlanExecutor applier = new PlanExecutor(KindRegistry.standard(), f.clients, SyncSettings.defaults("h1"),
                f.ownWrites, Runnable::run, () -> {
        });
        LiveState nothingRead = new LiveState();
        String alice = Keys.member("team-a", "alice", false);
        String bob = Keys.member("team-a", "bob", false);

        applier.apply(new Op("h2", OpType.UPDATE, Kind.MEMBER, alice, new MemberValue(4), new MemberValue(2), "test"),
                nothingRead);
        applier.apply(new Op("h2", OpType.DELETE, Kind.MEMBER, bob, null, new MemberValue(2), "test"), nothingRead);

        assertThat(h2.members().find("team-a", "alice", false)).get().extracting(Member::roleId).isEqualTo(4);
        assertThat(h2.members().find("team-a", "bob", false)).isEmpty();
        assertThat(h2.members().list("team-a")).extracting(Member::entityName).containsExactlyInAnyOrder("admin", "alice");
    }

    /**
     * A member given role 9 by hand vanishes from Harbor's listing but is still counted in its X-Total-Count
     * (step mem.list.afterrole9): the project is read, not left unknown for ever, and its other members sync.
     */
    @Test
    void aProjectWithAMemberHiddenByAnInvalidRoleIsStillRead() {
        h1.projects().create(project("team-a"));
        h1.members().add("team-a", user("alice", 2));
        h1.members().add("team-a", user("bob", 2));
        assertThat(f.http.get("h1").put("/api/v2.0/projects/team-a/members/" + memberId("h1", "team-a", "bob"),
                Map.of("role_id", 9)).statusCode()).isEqualTo(200);

        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(h2.members().list("team-a")).extracting(Member::entityName).containsExactlyInAnyOrder("admin", "alice");
        assertThat(sync.run(Scope.ALL, false, false).planned()).isEmpty();
    }

    private static final String FIRST = "sha256:" + "1".repeat(64);
    private static final String SECOND = "sha256:" + "2".repeat(64);

    /** team-a/app on both sites with FIRST tagged 1.0 and SECOND tagged stable, in the base. */
    private void twoArtifactsInSync() {
        h1.projects().create(project("team-a"));
        h2.projects().create(project("team-a"));
        for (String site : List.of("h1", "h2")) {
            f.emulator(site).pushArtifact("team-a", "app", FIRST, "1.0");
            f.emulator(site).pushArtifact("team-a", "app", SECOND, "stable");
        }
        assertThat(sync.run(Scope.ALL, false, false).failed()).isEmpty();
    }

    private List<String> tags(HarborClient c, String digest) {
        return c.artifacts().find("team-a", "app", digest).orElseThrow().tagNames();
    }

    /**
     * stable moves from SECOND to FIRST on h1 (a push moves tags). On h2 the daemon adds it to FIRST before it
     * takes it off SECOND (FIRST's key comes first), which real Harbor refuses with 409 while SECOND has it
     * (step tag.create.other): the move is done anyway, and the tag is on FIRST alone.
     */
    @Test
    void aTagMovedToAnotherArtifactMovesOnThePeer() {
        twoArtifactsInSync();
        f.emulator("h1").pushArtifact("team-a", "app", FIRST, "stable");
        assertThat(tags(h1, SECOND)).isEmpty();

        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(tags(h2, FIRST)).containsExactlyInAnyOrder("1.0", "stable");
        assertThat(tags(h2, SECOND)).isEmpty();
        assertThat(sync.run(Scope.ALL, false, false).planned()).isEmpty();
    }

    /**
     * The move fails in the middle: stable is off SECOND on h2, and the add to FIRST then fails. The tag is on
     * neither artifact there, FIRST's base did not move, and the next reconcile finishes the move.
     */
    @Test
    void aTagMoveThatFailsInTheMiddleIsHealedByTheNextReconcile() {
        twoArtifactsInSync();
        f.emulator("h1").pushArtifact("team-a", "app", FIRST, "stable");
        ExchangeListener failNextAdd = x -> {
            if (x.method().equals("DELETE") && x.rawPath().endsWith("/tags/stable")) {
                f.emulator("h2").faults().add(Fault.on("POST", ".*/tags").status(503).times(1));
            }
        };
        f.emulator("h2").addExchangeListener(failNextAdd);
        SyncReport broken = sync.run(Scope.ALL, false, false);
        f.emulator("h2").removeExchangeListener(failNextAdd);

        assertThat(broken.failed()).anySatisfy(i -> assertThat(i.key()).isEqualTo("team-a/app@" + FIRST));
        assertThat(tags(h2, FIRST)).containsExactly("1.0");
        assertThat(tags(h2, SECOND)).isEmpty();

        SyncReport healed = sync.run(Scope.ALL, false, false);

        assertThat(healed.failed()).isEmpty();
        assertThat(tags(h2, FIRST)).containsExactlyInAnyOrder("1.0", "stable");
        assertThat(tags(h2, SECOND)).isEmpty();
        assertThat(tags(h1, FIRST)).containsExactlyInAnyOrder("1.0", "stable");
    }

    /**
     * A user deletes team-a/app on h2 between the daemon's listing of its repositories (app with 2 artifacts) and
     * of app's artifacts, which Harbor then answers 200 [] (step art.get.missingrepo). That empty listing is no
     * proof the artifacts are gone while the repository listing says otherwise: nothing is decided on it. The
     * next reconcile sees the repository gone and propagates that.
     */
    @Test
    void anEmptyArtifactListingOfARepositoryListedWithArtifactsDecidesNothing() {
        twoArtifactsInSync();
        AtomicBoolean deleted = new AtomicBoolean();
        ExchangeListener user = x -> {
            if (x.method().equals("GET") && x.rawPath().equals("/api/v2.0/projects/team-a/repositories")
                    && deleted.compareAndSet(false, true)) {
                assertThat(f.http.get("h2").delete("/api/v2.0/projects/team-a/repositories/app").statusCode())
                        .isEqualTo(200);
            }
        };
        f.emulator("h2").addExchangeListener(user);
        SyncReport raced = sync.run(Scope.ALL, false, false);
        f.emulator("h2").removeExchangeListener(user);

        assertThat(deleted).isTrue();
        assertThat(raced.done()).as("no write on a read that contradicts itself").isEmpty();
        assertThat(h1.artifacts().list("team-a", "app")).hasSize(2);

        sync.run(Scope.ALL, false, true); // forced: every artifact of the project goes, past the mass-deletion guard
        assertThat(h1.repositories().list("team-a")).as("the repository's deletion reached h1").isEmpty();
    }
}
