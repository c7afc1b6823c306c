package io.harborsync.web;

import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotCreated;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.sites.Sites;
import io.harborsync.testsupport.PlainHarborHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * The failover drill of issue 15, end to end on the demo's two emulated Harbors: a person makes a project robot
 * in Harbor on h1 (as in its UI, which shows the secret once); harbor-sync mirrors it to h2, where h1's secret
 * does not work yet ("secret not aligned"); the secret h1 showed is put on h2 through the robot API; the active
 * site is switched to h2, and a client that logs in as the robot at whatever site is active keeps working; a
 * permission change made on h2 reaches h1. Issue 16 adds a project's rules: an immutable tag stays immutable on h2,
 * h2 has the retention policy, and a push to h2 fires the team's webhook. Every Harbor request is spec-checked.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class FailoverDrillTest {
    static final String TOKEN = "Bearer test-admin-token";

    @Inject
    Sites sites;

    /** A client that knows only the robot's credentials and asks the daemon which site is active. */
    private HttpResponse<String> clientCall(String user, String secret, String path) {
        String active = given().header("Authorization", TOKEN).get("/proxy").then().statusCode(200)
                .extract().path("active");
        HarborEmulator e = emulator(active);
        return new PlainHarborHttp(e).as(user, secret).get(path);
    }

    private HarborEmulator emulator(String site) {
        return sites.demo().orElseThrow().emulators().get(site.equals("h1") ? 0 : 1);
    }

    private static boolean loggedIn(HttpResponse<String> systeminfo) {
        return systeminfo.statusCode() == 200 && systeminfo.body().contains("harbor_version");
    }

    private List<String> notAligned() {
        return given().header("Authorization", TOKEN).get("/status").then().statusCode(200)
                .extract().path("secretsNotAligned.robot");
    }

    private void sync(String project) {
        given().header("Authorization", TOKEN).post("/sync/projects/" + project).then().statusCode(200)
                .body("failed.size()", org.hamcrest.Matchers.is(0));
    }

    @Test
    void aRobotMadeOnH1KeepsWorkingAfterTheSwitchToH2AndAChangeOnH2ReachesH1() {
        String p = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        HarborClient h1 = sites.client("h1");
        HarborClient h2 = sites.client("h2");
        h1.projects().create(new ProjectReq(p, false, Map.of(), null, null, null));
        // a person makes the robot on h1; Harbor shows its secret this once
        RobotCreated made = h1.robots().create(new RobotCreate("ci", "pipeline of " + p, "project", -1L,
                List.of(new RobotPermission("project", p, List.of(new Access("repository", "list", null),
                        new Access("repository", "pull", null))))));
        String user = made.name();
        String secret = made.secret();
        String repos = "/api/v2.0/projects/" + p + "/repositories";

        sync(p);

        long h2Project = h2.projects().get(p).projectId();
        Robot copy = h2.robots().findInProject(h2Project, p, "ci").orElseThrow();
        assertThat(copy.description()).isEqualTo("pipeline of " + p);
        assertThat(loggedIn(new PlainHarborHttp(emulator("h2")).as(user, secret).get("/api/v2.0/systeminfo")))
                .as("the copy has a secret nobody knows").isFalse();
        assertThat(notAligned()).contains(p + "+ci");
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("harborsync_robot_secrets_not_aligned"));

        // put the secret h1 showed onto every site
        given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(Map.of("secret", secret))
                .put("/robots/" + p + "+ci/secret").then().statusCode(200)
                .body("complete", org.hamcrest.Matchers.is(true))
                .body(not(org.hamcrest.Matchers.containsString(secret)));
        assertThat(notAligned()).doesNotContain(p + "+ci");
        assertThat(loggedIn(new PlainHarborHttp(emulator("h2")).as(user, secret).get("/api/v2.0/systeminfo"))).isTrue();
        assertThat(clientCall(user, secret, repos).statusCode()).as("through h1, the active site").isEqualTo(200);

        try {
            given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(Map.of("site", "h2"))
                    .put("/proxy/active").then().statusCode(200);
            assertThat(clientCall(user, secret, repos).statusCode()).as("through h2 after the switch").isEqualTo(200);
            assertThat(loggedIn(clientCall(user, secret, "/api/v2.0/systeminfo"))).isTrue();

            // on h2, now the active site, someone gives the robot push as well
            h2.robots().update(copy.id(), new Robot(null, copy.name(), "pipeline of " + p + ", now pushing", "project",
                    -1L, false, null, List.of(new RobotPermission("project", p, List.of(
                    new Access("repository", "list", null), new Access("repository", "pull", null),
                    new Access("repository", "push", null)))), null, null));
            sync(p);

            Robot onH1 = h1.robots().findInProject(h1.projects().get(p).projectId(), p, "ci").orElseThrow();
            assertThat(onH1.description()).isEqualTo("pipeline of " + p + ", now pushing");
            assertThat(io.harborsync.bootstrap.BootstrapPermissions.flatten(onH1.permissions()))
                    .contains("project|" + p + "|repository:push");
            // the change did not touch the secret: the client works on both sites, and it is still aligned
            assertThat(loggedIn(new PlainHarborHttp(emulator("h1")).as(user, secret).get("/api/v2.0/systeminfo")))
                    .isTrue();
            assertThat(clientCall(user, secret, repos).statusCode()).isEqualTo(200);
            assertThat(notAligned()).doesNotContain(p + "+ci");
            given().header("Authorization", TOKEN).get("/status").then()
                    .body(not(org.hamcrest.Matchers.containsString(secret)));
        } finally {
            given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(Map.of("site", "h1"))
                    .put("/proxy/active").then().statusCode(200);
        }
    }

    /**
     * Issue 16's part of the drill: a team sets up its project's rules on h1 (an immutable tag pattern, a retention
     * policy, a webhook to its own endpoint); after the sync and the switch to h2 the rules hold there: the
     * immutable tag cannot be deleted on h2, h2 has the retention policy (under its own id), and a push to h2
     * reaches the team's endpoint.
     */
    @Test
    void aProjectsRulesHoldOnH2AfterTheSwitch() throws Exception {
        String p = "rules-" + UUID.randomUUID().toString().substring(0, 8);
        PlainHarborHttp h1 = new PlainHarborHttp(emulator("h1"));
        PlainHarborHttp h2 = new PlainHarborHttp(emulator("h2"));
        sites.client("h1").projects().create(new ProjectReq(p, false, Map.of(), null, null, null));
        long h1Project = sites.client("h1").projects().get(p).projectId();
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer team = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        team.createContext("/team", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        team.start();
        try {
            assertThat(h1.post("/api/v2.0/projects/" + p + "/immutabletagrules", Map.of("disabled", false,
                    "action", "immutable", "template", "immutable_template",
                    "tag_selectors", List.of(Map.of("kind", "doublestar", "decoration", "matches", "pattern", "v1*")),
                    "scope_selectors", Map.of("repository", List.of(Map.of("kind", "doublestar",
                            "decoration", "repoMatches", "pattern", "**"))))).statusCode()).isEqualTo(201);
            assertThat(h1.post("/api/v2.0/retentions", Map.of("algorithm", "or",
                    "rules", List.of(Map.of("disabled", false, "action", "retain", "template", "latestPushedK",
                            "params", Map.of("latestPushedK", 3),
                            "tag_selectors", List.of(Map.of("kind", "doublestar", "decoration", "matches", "pattern", "**")),
                            "scope_selectors", Map.of("repository", List.of(Map.of("kind", "doublestar",
                                    "decoration", "repoMatches", "pattern", "**"))))),
                    "trigger", Map.of("kind", "Schedule", "settings", Map.of("cron", "0 0 3 * * *")),
                    "scope", Map.of("level", "project", "ref", h1Project))).statusCode()).isEqualTo(201);
            String teamUrl = "http://127.0.0.1:" + team.getAddress().getPort() + "/team";
            assertThat(h1.post("/api/v2.0/projects/" + p + "/webhook/policies", Map.of("name", "team-ci",
                    "enabled", true, "event_types", List.of("PUSH_ARTIFACT"),
                    "targets", List.of(Map.of("type", "http", "address", teamUrl, "payload_format", "Default")))).statusCode())
                    .isEqualTo(201);
            sync(p);

            // the image is on both sites, as Harbor's replication puts it there
            String digest = "sha256:" + "ab".repeat(32);
            emulator("h1").pushArtifact(p, "app", digest, "v1.0");
            emulator("h2").pushArtifact(p, "app", digest, "v1.0");
            assertThat(h1.delete("/api/v2.0/projects/" + p + "/repositories/app/artifacts/" + digest + "/tags/v1.0")
                    .statusCode()).as("immutable on h1, where the rule was made").isEqualTo(412);

            given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(Map.of("site", "h2"))
                    .put("/proxy/active").then().statusCode(200);
            HttpResponse<String> delete = h2.delete("/api/v2.0/projects/" + p + "/repositories/app/artifacts/"
                    + digest + "/tags/v1.0");
            assertThat(delete.statusCode()).as("v1.0 is immutable on h2 too: %s", delete.body()).isEqualTo(412);

            String retentionId = PlainHarborHttp.json(h2.get("/api/v2.0/projects/" + p + "/metadatas/"))
                    .path("retention_id").asText();
            assertThat(retentionId).as("h2 has a retention policy of its own").isNotEmpty();
            com.fasterxml.jackson.databind.JsonNode policy = PlainHarborHttp.json(h2.get("/api/v2.0/retentions/" + retentionId));
            assertThat(policy.path("scope").path("ref").asLong()).isEqualTo(sites.client("h2").projects().get(p).projectId());
            assertThat(policy.path("rules").get(0).path("params").path("latestPushedK").asInt()).isEqualTo(3);
            assertThat(policy.path("trigger").path("settings").path("cron").asText()).isEqualTo("0 0 3 * * *");

            received.clear();
            emulator("h2").pushArtifact(p, "app", "sha256:" + "cd".repeat(32), "v2.0");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> received.stream().anyMatch(b -> b.contains("PUSH_ARTIFACT") && b.contains("v2.0")));
        } finally {
            team.stop(0);
            given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(Map.of("site", "h1"))
                    .put("/proxy/active").then().statusCode(200);
        }
    }
}
