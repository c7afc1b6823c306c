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
        client.projects().create(new ProjectReq(name, false, null, null, null, null));
    }

    @Test
    void systemEndpoints() {
        assertThat(client.health().healthy()).isTrue();
        assertThat(client.systemInfo().harborVersion()).startsWith("v2.15");
    }

    @Test
    void projectLifecycleWithMetadataAllowlistAndQuota() {
        CveAllowlist allow = CveAllowlist.portable(null, List.of(new CveItem("CVE-2026-0001")));
        long id = client.projects().create(new ProjectReq(p, true, Map.of("auto_scan", "true", "severity", "high"),
                allow, 10_737_418_240L, null));
        assertThat(id).isPositive();
        assertThat(client.projects().exists(p)).isTrue();

        Project got = client.projects().get(p);
        assertThat(got.projectId()).isEqualTo(id);
        assertThat(got.metadata()).containsEntry("public", "true").containsEntry("auto_scan", "true");
        // Harbor ignores the allowlist on create; the client applied it with a PUT.
        assertThat(got.cveAllowlist().items()).extracting(CveItem::cveId).containsExactly("CVE-2026-0001");
        assertThat(client.quotas().ofProject(id)).get().extracting(Quota::hardStorage).isEqualTo(10_737_418_240L);

        client.projects().updateSettings(p, Map.of("prevent_vul", "true", "public", "false"), null);
        assertThat(client.projects().metadata(p)).containsEntry("prevent_vul", "true").containsEntry("public", "false")
                .containsEntry("auto_scan", "true");
        client.projects().removeMetadata(p, "auto_scan");
        assertThat(client.projects().metadata(p)).doesNotContainKey("auto_scan");

        client.projects().updateSettings(p, Map.of(), CveAllowlist.portable(1_900_000_000L,
                List.of(new CveItem("CVE-2026-0002"), new CveItem("CVE-2026-0003"))));
        assertThat(client.projects().get(p).cveAllowlist().expiresAt()).isEqualTo(1_900_000_000L);

        client.quotas().setStorageLimit(p, -1, java.util.Optional.empty());
        assertThat(client.quotas().ofProject(id)).get().extracting(Quota::hardStorage).isEqualTo(-1L);
        Quotas.Page first = client.quotas().page(1);
        assertThat(first.total()).as("the listing's X-Total-Count").isGreaterThanOrEqualTo(1L);
        Quotas.Listing listing = new Quotas.Listing();
        listing.add(first);
        assertThat(listing.trusted(id)).as("every project's quota in one listing, by project id").get()
                .extracting(Quota::hardStorage).isEqualTo(-1L);

        HarborTestCalls.updateProject(client, p,
                new ProjectReq(null, null, Map.of("enable_content_trust", "false"), null, null, null));
        assertThat(client.projects().metadata(p)).containsEntry("enable_content_trust", "false");

        client.projects().delete(p);
        assertThat(client.projects().exists(p)).isFalse();
        assertThat(client.projects().find(p)).isEmpty();
        assertThrows(HarborException.NotFound.class, () -> client.projects().delete(p));
    }

    @Test
    void listingFollowsEveryPage() {
        IntStream.range(0, 5).forEach(i -> newProject(p + "-" + i));
        assertThat(client.projects().list()).extracting(Project::name)
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
        client.artifacts().delete(p, "app/web", digest);
        assertThat(client.repositories().list(p)).extracting(Repository::name).containsExactly(p + "/app/web");
        assertThrows(HarborException.PreconditionFailed.class, () -> client.projects().delete(p));
        client.repositories().delete(p, "app/web");
        client.projects().delete(p);
        assertThat(client.projects().exists(p)).isFalse();
    }

    @Test
    void membersUsersAndGroups() {
        newProject(p);
        h1.emulator().addUser("alice-" + p);
        h1.emulator().addGroup("ldap-devs-" + p, 1);

        long alice = client.members().add(p, new MemberReq(2, new UserEntity(null, "alice-" + p), null));
        long devs = client.members().add(p, new MemberReq(3, null, new UserGroup(null, "ldap-devs-" + p, 1, null)));
        long oidc = client.members().add(p, new MemberReq(4, null, new UserGroup(null, "oidc-team-" + p, 3, null)));
        assertThat(List.of(alice, devs, oidc)).doesNotHaveDuplicates();

        assertThat(client.members().list(p)).extracting(Member::entityName)
                .contains("admin", "alice-" + p, "ldap-devs-" + p, "oidc-team-" + p);
        assertThat(client.members().find(p, "alice-" + p, false)).get().extracting(Member::roleId).isEqualTo(2);
        assertThat(client.members().find(p, "alice-" + p, true)).isEmpty();
        assertThat(client.members().find(p, "ldap-devs-" + p, true)).get().extracting(Member::entityType).isEqualTo("g");

        client.members().updateRole(p, alice, 4);
        assertThat(client.members().find(p, "alice-" + p, false)).get().extracting(Member::roleId).isEqualTo(4);
        client.members().remove(p, alice);
        assertThat(client.members().find(p, "alice-" + p, false)).isEmpty();

        // Harbor answers 200 to a role change of a member id that is gone, and changes nothing (api-notes §5);
        // the engine only sends ids from its own listing, so the next listing shows the removal.
        client.members().updateRole(p, alice, 2);
        assertThat(client.members().find(p, "alice-" + p, false)).isEmpty();
        assertThrows(HarborException.Conflict.class,
                () -> client.members().add(p, new MemberReq(2, null, new UserGroup(null, "ldap-devs-" + p, 1, null))));
    }

    @Test
    void aUserThePeerDoesNotKnowIsNotFound() {
        newProject(p);
        HarborException.NotFound e = assertThrows(HarborException.NotFound.class,
                () -> client.members().add(p, new MemberReq(2, new UserEntity(null, "never-logged-in"), null)));
        assertThat(e.getMessage()).contains("never-logged-in");
    }

    @Test
    void repositoriesArtifactsAndTagsWithSlashesInNames() {
        newProject(p);
        String d1 = h1.emulator().pushArtifact(p, "app/web/frontend", null, "1.0", "latest");
        String d2 = h1.emulator().pushArtifact(p, "app/web/frontend", null, "2.0");
        h1.emulator().pushArtifact(p, "tools", null, "x");

        assertThat(client.repositories().list(p)).extracting(Repository::name)
                .containsExactlyInAnyOrder(p + "/app/web/frontend", p + "/tools");
        assertThat(client.artifacts().list(p, "app/web/frontend")).extracting(Artifact::digest)
                .containsExactlyInAnyOrder(d1, d2);
        assertThat(client.artifacts().find(p, "app/web/frontend", d1)).get()
                .satisfies(a -> assertThat(a.tagNames()).containsExactlyInAnyOrder("1.0", "latest"));
        assertThat(client.artifacts().find(p, "app/web/frontend", "latest")).get()
                .extracting(Artifact::digest).isEqualTo(d1);

        client.artifacts().addTag(p, "app/web/frontend", d2, "stable");
        assertThat(client.artifacts().tags(p, "app/web/frontend", d2)).extracting(Tag::name).contains("2.0", "stable");
        client.artifacts().deleteTag(p, "app/web/frontend", d2, "2.0");
        assertThat(client.artifacts().tags(p, "app/web/frontend", d2)).extracting(Tag::name).containsExactly("stable");

        client.artifacts().delete(p, "app/web/frontend", "latest"); // a tag reference deletes the whole artifact
        assertThat(client.artifacts().find(p, "app/web/frontend", d1)).isEmpty();
        client.artifacts().delete(p, "app/web/frontend", d2);
        assertThrows(HarborException.NotFound.class, () -> client.artifacts().delete(p, "app/web/frontend", d2));
        client.repositories().delete(p, "app/web/frontend");
        assertThat(client.repositories().list(p)).extracting(Repository::name).containsExactly(p + "/tools");
    }

    @Test
    void robotsAndWhatARobotSees() {
        newProject(p);
        RobotCreated sys = client.robots().create(new RobotCreate("sync-" + p, "harbor-sync", "system", -1L,
                List.of(new RobotPermission("project", "*", List.of(new Access("repository", "pull", null),
                        new Access("project", "read", null))))));
        assertThat(sys.name()).isEqualTo("robot$sync-" + p);
        assertThat(sys.secret()).isNotBlank();
        assertThat(sys.toString()).doesNotContain(sys.secret());
        assertThat(client.robots().listSystem()).extracting(Robot::name).contains("robot$sync-" + p);
        assertThat(client.robots().get(sys.id()).level()).isEqualTo("system");

        long projectId = client.projects().get(p).projectId();
        RobotCreated ci = client.robots().create(new RobotCreate("ci", null, "project", 30L,
                List.of(new RobotPermission("project", p, List.of(new Access("repository", "push", null))))));
        assertThat(client.robots().listProject(projectId)).extracting(Robot::name).containsExactly("robot$" + p + "+ci");

        client.robots().setSecret(sys.id(), "Known-Secret-123");
        HarborClient asRobot = clientAs("robot$sync-" + p, "Known-Secret-123", 100);
        // A robot is told 403 for a missing project; the client resolves it with HEAD.
        assertThat(asRobot.projects().find("no-such-project-" + p)).isEmpty();
        assertThat(asRobot.projects().exists(p)).isTrue();

        client.robots().delete(ci.id());
        client.robots().delete(sys.id());
        assertThrows(HarborException.NotFound.class, () -> client.robots().get(sys.id()));
    }

    @Test
    void registriesAndReplication() {
        long reg = client.registries().create(new Registry(null, "h2-" + p, "https://core.h2.harbor.domain", "harbor",
                false, "peer", new RegistryCredential("basic", "robot$replicator", "secret-Pw1"), null));
        assertThat(HarborTestCalls.getRegistry(client, reg).name()).isEqualTo("h2-" + p);
        assertThat(client.registries().list()).extracting(Registry::name).contains("h2-" + p);

        long policy = client.replications().createPolicy(new ReplicationPolicy(null, "to-h2-" + p, null, null,
                new Registry(reg, null, null, null, null, null, null, null), "", -1,
                new ReplicationTrigger("event_based", null), List.of(new ReplicationFilter("name", p + "/**", null)),
                true, true, true));
        ReplicationPolicy got = HarborTestCalls.getReplicationPolicy(client, policy);
        assertThat(got.deletion()).isTrue();
        client.replications().updatePolicy(policy, new ReplicationPolicy(null, "to-h2-" + p, "updated", null,
                new Registry(reg, null, null, null, null, null, null, null), "", -1,
                new ReplicationTrigger("manual", null), null, false, true, true));
        assertThat(HarborTestCalls.getReplicationPolicy(client, policy).description()).isEqualTo("updated");
        assertThat(client.replications().listPolicies()).extracting(ReplicationPolicy::id).contains(policy);

        long exec = HarborTestCalls.startReplication(client, policy);
        assertThat(HarborTestCalls.getReplicationExecution(client, exec).policyId()).isEqualTo(policy);
        assertThat(HarborTestCalls.listReplicationExecutions(client, policy)).extracting(ReplicationExecution::id)
                .contains(exec);

        HarborTestCalls.deleteReplicationPolicy(client, policy);
        HarborTestCalls.deleteRegistry(client, reg);
        assertThrows(HarborException.NotFound.class, () -> HarborTestCalls.getRegistry(client, reg));
    }

    @Test
    void webhookPolicies() {
        newProject(p);
        WebhookPolicy policy = new WebhookPolicy(null, "harbor-sync", "to the daemon", null,
                List.of(new WebhookTarget("http", "http://localhost:8080/webhooks/h1", "s3cret", false, "Default")),
                List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"), true);
        long id = client.webhookPolicies().create(p, policy);
        assertThat(client.webhookPolicies().list(p)).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo(id);
            assertThat(w.targets().get(0).address()).isEqualTo("http://localhost:8080/webhooks/h1");
        });
        assertThat(policy.targets().get(0).toString()).doesNotContain("s3cret");
        client.webhookPolicies().update(p, id, new WebhookPolicy(null, "harbor-sync", "to the daemon", null,
                policy.targets(), List.of("PUSH_ARTIFACT"), false));
        assertThat(client.webhookPolicies().list(p)).singleElement()
                .satisfies(w -> assertThat(w.enabled()).isFalse());
        HarborTestCalls.deleteWebhookPolicy(client, p, id);
        assertThat(client.webhookPolicies().list(p)).isEmpty();
    }

    @Test
    void auditLogTailFromACursor() {
        long from = lastAuditLogId() + 1;
        newProject(p);
        h1.emulator().pushArtifact(p, "app", null, "1.0");
        client.repositories().delete(p, "app");
        client.projects().delete(p);

        List<AuditLogExt> rows = client.auditLogs().since(from, 100);
        assertThat(rows).extracting(AuditLogExt::id).isSorted().allMatch(id -> id >= from);
        assertThat(rows).extracting(r -> r.resourceType() + "/" + r.operation())
                .contains("project/create", "artifact/create", "repository/delete", "project/delete");
        assertThat(client.auditLogs().since(from, 2)).hasSize(2);
        // Harbor v2.15 does not log member changes: the client must not expect them.
        assertThat(client.auditLogs().eventTypes()).contains("create_project", "delete_repository")
                .doesNotContain("create_member");
    }

    private long lastAuditLogId() {
        long cursor = 1;
        while (true) {
            List<AuditLogExt> page = client.auditLogs().since(cursor, 100);
            if (page.isEmpty()) {
                return cursor - 1;
            }
            cursor = page.get(page.size() - 1).id() + 1;
        }
    }
}
