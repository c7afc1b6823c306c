package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.Registry;
import io.harborsync.harbor.HarborModel.RegistryCredential;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotCreated;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.emulator.Fault;
import io.harborsync.model.Keys;
import io.harborsync.model.Scope;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Robot accounts as a mirrored kind over two emulated Harbors (observations §3): system and project robots copied
 * by name with description, duration, disable flag and permissions, changed and deleted three-way; the replication
 * robots bootstrap records in peers' endpoints left alone; a robot daemon account a precondition, not a failure per
 * robot; and which robots' secrets are not aligned. Every request is spec-checked.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class RobotKindsTest extends TwoSitesKindTest {
    final io.harborsync.testsupport.InMemorySecretAlignments alignments = new io.harborsync.testsupport.InMemorySecretAlignments();

    private Reconciler sync(SyncSettings settings) {
        return new Reconciler(f.clients, f.store, settings, Clock.systemUTC(), f.ownWrites,
                java.util.concurrent.ForkJoinPool.commonPool(), alignments);
    }

    private Reconciler sync() {
        return sync(SyncSettings.defaults("h1"));
    }

    private static RobotPermission perm(String kind, String namespace, String... pairs) {
        return new RobotPermission(kind, namespace, java.util.Arrays.stream(pairs)
                .map(p -> new Access(p.split(":")[0], p.split(":")[1], null)).toList());
    }

    private static RobotCreate system(String name, RobotPermission... perms) {
        return new RobotCreate(name, "ci of team a", "system", 30L, List.of(perms));
    }

    private static Optional<Robot> systemRobot(HarborClient c, String name) {
        return c.robots().findSystem(name);
    }

    private static Set<String> flat(Robot r) {
        return io.harborsync.bootstrap.BootstrapPermissions.flatten(r.permissions());
    }

    @Test
    void aSystemRobotMadeOnOneSiteIsCopiedWithItsAttributesAndShownNotAligned() {
        project(h1, "team-a");
        RobotCreated made = h1.robots().create(system("ci", perm("project", "team-a", "repository:pull",
                "artifact:read"), perm("project", "*", "repository:list"), perm("system", "/", "project:list")));
        Robot original = h1.robots().get(made.id());
        h1.robots().update(made.id(), new Robot(null, original.name(), original.description(), "system", 30L, true,
                null, original.permissions(), null, null));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        Robot copy = systemRobot(h2, "ci").orElseThrow();
        assertThat(copy.description()).isEqualTo("ci of team a");
        assertThat(copy.duration()).isEqualTo(30L);
        assertThat(copy.disable()).as("Harbor ignores disable on create: set afterwards").isTrue();
        assertThat(flat(copy)).isEqualTo(flat(h1.robots().get(made.id())));
        // the copy's "create robot" audit row on h2 is known as the daemon's own (no reconcile follows it)
        assertThat(f.ownWrites.consumeAudit(new OwnWrites.Write("h2", OwnWrites.Resource.ROBOT, "robot$ci",
                OwnWrites.Action.CREATE))).isTrue();
        assertThat(r.secretsNotAligned()).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo(Keys.systemRobot("ci"));
            assertThat(s.robot()).isEqualTo("ci");
            assertThat(s.sites()).containsExactly("h1", "h2");
        });
        // The base moved: nothing left to do, and the robot stays not aligned until its secret is set.
        SyncReport again = sync().run(Scope.ALL, false, false);
        assertThat(again.planned()).isEmpty();
        assertThat(again.secretsNotAligned()).extracting(SyncReport.SecretNotAligned::key)
                .containsExactly(Keys.systemRobot("ci"));
    }

    @Test
    void aProvenSecretIsAlignedUntilTheRobotIsRecreatedOnASite() {
        h1.robots().create(system("deploy", perm("project", "*", "repository:pull")));
        sync().run(Scope.ALL, false, false);
        long id1 = systemRobot(h1, "deploy").orElseThrow().id();
        long id2 = systemRobot(h2, "deploy").orElseThrow().id();
        alignments.record(Keys.systemRobot("deploy"), Map.of("h1", id1, "h2", id2));

        assertThat(sync().run(Scope.ALL, true, false).secretsNotAligned()).isEmpty();

        h2.robots().delete(id2);
        h2.robots().create(system("deploy", perm("project", "*", "repository:pull")));
        SyncReport r = sync().run(Scope.ALL, true, false);
        assertThat(r.secretsNotAligned()).singleElement().satisfies(s -> {
            assertThat(s.sites()).containsExactly("h2");
            assertThat(s.reason()).isEqualTo(SecretCheck.CHANGED);
        });
    }

    @Test
    void aPermissionChangeOnEitherSiteReachesTheOtherAndADeletionSpreads() {
        project(h1, "team-a");
        project(h1, "team-b");
        h1.robots().create(system("ci", perm("project", "team-a", "repository:pull")));
        sync().run(Scope.ALL, false, false);
        Robot onH2 = systemRobot(h2, "ci").orElseThrow();
        h2.robots().update(onH2.id(), new Robot(null, onH2.name(), "now for team b", "system", onH2.duration(), false,
                null, List.of(perm("project", "team-b", "repository:pull", "repository:push")), null, null));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        Robot onH1 = systemRobot(h1, "ci").orElseThrow();
        assertThat(onH1.description()).isEqualTo("now for team b");
        assertThat(flat(onH1)).containsExactlyInAnyOrder("project|team-b|repository:pull",
                "project|team-b|repository:push");

        h1.robots().delete(onH1.id());
        SyncReport gone = sync().run(Scope.ALL, false, false);
        assertThat(gone.done()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(SystemRobotKind.ROBOT);
            assertThat(i.op()).isEqualTo(SyncReport.Action.DELETE);
            assertThat(i.site()).isEqualTo("h2");
        });
        assertThat(systemRobot(h2, "ci")).isEmpty();
        assertThat(sync().run(Scope.ALL, false, false).planned()).as("not resurrected").isEmpty();
    }

    @Test
    void aProjectRobotIsCopiedIntoTheSameProjectAndGoesWithIt() {
        project(h1, "team-a");
        long pid = h1.projects().get("team-a").projectId();
        h1.robots().create(new RobotCreate("ci", "", "project", -1L,
                List.of(perm("project", "team-a", "repository:pull", "repository:push"))));

        SyncReport r = sync().run(Scope.project("team-a"), false, false);

        assertThat(r.failed()).isEmpty();
        long pid2 = h2.projects().get("team-a").projectId();
        Robot copy = h2.robots().findInProject(pid2, "team-a", "ci").orElseThrow();
        assertThat(copy.name()).isEqualTo("robot$team-a+ci");
        assertThat(copy.level()).isEqualTo("project");
        assertThat(copy.duration()).isEqualTo(-1L);
        assertThat(flat(copy)).containsExactlyInAnyOrder("project|team-a|repository:pull", "project|team-a|repository:push");
        assertThat(r.secretsNotAligned()).extracting(SyncReport.SecretNotAligned::robot).containsExactly("team-a+ci");

        // Deleting the project deletes its robots on each site (Harbor, no audit row): one project deletion.
        h1.projects().delete("team-a");
        SyncReport gone = sync().run(Scope.ALL, false, false);
        assertThat(gone.failed()).isEmpty();
        assertThat(h2.projects().find("team-a")).isEmpty();
        assertThat(h2.robots().listProject(pid2)).isEmpty();
        assertThat(h1.robots().listProject(pid)).isEmpty();
        assertThat(sync().run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void aRobotThatARegistryEndpointLogsInAsIsNotCopied() {
        // bootstrap's record: h1's endpoint for h2 logs in as h2's replication robot
        RobotCreated replication = h2.robots().create(system("harbor-sync-replication",
                perm("project", "*", "repository:pull", "repository:push")));
        h1.registries().create(new Registry(null, "h2", "https://core.h2.harbor.domain", "harbor", false, "peer",
                new RegistryCredential("basic", replication.name(), "Replic4tion-secret"), null));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(systemRobot(h1, "harbor-sync-replication")).isEmpty();
        assertThat(r.skipped()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(SystemRobotKind.ROBOT);
            assertThat(i.key()).isEqualTo(Keys.systemRobot("harbor-sync-replication"));
            assertThat(i.reason()).contains("registry endpoint");
        });
        assertThat(r.secretsNotAligned()).isEmpty();
    }

    @Test
    void aRobotDaemonAccountIsOnePreconditionAndNoRobotIsTouched() {
        h1.robots().create(system("ci", perm("project", "*", "repository:pull")));
        sync().run(Scope.ALL, false, false); // as admin: copied, base recorded
        h1.robots().delete(systemRobot(h1, "ci").orElseThrow().id());
        h1.robots().create(system("new-one", perm("project", "*", "repository:pull")));
        SyncSettings asRobot = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25, Set.of(),
                Optional.empty(), Map.of(), 1, Set.of(), Map.of("h1", "robot$harbor-sync", "h2", "admin"));

        SyncReport r = sync(asRobot).run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(r.planned()).noneMatch(i -> i.kind().equals(SystemRobotKind.ROBOT)
                || i.kind().equals(ProjectRobotKind.PROJECT_ROBOT));
        assertThat(systemRobot(h2, "ci")).as("unknown is not deleted").isPresent();
        assertThat(systemRobot(h2, "new-one")).isEmpty();
        assertThat(r.preconditions()).filteredOn(p -> p.kinds().contains(SystemRobotKind.ROBOT))
                .extracting(SyncReport.Precondition::reason).singleElement()
                .satisfies(why -> assertThat(why).contains("h1").contains("robot$harbor-sync")
                        .contains("only users update robots"));
        assertThat(r.secretsNotAligned()).isEmpty();
    }

    @Test
    void robotDeletionsFollowTheDisabledKindsSetting() {
        project(h1, "team-a");
        h1.robots().create(system("ci", perm("project", "*", "repository:pull")));
        h1.robots().create(new RobotCreate("ci", "", "project", -1L, List.of(perm("project", "team-a", "repository:pull"))));
        sync().run(Scope.ALL, false, false);
        h1.robots().delete(systemRobot(h1, "ci").orElseThrow().id());
        long pid = h1.projects().get("team-a").projectId();
        h1.robots().delete(h1.robots().findInProject(pid, "team-a", "ci").orElseThrow().id());
        KindRegistry kinds = KindRegistry.standard();
        Set<io.harborsync.model.Kind> off = Set.copyOf(kinds.named("robot"));
        assertThat(off).containsExactlyInAnyOrder(SystemRobotKind.ROBOT, ProjectRobotKind.PROJECT_ROBOT);
        SyncSettings keep = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25, off, Optional.empty(),
                Map.of(), 1);

        SyncReport r = sync(keep).run(Scope.ALL, false, false);

        assertThat(r.planned()).noneMatch(i -> i.op() == SyncReport.Action.DELETE);
        assertThat(systemRobot(h2, "ci")).isPresent();
        assertThat(h2.robots().findInProject(h2.projects().get("team-a").projectId(), "team-a", "ci")).isPresent();
    }

    @Test
    void aFailedRobotListingLeavesProjectsSyncedAndRobotsUnknownOnThatSite() {
        h1.robots().create(system("ci", perm("project", "*", "repository:pull")));
        sync().run(Scope.ALL, false, false);
        project(h1, "team-a");
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/robots.*").status(503));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(h2.projects().find("team-a")).isPresent();
        assertThat(r.unknownSites()).isEmpty();
        assertThat(r.skipped()).anySatisfy(i -> {
            assertThat(i.site()).isEqualTo("h2");
            assertThat(i.kind()).isEqualTo(SystemRobotKind.ROBOT);
            assertThat(i.reason()).startsWith("not read");
        });
        assertThat(r.planned()).noneMatch(i -> i.kind().equals(SystemRobotKind.ROBOT));
    }

    @Test
    void aRobotCopiedToASiteAuthenticatesThereOnlyWithTheSecretHarborGaveIt() {
        RobotCreated made = h1.robots().create(system("pull", perm("project", "*", "repository:pull")));
        sync().run(Scope.ALL, false, false);
        // the copy exists, but h1's secret does not open it: this is what "not aligned" means
        PlainHarborHttp asRobot = f.http.get("h2").as(made.name(), made.secret());
        assertThat(asRobot.get("systeminfo").body()).doesNotContain("harbor_version");
        assertThat(f.http.get("h1").as(made.name(), made.secret()).get("systeminfo").body()).contains("harbor_version");
    }

    @Test
    void theRobotsBootstrapRecordedAreNotCopied() {
        RobotCreated daemonRobot = h1.robots().create(system("harbor-sync", perm("project", "*", "project:read")));
        h1.robots().create(system("harbor-sync-2", perm("project", "*", "project:read"))); // a user's, same pattern
        SyncSettings withRecord = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25, Set.of(),
                Optional.empty(), Map.of(), 1, Set.of(), Map.of(), Map.of("h1", Set.of(daemonRobot.id())));

        SyncReport r = sync(withRecord).run(Scope.ALL, false, false);

        assertThat(systemRobot(h2, "harbor-sync")).isEmpty();
        assertThat(systemRobot(h2, "harbor-sync-2")).as("recognised by the record, not by its name").isPresent();
        assertThat(r.skipped()).anySatisfy(i -> {
            assertThat(i.key()).isEqualTo(Keys.systemRobot("harbor-sync"));
            assertThat(i.reason()).contains(SyncSettings.BOOTSTRAP_RECORD);
        });
    }
}
