package io.harborsync.harbor;

import io.harborsync.config.Site;
import io.harborsync.harbor.HarborModel.*;
import io.harborsync.testsupport.EmulatorExtension;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Drives every {@link HarborClient} method against the emulator. Every request and answer is checked
 * against Harbor's swagger.yaml by the extension's SpecGuard: a violation fails the test that sent it.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class HarborClientContractTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    HarborClient client;
    String p;

    @BeforeEach
    void setUp() {
        // page size 2 so that every listing below crosses pages
        client = clientAs("admin", "Harbor12345", 2);
        p = "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private HarborClient clientAs(String user, String password, int pageSize) {
        return HarborClientFactory.create(new Site("h1", h1.emulator().baseUrl(), user, password, Optional.empty(),
                Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(5), pageSize);
    }

    private void newProject(String name) {
        client.createProject(new ProjectReq(name, false, null, null, null, null));
    }

    @Test
    void systemEndpoints() {
        assertThat(client.health().healthy()).isTrue();
        assertThat(client.systemInfo().harborVersion()).startsWith("v2.15");
    }

    @Test
    void projectLifecycleWithMetadataAllowlistAndQuota() {
        CveAllowlist allow = CveAllowlist.portable(null, List.of(new CveItem("CVE-2026-0001")));
        long id = client.createProject(new ProjectReq(p, true, Map.of("auto_scan", "true", "severity", "high"),
                allow, 10_737_418_240L, null));
        assertThat(id).isPositive();
        assertThat(client.projectExists(p)).isTrue();

        Project got = client.getProject(p);
        assertThat(got.projectId()).isEqualTo(id);
        assertThat(got.metadata()).containsEntry("public", "true").containsEntry("auto_scan", "true");
        // Harbor ignores the allowlist on create; the client applied it with a PUT.
        assertThat(got.cveAllowlist().items()).extracting(CveItem::cveId).containsExactly("CVE-2026-0001");
        assertThat(client.projectQuota(id)).get().extracting(Quota::hardStorage).isEqualTo(10_737_418_240L);

        client.updateProjectSettings(p, Map.of("prevent_vul", "true", "public", "false"), null);
        assertThat(client.metadata(p)).containsEntry("prevent_vul", "true").containsEntry("public", "false")
                .containsEntry("auto_scan", "true");
        client.removeMetadata(p, "auto_scan");
        assertThat(client.metadata(p)).doesNotContainKey("auto_scan");

        client.updateProjectSettings(p, Map.of(), CveAllowlist.portable(1_900_000_000L,
                List.of(new CveItem("CVE-2026-0002"), new CveItem("CVE-2026-0003"))));
        assertThat(client.getProject(p).cveAllowlist().expiresAt()).isEqualTo(1_900_000_000L);

        client.setStorageLimit(p, -1, java.util.Optional.empty());
        assertThat(client.projectQuota(id)).get().extracting(Quota::hardStorage).isEqualTo(-1L);
        assertThat(client.listProjectQuotas()).as("every project's quota in one listing, keyed by project id")
                .hasSizeGreaterThanOrEqualTo(1).extractingByKey(id).extracting(Quota::hardStorage).isEqualTo(-1L);

        client.updateProject(p, new ProjectReq(null, null, Map.of("enable_content_trust", "false"), null, null, null));
        assertThat(client.metadata(p)).containsEntry("enable_content_trust", "false");

        client.deleteProject(p);
        assertThat(client.projectExists(p)).isFalse();
        assertThat(client.findProject(p)).isEmpty();
        assertThrows(HarborException.NotFound.class, () -> client.deleteProject(p));
    }

    @Test
    void listingFollowsEveryPage() {
        IntStream.range(0, 5).forEach(i -> newProject(p + "-" + i));
        assertThat(client.listProjects()).extracting(Project::name)
                .contains(p + "-0", p + "-1", p + "-2", p + "-3", p + "-4");
    }

    @Test
    void duplicateProjectIsAConflict() {
        newProject(p);
        HarborException.Conflict e = assertThrows(HarborException.Conflict.class, () -> newProject(p));
        assertThat(e.code()).isEqualTo("CONFLICT");
    }

    @Test
    void aProjectWithAnEmptyRepositoryCannotBeDeleted() {
        newProject(p);
        String digest = h1.emulator().pushArtifact(p, "app/web", null, "1.0");
        client.deleteArtifact(p, "app/web", digest);
        assertThat(client.listRepositories(p)).extracting(Repository::name).containsExactly(p + "/app/web");
        assertThrows(HarborException.PreconditionFailed.class, () -> client.deleteProject(p));
        client.deleteRepository(p, "app/web");
        client.deleteProject(p);
        assertThat(client.projectExists(p)).isFalse();
    }

    @Test
    void membersUsersAndGroups() {
        newProject(p);
        h1.emulator().addUser("alice-" + p);
        h1.emulator().addGroup("ldap-devs-" + p, 1);

        long alice = client.addMember(p, new MemberReq(2, new UserEntity(null, "alice-" + p), null));
        long devs = client.addMember(p, new MemberReq(3, null, new UserGroup(null, "ldap-devs-" + p, 1, null)));
        long oidc = client.addMember(p, new MemberReq(4, null, new UserGroup(null, "oidc-team-" + p, 3, null)));
        assertThat(List.of(alice, devs, oidc)).doesNotHaveDuplicates();

        assertThat(client.listMembers(p)).extracting(Member::entityName)
                .contains("admin", "alice-" + p, "ldap-devs-" + p, "oidc-team-" + p);
        assertThat(client.findMember(p, "alice-" + p, false)).get().extracting(Member::roleId).isEqualTo(2);
        assertThat(client.findMember(p, "alice-" + p, true)).isEmpty();
        assertThat(client.findMember(p, "ldap-devs-" + p, true)).get().extracting(Member::entityType).isEqualTo("g");

        client.updateMemberRole(p, alice, 4);
        assertThat(client.findMember(p, "alice-" + p, false)).get().extracting(Member::roleId).isEqualTo(4);
        client.removeMember(p, alice);
        assertThat(client.findMember(p, "alice-" + p, false)).isEmpty();

        // Harbor answers 200 to a role change of a member id that is gone, and changes nothing (api-notes §5);
        // the engine only sends ids from its own listing, so the next listing shows the removal.
        client.updateMemberRole(p, alice, 2);
        assertThat(client.findMember(p, "alice-" + p, false)).isEmpty();
        assertThrows(HarborException.Conflict.class,
                () -> client.addMember(p, new MemberReq(2, null, new UserGroup(null, "ldap-devs-" + p, 1, null))));
    }

    @Test
    void aUserThePeerDoesNotKnowIsNotFound() {
        newProject(p);
        HarborException.NotFound e = assertThrows(HarborException.NotFound.class,
                () -> client.addMember(p, new MemberReq(2, new UserEntity(null, "never-logged-in"), null)));
        assertThat(e.getMessage()).contains("never-logged-in");
    }

    @Test
    void repositoriesArtifactsAndTagsWithSlashesInNames() {
        newProject(p);
        String d1 = h1.emulator().pushArtifact(p, "app/web/frontend", null, "1.0", "latest");
        String d2 = h1.emulator().pushArtifact(p, "app/web/frontend", null, "2.0");
        h1.emulator().pushArtifact(p, "tools", null, "x");

        assertThat(client.listRepositories(p)).extracting(Repository::name)
                .containsExactlyInAnyOrder(p + "/app/web/frontend", p + "/tools");
        assertThat(client.listArtifacts(p, "app/web/frontend")).extracting(Artifact::digest)
                .containsExactlyInAnyOrder(d1, d2);
        assertThat(client.findArtifact(p, "app/web/frontend", d1)).get()
                .satisfies(a -> assertThat(a.tagNames()).containsExactlyInAnyOrder("1.0", "latest"));
        assertThat(client.findArtifact(p, "app/web/frontend", "latest")).get()
                .extracting(Artifact::digest).isEqualTo(d1);

        client.addTag(p, "app/web/frontend", d2, "stable");
        assertThat(client.listTags(p, "app/web/frontend", d2)).extracting(Tag::name).contains("2.0", "stable");
        client.deleteTag(p, "app/web/frontend", d2, "2.0");
        assertThat(client.listTags(p, "app/web/frontend", d2)).extracting(Tag::name).containsExactly("stable");

        client.deleteArtifact(p, "app/web/frontend", "latest"); // a tag reference deletes the whole artifact
        assertThat(client.findArtifact(p, "app/web/frontend", d1)).isEmpty();
        client.deleteArtifact(p, "app/web/frontend", d2);
        assertThrows(HarborException.NotFound.class, () -> client.deleteArtifact(p, "app/web/frontend", d2));
        client.deleteRepository(p, "app/web/frontend");
        assertThat(client.listRepositories(p)).extracting(Repository::name).containsExactly(p + "/tools");
    }

    @Test
    void robotsAndWhatARobotSees() {
        newProject(p);
        RobotCreated sys = client.createRobot(new RobotCreate("sync-" + p, "harbor-sync", "system", -1L,
                List.of(new RobotPermission("project", "*", List.of(new Access("repository", "pull", null),
                        new Access("project", "read", null))))));
        assertThat(sys.name()).isEqualTo("robot$sync-" + p);
        assertThat(sys.secret()).isNotBlank();
        assertThat(sys.toString()).doesNotContain(sys.secret());
        assertThat(client.listSystemRobots()).extracting(Robot::name).contains("robot$sync-" + p);
        assertThat(client.getRobot(sys.id()).level()).isEqualTo("system");

        long projectId = client.getProject(p).projectId();
        RobotCreated ci = client.createRobot(new RobotCreate("ci", null, "project", 30L,
                List.of(new RobotPermission("project", p, List.of(new Access("repository", "push", null))))));
        assertThat(client.listProjectRobots(projectId)).extracting(Robot::name).containsExactly("robot$" + p + "+ci");

        client.setRobotSecret(sys.id(), "Known-Secret-123");
        HarborClient asRobot = clientAs("robot$sync-" + p, "Known-Secret-123", 100);
        // A robot is told 403 for a missing project; the client resolves it with HEAD.
        assertThat(asRobot.findProject("no-such-project-" + p)).isEmpty();
        assertThat(asRobot.projectExists(p)).isTrue();

        client.deleteRobot(ci.id());
        client.deleteRobot(sys.id());
        assertThrows(HarborException.NotFound.class, () -> client.getRobot(sys.id()));
    }

    @Test
    void registriesAndReplication() {
        long reg = client.createRegistry(new Registry(null, "h2-" + p, "https://core.h2.harbor.domain", "harbor",
                false, "peer", new RegistryCredential("basic", "robot$replicator", "secret-Pw1"), null));
        assertThat(client.getRegistry(reg).name()).isEqualTo("h2-" + p);
        assertThat(client.listRegistries()).extracting(Registry::name).contains("h2-" + p);

        long policy = client.createReplicationPolicy(new ReplicationPolicy(null, "to-h2-" + p, null, null,
                new Registry(reg, null, null, null, null, null, null, null), "", -1,
                new ReplicationTrigger("event_based", null), List.of(new ReplicationFilter("name", p + "/**", null)),
                true, true, true));
        ReplicationPolicy got = client.getReplicationPolicy(policy);
        assertThat(got.deletion()).isTrue();
        client.updateReplicationPolicy(policy, new ReplicationPolicy(null, "to-h2-" + p, "updated", null,
                new Registry(reg, null, null, null, null, null, null, null), "", -1,
                new ReplicationTrigger("manual", null), null, false, true, true));
        assertThat(client.getReplicationPolicy(policy).description()).isEqualTo("updated");
        assertThat(client.listReplicationPolicies()).extracting(ReplicationPolicy::id).contains(policy);

        long exec = client.startReplication(policy);
        assertThat(client.getReplicationExecution(exec).policyId()).isEqualTo(policy);
        assertThat(client.listReplicationExecutions(policy)).extracting(ReplicationExecution::id).contains(exec);

        client.deleteReplicationPolicy(policy);
        client.deleteRegistry(reg);
        assertThrows(HarborException.NotFound.class, () -> client.getRegistry(reg));
    }

    @Test
    void webhookPolicies() {
        newProject(p);
        WebhookPolicy policy = new WebhookPolicy(null, "harbor-sync", "to the daemon", null,
                List.of(new WebhookTarget("http", "http://localhost:8080/webhooks/h1", "s3cret", false, "Default")),
                List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"), true);
        long id = client.createWebhookPolicy(p, policy);
        assertThat(client.listWebhookPolicies(p)).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo(id);
            assertThat(w.targets().get(0).address()).isEqualTo("http://localhost:8080/webhooks/h1");
        });
        assertThat(policy.targets().get(0).toString()).doesNotContain("s3cret");
        client.updateWebhookPolicy(p, id, new WebhookPolicy(null, "harbor-sync", "to the daemon", null,
                policy.targets(), List.of("PUSH_ARTIFACT"), false));
        assertThat(client.listWebhookPolicies(p)).singleElement()
                .satisfies(w -> assertThat(w.enabled()).isFalse());
        client.deleteWebhookPolicy(p, id);
        assertThat(client.listWebhookPolicies(p)).isEmpty();
    }

    @Test
    void auditLogTailFromACursor() {
        long from = lastAuditLogId() + 1;
        newProject(p);
        h1.emulator().pushArtifact(p, "app", null, "1.0");
        client.deleteRepository(p, "app");
        client.deleteProject(p);

        List<AuditLogExt> rows = client.auditLogSince(from, 100);
        assertThat(rows).extracting(AuditLogExt::id).isSorted().allMatch(id -> id >= from);
        assertThat(rows).extracting(r -> r.resourceType() + "/" + r.operation())
                .contains("project/create", "artifact/create", "repository/delete", "project/delete");
        assertThat(client.auditLogSince(from, 2)).hasSize(2);
        // Harbor v2.15 does not log member changes: the client must not expect them.
        assertThat(client.auditLogEventTypes()).contains("create_project", "delete_repository")
                .doesNotContain("create_member");
    }

    private long lastAuditLogId() {
        long cursor = 1;
        while (true) {
            List<AuditLogExt> page = client.auditLogSince(cursor, 100);
            if (page.isEmpty()) {
                return cursor - 1;
            }
            cursor = page.get(page.size() - 1).id() + 1;
        }
    }
}
