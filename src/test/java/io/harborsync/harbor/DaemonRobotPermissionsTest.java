package io.harborsync.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.config.Site;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;
import io.harborsync.harbor.HarborOperation.Need;
import io.harborsync.bootstrap.BootstrapPermissions;
import io.harborsync.model.Scope;
import io.harborsync.sync.SyncReport;
import io.harborsync.sync.SyncSettings;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.PlainHarborHttp;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The daemon robot of bootstrap (HARBOR_SYNC, computed from {@link HarborOperation}) against an emulator that
 * enforces robot permissions per resource:action as real Harbor v2.15.2 does (observations §3, dsync.*): with
 * exactly those permissions every operation the daemon performs works and a full reconcile runs clean; without
 * an operation's permission, that operation is refused. A new daemon operation without a probe here, or a
 * permission the list no longer derives, fails this test.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class DaemonRobotPermissionsTest {
    private static final String P = "perm-p";
    private static final AtomicInteger SEQ = new AtomicInteger();

    SyncFixture f;
    PlainHarborHttp admin;
    HarborClient adminClient;
    String digest;
    long projectId;
    long memberId;
    long hookId;
    long systemRobotId;
    long projectRobotId;
    long registryId;
    long ruleId;
    long retentionId;
    long globalLabelId;
    long projectLabelId;

    interface Probe {
        /** Runs the operation as {@code robot}; returns what it answered (for operations that filter, not refuse). */
        Object run(HarborClient robot);
    }

    @BeforeEach
    void start() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        admin = f.http.get("h1");
        adminClient = f.users.get("h1");
        f.emulators.values().forEach(e -> {
            e.addUser("alice");
            e.addUser("bob");
        });
        projectId = adminClient.projects().create(new ProjectReq(P, false, Map.of("auto_scan", "true"), null, null, null));
        memberId = adminClient.members().add(P, new MemberReq(2, new UserEntity(null, "alice"), null));
        digest = f.emulator("h1").pushArtifact(P, "app", null, "v1");
        hookId = adminClient.webhookPolicies().create(P, hook("existing"));
        systemRobotId = adminClient.robots().create(systemRobot("existing-sys")).id();
        projectRobotId = adminClient.robots().create(projectRobot("existing-p")).id();
        globalLabelId = adminClient.labels().create(HarborModel.Label.of("existing-g", "", "", "g", null));
        projectLabelId = adminClient.labels().create(HarborModel.Label.of("existing-p", "", "", "p", projectId));
        registryId = id(admin.post("registries", Map.of("name", "reg", "type", "docker-hub", "url", "https://hub.docker.com")));
        ruleId = adminClient.immutableRules().create(P, immutableRule("existing*"));
        retentionId = adminClient.retentions().create(retention(projectId));
    }

    @AfterEach
    void close() {
        f.close();
    }

    private Map<HarborOperation, Probe> probes() {
        Map<HarborOperation, Probe> p = new EnumMap<>(HarborOperation.class);
        p.put(HarborOperation.HEALTH, HarborClient::health);
        p.put(HarborOperation.SYSTEM_INFO, HarborClient::systemInfo);
        p.put(HarborOperation.LIST_PROJECTS, r -> r.projects().list());
        p.put(HarborOperation.PROJECT_EXISTS, r -> r.projects().exists(P));
        p.put(HarborOperation.GET_PROJECT, r -> r.projects().get(P));
        // a proxy-cache project: refused without system project:create (project.go isSysAdmin(ctx, ActionCreate))
        p.put(HarborOperation.CREATE_PROJECT, r -> r.projects().create(new ProjectReq(unique("perm-new"), false, Map.of(),
                null, null, registryId)));
        p.put(HarborOperation.UPDATE_PROJECT, r -> {
            r.projects().updateSettings(P, Map.of("severity", "high"), null);
            return null;
        });
        p.put(HarborOperation.DELETE_PROJECT, r -> {
            String name = unique("perm-del");
            adminClient.projects().create(new ProjectReq(name, false, Map.of(), null, null, null));
            r.projects().delete(name);
            return null;
        });
        p.put(HarborOperation.LIST_METADATA, r -> r.projects().metadata(P));
        p.put(HarborOperation.DELETE_METADATA, r -> {
            r.projects().removeMetadata(P, "auto_scan");
            return null;
        });
        p.put(HarborOperation.LIST_QUOTAS, r -> List.of(r.quotas().page(1), r.quotas().ofProject(projectId)));
        p.put(HarborOperation.UPDATE_QUOTA, r -> {
            r.quotas().setStorageLimit(P, 1 << 30, Optional.of(adminClient.quotas().ofProject(projectId).orElseThrow().id()));
            return null;
        });
        p.put(HarborOperation.LIST_MEMBERS, r -> List.of(r.members().list(P), r.members().find(P, "alice", false)));
        p.put(HarborOperation.ADD_MEMBER, r -> {
            String user = unique("user");
            f.emulator("h1").addUser(user);
            return r.members().add(P, new MemberReq(3, new UserEntity(null, user), null));
        });
        p.put(HarborOperation.UPDATE_MEMBER, r -> {
            r.members().updateRole(P, memberId, 3);
            return null;
        });
        p.put(HarborOperation.DELETE_MEMBER, r -> {
            String user = unique("user");
            f.emulator("h1").addUser(user);
            r.members().remove(P, adminClient.members().add(P, new MemberReq(3, new UserEntity(null, user), null)));
            return null;
        });
        p.put(HarborOperation.LIST_REPOSITORIES, r -> r.repositories().list(P));
        p.put(HarborOperation.DELETE_REPOSITORY, r -> {
            String repo = unique("gone");
            f.emulator("h1").pushArtifact(P, repo, null, "v1");
            r.repositories().delete(P, repo);
            return null;
        });
        p.put(HarborOperation.LIST_ARTIFACTS, r -> r.artifacts().list(P, "app"));
        p.put(HarborOperation.GET_ARTIFACT, r -> r.artifacts().find(P, "app", digest));
        p.put(HarborOperation.DELETE_ARTIFACT, r -> {
            r.artifacts().delete(P, "app", f.emulator("h1").pushArtifact(P, "app", null, unique("t")));
            return null;
        });
        p.put(HarborOperation.LIST_TAGS, r -> r.artifacts().tags(P, "app", digest));
        p.put(HarborOperation.CREATE_TAG, r -> {
            r.artifacts().addTag(P, "app", digest, unique("t"));
            return null;
        });
        p.put(HarborOperation.DELETE_TAG, r -> {
            String tag = unique("t");
            adminClient.artifacts().addTag(P, "app", digest, tag);
            r.artifacts().deleteTag(P, "app", digest, tag);
            return null;
        });
        p.put(HarborOperation.LIST_WEBHOOK_POLICIES, r -> r.webhookPolicies().list(P));
        p.put(HarborOperation.CREATE_WEBHOOK_POLICY, r -> r.webhookPolicies().create(P, hook(unique("hook"))));
        p.put(HarborOperation.UPDATE_WEBHOOK_POLICY, r -> {
            r.webhookPolicies().update(P, hookId, hook("existing"));
            return null;
        });
        p.put(HarborOperation.DELETE_WEBHOOK_POLICY, r -> { // issue 16: users' webhook policies
            r.webhookPolicies().delete(P, adminClient.webhookPolicies().create(P, hook(unique("hook"))));
            return null;
        });
        p.put(HarborOperation.READ_AUDIT_LOG, r -> r.auditLogs().since(0, 100));
        p.put(HarborOperation.AUDIT_LOG_EVENT_TYPES, r -> r.auditLogs().eventTypes());
        p.put(HarborOperation.LIST_REGISTRIES, r -> r.registries().list());
        p.put(HarborOperation.LIST_SYSTEM_ROBOTS, r -> r.robots().listSystem());
        p.put(HarborOperation.LIST_PROJECT_ROBOTS, r -> r.robots().listProject(projectId));
        p.put(HarborOperation.GET_SYSTEM_ROBOT, r -> r.robots().get(systemRobotId));
        p.put(HarborOperation.GET_PROJECT_ROBOT, r -> r.robots().get(projectRobotId));
        p.put(HarborOperation.CREATE_SYSTEM_ROBOT, r -> r.robots().create(systemRobot(unique("sys"))));
        p.put(HarborOperation.CREATE_PROJECT_ROBOT, r -> r.robots().create(projectRobot(unique("ci"))));
        p.put(HarborOperation.DELETE_SYSTEM_ROBOT, r -> {
            r.robots().delete(adminClient.robots().create(systemRobot(unique("sys"))).id());
            return null;
        });
        p.put(HarborOperation.DELETE_PROJECT_ROBOT, r -> {
            r.robots().delete(adminClient.robots().create(projectRobot(unique("ci"))).id());
            return null;
        });
        // issue 16: tag immutability rules, tag retention policies, the system CVE allowlist
        p.put(HarborOperation.LIST_IMMUTABLE_RULES, r -> r.immutableRules().list(P));
        p.put(HarborOperation.CREATE_IMMUTABLE_RULE, r -> r.immutableRules().create(P, immutableRule(unique("v"))));
        p.put(HarborOperation.UPDATE_IMMUTABLE_RULE, r -> {
            HarborModel.ImmutableRule x = immutableRule("existing*");
            r.immutableRules().update(P, ruleId, new HarborModel.ImmutableRule(ruleId, x.priority(), false, x.action(),
                    x.template(), x.tagSelectors(), x.scopeSelectors()));
            return null;
        });
        p.put(HarborOperation.DELETE_IMMUTABLE_RULE, r -> {
            r.immutableRules().delete(P, adminClient.immutableRules().create(P, immutableRule(unique("gone"))));
            return null;
        });
        p.put(HarborOperation.GET_RETENTION, r -> r.retentions().get(retentionId));
        p.put(HarborOperation.CREATE_RETENTION, r -> {
            String name = unique("perm-ret");
            return r.retentions().create(retention(adminClient.projects().create(
                    new ProjectReq(name, false, Map.of(), null, null, null))));
        });
        p.put(HarborOperation.UPDATE_RETENTION, r -> {
            r.retentions().update(retentionId, retention(projectId));
            return null;
        });
        p.put(HarborOperation.DELETE_RETENTION, r -> {
            String name = unique("perm-ret");
            long pid = adminClient.projects().create(new ProjectReq(name, false, Map.of(), null, null, null));
            r.retentions().delete(adminClient.retentions().create(retention(pid)));
            return null;
        });
        p.put(HarborOperation.GET_SYSTEM_CVE_ALLOWLIST, r -> r.systemCveAllowlist().get());
        // labels (issue 16)
        p.put(HarborOperation.LIST_GLOBAL_LABELS, r -> List.of(r.labels().listGlobal(), r.labels().findGlobal("existing-g")));
        p.put(HarborOperation.CREATE_GLOBAL_LABEL, r -> r.labels().create(globalLabel(unique("g"))));
        p.put(HarborOperation.UPDATE_GLOBAL_LABEL, r -> {
            r.labels().update(globalLabelId, HarborModel.Label.of("existing-g", "#111111", "", "g", null));
            return null;
        });
        p.put(HarborOperation.DELETE_GLOBAL_LABEL, r -> {
            r.labels().delete(adminClient.labels().create(globalLabel(unique("g"))));
            return null;
        });
        p.put(HarborOperation.LIST_PROJECT_LABELS, r -> List.of(r.labels().listProject(projectId),
                r.labels().findInProject(projectId, "existing-p")));
        p.put(HarborOperation.CREATE_PROJECT_LABEL, r -> r.labels().create(projectLabel(unique("pl"))));
        p.put(HarborOperation.UPDATE_PROJECT_LABEL, r -> {
            r.labels().update(projectLabelId, HarborModel.Label.of("existing-p", "#222222", "", "p", null));
            return null;
        });
        p.put(HarborOperation.DELETE_PROJECT_LABEL, r -> {
            r.labels().delete(adminClient.labels().create(projectLabel(unique("pl"))));
            return null;
        });
        p.put(HarborOperation.ATTACH_LABEL, r -> {
            r.labels().attach(P, "app", digest, adminClient.labels().create(globalLabel(unique("g"))));
            return null;
        });
        p.put(HarborOperation.DETACH_LABEL, r -> {
            long id = adminClient.labels().create(globalLabel(unique("g")));
            adminClient.labels().attach(P, "app", digest, id);
            r.labels().detach(P, "app", digest, id);
            return null;
        });
        return p;
    }

    private static HarborModel.ImmutableRule immutableRule(String pattern) {
        return new HarborModel.ImmutableRule(null, 0L, false, "immutable", "immutable_template",
                List.of(new HarborModel.Selector("doublestar", "matches", pattern, null)),
                Map.of("repository", List.of(new HarborModel.Selector("doublestar", "repoMatches", "**", null))));
    }

    private static HarborModel.RetentionPolicy retention(long projectId) {
        return new HarborModel.RetentionPolicy(null, "or", List.of(new HarborModel.RetentionRule(null, null, false,
                "retain", "always", null, List.of(new HarborModel.Selector("doublestar", "matches", "**", null)),
                Map.of("repository", List.of(new HarborModel.Selector("doublestar", "repoMatches", "**", null))))),
                new HarborModel.RetentionTrigger("Manual", Map.of("cron", "")),
                new HarborModel.RetentionScope("project", projectId));
    }

    private static HarborModel.Label globalLabel(String name) {
        return HarborModel.Label.of(name, "", "", "g", null);
    }

    private HarborModel.Label projectLabel(String name) {
        return HarborModel.Label.of(name, "", "", "p", projectId);
    }

    @Test
    void everyOperationOfTheDaemonHasAProbe() {
        assertThat(probes().keySet()).isEqualTo(HarborOperation.daemonOperations());
        assertThat(BootstrapPermissions.HARBOR_SYNC).isEqualTo(HarborOperation.permissionsFor(HarborOperation.daemonOperations()));
        assertThat(BootstrapPermissions.flatten(BootstrapPermissions.HARBOR_SYNC))
                .contains("project|*|tag:list", "system|/|robot:list", "system|/|robot:create", "project|*|robot:delete")
                .doesNotContain("system|/|robot:update", "project|*|member:read", "system|/|configuration:update")
                .contains("project|*|immutable-tag:list", "project|*|tag-retention:read", "project|*|tag-retention:create")
                .contains("project|*|notification-policy:delete");
    }

    @Test
    void withExactlyHarborSyncEveryOperationPassesAndWithoutItsPermissionItIsRefused() {
        HarborClient full = robotClient("h1", unique("daemon"), BootstrapPermissions.HARBOR_SYNC);
        List<String> problems = new ArrayList<>();
        probes().forEach((op, probe) -> {
            try {
                probe.run(full);
            } catch (HarborException e) {
                problems.add(op + " with HARBOR_SYNC: " + e.getMessage());
            }
            Optional<Need> need = op.need();
            if (need.isEmpty()) {
                return;
            }
            HarborClient without = robotClient("h1", unique("less"), without(need.get()));
            if (op == HarborOperation.READ_AUDIT_LOG) {
                // Harbor filters the rows instead of refusing (robot.perm.auditnoperm)
                assertThat(full.auditLogs().since(0, 100)).isNotEmpty();
                assertThat(without.auditLogs().since(0, 100)).as(op.name()).isEmpty();
                return;
            }
            assertThatThrownBy(() -> probe.run(without)).as(op + " without " + need.get())
                    .isInstanceOf(HarborException.Forbidden.class);
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void theDaemonRobotRunsAFullReconcile() {
        for (String site : List.of("h1", "h2")) {
            f.clients.put(site, robotClient(site, "harbor-sync", BootstrapPermissions.HARBOR_SYNC));
        }
        HarborClient h1 = adminClient;
        h1.projects().create(new ProjectReq("perm-gone", false, Map.of(), null, null, null));
        SyncReport first = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        assertThat(first.failed()).isEmpty();
        assertThat(first.unknownSites()).isEmpty();
        assertThat(f.users.get("h2").projects().get(P).metadata()).containsEntry("auto_scan", "true");

        // the same artifacts on both sites, as replication leaves them
        String d1 = f.emulator("h1").pushArtifact(P, "web", null, "v1", "latest");
        f.emulator("h2").pushArtifact(P, "web", d1, "v1", "latest");
        String d2 = f.emulator("h1").pushArtifact(P, "web", null, "v2");
        f.emulator("h2").pushArtifact(P, "web", d2, "v2");
        String d3 = f.emulator("h1").pushArtifact(P, "web", null, "old");
        f.emulator("h2").pushArtifact(P, "web", d3, "old");
        assertThat(f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false).failed()).isEmpty();

        // on h1: settings, members, a tag moved, an artifact and a project deleted
        h1.projects().removeMetadata(P, "auto_scan");
        h1.projects().updateSettings(P, Map.of("severity", "critical"), null);
        h1.members().remove(P, memberId);
        h1.members().add(P, new MemberReq(4, new UserEntity(null, "bob"), null));
        h1.artifacts().deleteTag(P, "web", d1, "latest");
        h1.artifacts().addTag(P, "web", d2, "latest");
        h1.artifacts().delete(P, "web", d3);
        h1.projects().delete("perm-gone");
        // labels (issue 16): a global and a project label, each attached to an artifact on both sites
        long g = h1.labels().create(HarborModel.Label.of("perm-g", "#00FF00", "", "g", null));
        h1.labels().attach(P, "web", d2, g);
        h1.labels().attach(P, "web", d2, h1.labels().create(HarborModel.Label.of("perm-p", "", "", "p", projectId)));
        SyncReport r = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, true);
        HarborClient h2c = f.users.get("h2");
        assertThat(h2c.labels().findGlobal("perm-g")).hasValueSatisfying(l -> assertThat(l.color()).isEqualTo("#00FF00"));
        assertThat(h2c.artifacts().find(P, "web", d2)).isPresent();
        assertThat(h2c.artifacts().list(P, "web").stream().filter(a -> a.digest().equals(d2)).findFirst().orElseThrow()
                .attachedLabels()).extracting(HarborModel.Label::name).containsExactlyInAnyOrder("perm-g", "perm-p");

        assertThat(r.failed()).isEmpty();
        assertThat(r.unknownSites()).isEmpty();
        Map<String, Object> h2 = f.dump("h2");
        h2.keySet().removeIf(k -> k.startsWith(P + "/app")); // pushed on h1 only, in the setup
        Map<String, Object> h1Dump = f.dump("h1");
        h1Dump.keySet().removeIf(k -> k.startsWith(P + "/app") || k.startsWith(P + "/gone"));
        assertThat(h2).isEqualTo(h1Dump);
    }

    private HarborClient robotClient(String site, String name, List<RobotPermission> permissions) {
        JsonNode created = json(f.http.get(site).post("robots", Map.of("name", name, "level", "system", "duration", -1,
                "permissions", permissions)));
        Site s = new Site(site, f.emulator(site).baseUrl(), created.get("name").asText(), created.get("secret").asText(),
                Optional.empty(), Optional.empty());
        return HarborClientFactory.create(s, Duration.ofSeconds(10), Duration.ofSeconds(30), 100,
                CircuitBreaker.Settings.OFF, Clock.systemUTC());
    }

    /** HARBOR_SYNC without {@code need}, and without the project-wide action that would cover it (§3 inheritance). */
    private static List<RobotPermission> without(Need need) {
        Set<String> drop = new HashSet<>(Set.of(need.kind() + ":" + need.resource() + ":" + need.action()));
        if (need.kind().equals("project") && Set.of("read", "update", "delete").contains(need.action())) {
            drop.add("project:project:" + need.action());
        }
        List<RobotPermission> out = new ArrayList<>();
        for (RobotPermission p : BootstrapPermissions.HARBOR_SYNC) {
            List<HarborModel.Access> kept = p.access().stream()
                    .filter(a -> !drop.contains(p.kind() + ":" + a.resource() + ":" + a.action())).toList();
            if (!kept.isEmpty()) {
                out.add(new RobotPermission(p.kind(), p.namespace(), kept));
            }
        }
        return out;
    }

    private static RobotCreate systemRobot(String name) {
        return new RobotCreate(name, "", "system", -1L, List.of(new RobotPermission("system", "/",
                List.of(new HarborModel.Access("project", "list", null)))));
    }

    private static RobotCreate projectRobot(String name) {
        return new RobotCreate(name, "", "project", -1L, List.of(new RobotPermission("project", P,
                List.of(new HarborModel.Access("repository", "pull", null)))));
    }

    private static WebhookPolicy hook(String name) {
        return new WebhookPolicy(null, name, "", null, List.of(new WebhookTarget("http", "http://127.0.0.1:9/hook",
                null, false, "Default")), List.of("PUSH_ARTIFACT"), true);
    }

    private static String unique(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet();
    }

    private static long id(java.net.http.HttpResponse<String> created) {
        String loc = created.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));
    }
}
