package io.harborsync.intake;

import io.agroal.api.AgroalDataSource;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.*;

/** POST /webhooks/{site} in demo mode (sites h1, h2 with random webhook secrets), replaying Harbor's samples. */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class WebhookIntakeTest {
    private static final String JSON = "application/json";
    private static final String CE = "application/cloudevents+json";

    @Inject
    Sites sites;
    @Inject
    EventInbox inbox;
    @Inject
    AgroalDataSource db;
    @Inject
    WebhookStats stats;
    @Inject
    ReceivedEvents received;

    @TestHTTPResource("/webhooks/h1")
    URL h1Target;

    private String secret(String site) {
        return sites.byName(site).flatMap(Site::webhookSecret).orElseThrow();
    }

    private ValidatableResponse post(String site, String contentType, byte[] body) {
        return given().header("Authorization", secret(site)).contentType(contentType).body(body)
                .post("/webhooks/" + site).then();
    }

    /** Every row ever stored (done or not): "nothing stored" must hold even if an observer works events off. */
    private long storedRows() throws Exception {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT COUNT(*) FROM inbox_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Stored, whether or not the sync engine has already worked it off. */
    private InboxEvent stored(long id) {
        return inbox.get(id).orElseThrow(() -> new AssertionError("inbox event " + id + " is not stored"));
    }

    private java.util.List<InboxEvent> storedFor(String project) throws Exception {
        java.util.List<InboxEvent> out = new java.util.ArrayList<>();
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("SELECT id FROM inbox_event WHERE project = ?")) {
            ps.setString(1, project);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(stored(rs.getLong(1)));
                }
            }
        }
        return out;
    }

    private static void isProblem(ValidatableResponse r, int status) {
        r.statusCode(status).contentType(startsWith("application/problem+json")).body("status", is(status));
        assertThat(r.extract().asString()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void pushInBothFormatsIsStoredBeforeThe200AndAnnounced() {
        long id = post("h1", JSON, Samples.bytes("push-artifact.default.json"))
                .statusCode(200).contentType(startsWith(JSON))
                .body("type", is("PUSH_ARTIFACT")).body("id", notNullValue())
                .extract().jsonPath().getLong("id");
        // Synchronously after the 200: the event is already in the inbox.
        InboxEvent e = stored(id);
        assertThat(e).usingRecursiveComparison().ignoringFields("receivedAt").isEqualTo(new InboxEvent(id, "h1",
                "PUSH_ARTIFACT", "team-a", "app/web",
                "sha256:3081525539689648bcceb027699f803c0f79861a68fada695e055f06e547a1ab", "1.4.2", "robot$team-a+ci",
                null, Instant.ofEpochSecond(1767864330), null, 0, null));
        assertThat(e.receivedAt()).isNotNull();

        long ceId = post("h2", CE, Samples.bytes("push-artifact.cloudevents.json"))
                .statusCode(200).body("type", is("PUSH_ARTIFACT")).extract().jsonPath().getLong("id");
        InboxEvent ce = stored(ceId);
        assertThat(ce.site()).isEqualTo("h2");
        assertThat(ce.requestId()).isEqualTo("7f6d8e42-76d4-44d7-97e5-8422841054bf");
        assertThat(ce.occurredAt()).isEqualTo(Instant.parse("2026-01-08T09:25:30Z"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.seen()).contains(
                new WebhookReceived(id, "h1", "PUSH_ARTIFACT", "team-a"),
                new WebhookReceived(ceId, "h2", "PUSH_ARTIFACT", "team-a")));
    }

    @Test
    void deletesInBothFormatsAndTheUntaggedDeleteAreStored() {
        long d = post("h1", JSON, Samples.bytes("delete-artifact.default.json")).statusCode(200)
                .body("type", is("DELETE_ARTIFACT")).extract().jsonPath().getLong("id");
        long c = post("h1", CE, Samples.bytes("delete-artifact.cloudevents.json")).statusCode(200)
                .body("type", is("DELETE_ARTIFACT")).extract().jsonPath().getLong("id");
        long u = post("h1", JSON, Samples.bytes("delete-artifact-untagged.default.json")).statusCode(200)
                .extract().jsonPath().getLong("id");
        assertThat(stored(d)).extracting(InboxEvent::project, InboxEvent::repository, InboxEvent::tag)
                .containsExactly("team-b", "api", "2.0.0");
        assertThat(stored(c)).extracting(InboxEvent::type, InboxEvent::project, InboxEvent::repository, InboxEvent::tag,
                InboxEvent::operator).containsExactly("DELETE_ARTIFACT", "team-b", "api", "2.0.0", "alice");
        InboxEvent untagged = stored(u);
        assertThat(untagged.repository()).isEqualTo("tools/builder");
        assertThat(untagged.digest()).isEqualTo("sha256:4f31d6e87a534a2c2b719e54c95e00ed6ed4dce89f9857cd307a7fa60d8098a6");
        assertThat(untagged.tag()).isNull();
    }

    @Test
    void successfulReplicationIsStoredAsWork() {
        long id = post("h2", JSON, Samples.bytes("replication.default.json")).statusCode(200)
                .body("type", is("REPLICATION")).extract().jsonPath().getLong("id");
        assertThat(stored(id)).extracting(InboxEvent::type, InboxEvent::project, InboxEvent::repository)
                .containsExactly("REPLICATION", "team-a", "app/web");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.seen())
                .contains(new WebhookReceived(id, "h2", "REPLICATION", "team-a")));
    }

    @Test
    void unknownTypesAreAcknowledgedCountedAndNotStored() throws Exception {
        long before = storedRows();
        long ignoredBefore = stats.get("h1", "SCANNING_COMPLETED").ignored();
        String scan = "{\"type\":\"SCANNING_COMPLETED\",\"occur_at\":1767864330,\"operator\":\"\",\"event_data\":"
                + "{\"resources\":[{\"digest\":\"sha256:ab\",\"tag\":\"1\"}],\"repository\":{\"name\":\"web\","
                + "\"namespace\":\"team-a\"}}}";
        post("h1", JSON, scan.getBytes()).statusCode(200)
                .body("type", is("SCANNING_COMPLETED")).body("ignored", is(true)).body("id", nullValue());
        String quota = "{\"specversion\":\"1.0\",\"id\":\"q\",\"type\":\"harbor.quota.warned\","
                + "\"time\":\"2026-01-08T09:25:30Z\",\"data\":{}}";
        post("h1", CE, quota.getBytes()).statusCode(200).body("type", is("QUOTA_WARNING")).body("ignored", is(true));
        assertThat(storedRows()).isEqualTo(before);
        assertThat(stats.get("h1", "SCANNING_COMPLETED").ignored()).isEqualTo(ignoredBefore + 1);
        assertThat(stats.get("h1", "QUOTA_WARNING").ignored()).isGreaterThanOrEqualTo(1);
        assertThat(stats.snapshot()).containsKey("h1");
    }

    @Test
    void wrongOrMissingSecretIs401AndNothingIsStored() throws Exception {
        long before = storedRows();
        long rejectedBefore = stats.get("h1", WebhookStats.UNKNOWN_TYPE).rejected();
        byte[] push = Samples.bytes("push-artifact.default.json");
        ValidatableResponse wrong = given().header("Authorization", secret("h1") + "x").contentType(JSON).body(push)
                .post("/webhooks/h1").then();
        isProblem(wrong, 401);
        assertThat(wrong.extract().asString()).doesNotContain(secret("h1"));
        isProblem(given().contentType(JSON).body(push).post("/webhooks/h1").then(), 401);
        // h2's secret is not h1's
        isProblem(given().header("Authorization", secret("h2")).contentType(JSON).body(push).post("/webhooks/h1").then(), 401);
        assertThat(storedRows()).isEqualTo(before);
        assertThat(stats.get("h1", WebhookStats.UNKNOWN_TYPE).rejected()).isEqualTo(rejectedBefore + 3);
    }

    @Test
    void neitherTheSecretNorTheAuthorizationHeaderIsLogged() {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters())
                        + " " + r.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Logger ours = java.util.logging.Logger.getLogger("io.harborsync");
        java.util.logging.Level was = ours.getLevel();
        ours.setLevel(java.util.logging.Level.ALL); // include debug lines
        root.addHandler(capture);
        try {
            post("h1", JSON, Samples.bytes("push-artifact.default.json")).statusCode(200);
            post("h1", JSON, Samples.bytes("bad-wrong-types.json")).statusCode(400);
            given().header("Authorization", secret("h1") + "-wrong").contentType(JSON)
                    .body(Samples.bytes("push-artifact.default.json")).post("/webhooks/h1").then().statusCode(401);
        } finally {
            root.removeHandler(capture);
            ours.setLevel(was);
        }
        assertThat(lines).as("the capture works").anyMatch(l -> l.contains("stored as inbox event"));
        assertThat(lines).noneMatch(l -> l.contains(secret("h1")) || l.contains(secret("h2")));
        assertThat(lines).noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).contains("authorization:"));
    }

    @Test
    void unknownSiteIs404() throws Exception {
        long before = storedRows();
        isProblem(given().header("Authorization", secret("h1")).contentType(JSON)
                .body(Samples.bytes("push-artifact.default.json")).post("/webhooks/h3").then(), 404);
        assertThat(storedRows()).isEqualTo(before);
    }

    @Test
    void malformedBodiesAre400ProblemsAndNothingIsStored() throws Exception {
        long before = storedRows();
        isProblem(post("h1", JSON, Samples.bytes("bad-truncated.json")), 400);
        post("h1", JSON, Samples.bytes("bad-truncated.json")).body("detail", containsString("not valid JSON"));
        isProblem(post("h1", JSON, Samples.bytes("bad-wrong-types.json")), 400);
        post("h1", JSON, Samples.bytes("bad-wrong-types.json")).body("detail", containsString("occur_at"));
        isProblem(post("h1", JSON, new byte[0]), 400);
        post("h1", JSON, new byte[0]).body("detail", containsString("empty"));
        String noRepo = Samples.text("push-artifact.default.json").replaceAll("(?s),\\s*\"repository\": \\{.*?\\}", "");
        isProblem(post("h1", JSON, noRepo.getBytes()), 400);
        post("h1", JSON, noRepo.getBytes()).body("detail", containsString("event_data.repository is missing"));
        isProblem(post("h1", "text/plain", Samples.bytes("push-artifact.default.json")), 400);
        post("h1", "text/plain", Samples.bytes("push-artifact.default.json"))
                .body("detail", containsString("Content-Type must be"));
        assertThat(storedRows()).isEqualTo(before);
    }

    @Test
    void tooLargeBodiesAre413() throws Exception {
        long before = storedRows();
        byte[] big = new byte[WebhookResource.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        isProblem(post("h1", JSON, big), 413);
        assertThat(storedRows()).isEqualTo(before);
    }

    @Test
    void otherMethodsAndPathsAreProblems() {
        isProblem(given().get("/webhooks/h1").then(), 405);
        isProblem(given().contentType(JSON).body("{}").post("/webhooks/h1/extra").then(), 404);
    }

    @Test
    void aRealWebhookFromTheEmulatedHarborLandsInTheInbox() {
        var h1 = sites.demo().orElseThrow().emulators().get(0);
        String api = h1.baseUrl() + "/api/v2.0";
        String project = "wh-e2e-" + System.nanoTime();
        given().auth().preemptive().basic("admin", "Harbor12345").contentType(JSON)
                .body(Map.of("project_name", project)).post(api + "/projects").then().statusCode(201);
        for (String format : new String[]{"Default", "CloudEvents"}) {
            given().auth().preemptive().basic("admin", "Harbor12345").contentType(JSON)
                    .body(Map.of("name", "harbor-sync-" + format, "enabled", true,
                            "event_types", new String[]{"PUSH_ARTIFACT", "DELETE_ARTIFACT"},
                            "targets", new Object[]{Map.of("type", "http", "address", h1Target.toString(),
                                    "auth_header", secret("h1"), "payload_format", format)}))
                    .post(api + "/projects/" + project + "/webhook/policies").then().statusCode(201);
        }
        given().auth().preemptive().basic("admin", "Harbor12345").contentType(JSON)
                .body(Map.of("project", project, "repository", "app/web", "tags", new String[]{"1.0"}))
                .post(h1.baseUrl() + "/emulator/artifacts").then().statusCode(anyOf(is(200), is(201)));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(storedFor(project))
                .hasSize(2)
                .allSatisfy(e -> {
                    assertThat(e.site()).isEqualTo("h1");
                    assertThat(e.type()).isEqualTo("PUSH_ARTIFACT");
                    assertThat(e.repository()).isEqualTo("app/web");
                    assertThat(e.tag()).isEqualTo("1.0");
                    assertThat(e.digest()).startsWith("sha256:");
                }));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.seen())
                .filteredOn(r -> project.equals(r.project())).hasSize(2));
    }
}
