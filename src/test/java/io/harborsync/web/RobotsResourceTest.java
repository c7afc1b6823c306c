package io.harborsync.web;

import io.harborsync.emulator.Fault;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotCreated;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.sites.Sites;
import io.harborsync.store.SecretAlignments;
import io.harborsync.testsupport.PlainHarborHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * The robots admin API in demo mode (two emulated Harbors, every exchange spec-checked): a created robot's secret
 * logs in on both sites (raw HTTP as the robot), set-secret and rotate, problems for bad input with nothing sent, a
 * partial failure that keeps the secret, and no secret anywhere but the one answer that chose it.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class RobotsResourceTest {
    static final String TOKEN = "Bearer test-admin-token";
    static final String PULL_ANY = "[{\"kind\":\"project\",\"namespace\":\"*\",\"access\":[{\"resource\":\"repository\","
            + "\"action\":\"pull\"}]}]";

    @Inject
    Sites sites;
    @Inject
    SecretAlignments alignments;

    HarborEmulator e1;
    HarborEmulator e2;
    String n;
    final List<RecordedExchange> robotTraffic = new CopyOnWriteArrayList<>();
    final ExchangeListener listener = x -> {
        if (x.rawPath().contains("/robots")) {
            robotTraffic.add(x);
        }
    };

    @BeforeEach
    void setUp() {
        e1 = sites.demo().orElseThrow().emulators().get(0);
        e2 = sites.demo().orElseThrow().emulators().get(1);
        e1.addExchangeListener(listener);
        e2.addExchangeListener(listener);
        n = "api-ci-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() {
        e1.removeExchangeListener(listener);
        e2.removeExchangeListener(listener);
        e1.faults().clear();
        e2.faults().clear();
    }

    private boolean logsIn(HarborEmulator e, String user, String secret) {
        return PlainHarborHttp.json(new PlainHarborHttp(e).as(user, secret).get("/api/v2.0/systeminfo"))
                .hasNonNull("harbor_version");
    }

    private static String createBody(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"description\":\"ci pulls\",\"permissions\":" + PULL_ANY + extra + "}";
    }

    private Response post(String path, String body) {
        var r = given().header("Authorization", TOKEN);
        if (body != null) {
            r = r.contentType("application/json").body(body);
        }
        return r.post(path);
    }

    @Test
    void createReturnsOneSecretThatLogsInOnBothSites() {
        Response r = post("/robots", createBody(n, ""));
        r.then().statusCode(201).body("name", is("robot$" + n)).body("key", is("robot:" + n))
                .body("complete", is(true)).body("sites.h1.proven", is(true)).body("sites.h2.proven", is(true))
                .body("sites.h1.id", notNullValue()).body("sites.h2.secretSet", is(true));
        String secret = r.path("secret");
        assertThat(logsIn(e1, "robot$" + n, secret)).isTrue();
        assertThat(logsIn(e2, "robot$" + n, secret)).isTrue();
        assertThat(alignments.all().get("robot:" + n)).containsOnlyKeys("h1", "h2");

        // a second create of the same name: 409, nothing written
        robotTraffic.clear();
        post("/robots", createBody(n, "")).then().statusCode(409).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("already exists on h1, h2"));
        assertThat(robotTraffic).noneMatch(x -> !x.method().equals("GET"));
    }

    @Test
    void setSecretPutsH1sSecretOnH2AndRotateReplacesItEverywhere() {
        HarborClient h1 = sites.client("h1");
        List<RobotPermission> perms = List.of(new RobotPermission("project", "*",
                List.of(new Access("repository", "pull", null))));
        RobotCreated shown = h1.robots().create(new RobotCreate(n, null, "system", -1L, perms));
        sites.client("h2").robots().create(new RobotCreate(n, null, "system", -1L, perms));

        given().header("Authorization", TOKEN).contentType("application/json")
                .body("{\"secret\":\"" + shown.secret() + "\"}").put("/robots/robot$" + n + "/secret").then()
                .statusCode(200).body("complete", is(true)).body("$", not(hasKey("secret")))
                .body(not(containsString(shown.secret())));
        assertThat(logsIn(e2, "robot$" + n, shown.secret())).isTrue();

        Response rotated = post("/robots/" + n + "/rotate", null);
        rotated.then().statusCode(200).body("complete", is(true));
        String fresh = rotated.path("secret");
        for (HarborEmulator e : List.of(e1, e2)) {
            assertThat(logsIn(e, "robot$" + n, shown.secret())).as("old on " + e.name()).isFalse();
            assertThat(logsIn(e, "robot$" + n, fresh)).as("new on " + e.name()).isTrue();
        }
    }

    @Test
    void badInputIsA400ProblemAndNothingIsSent() {
        robotTraffic.clear();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("unknown field", createBody(n, ",\"secrets\":\"Abcdefgh1\""));
        bodies.put("unknown permission field", "{\"name\":\"" + n + "\",\"permissions\":[{\"kind\":\"project\","
                + "\"namespace\":\"*\",\"scope\":\"x\",\"access\":[{\"resource\":\"repository\",\"action\":\"pull\"}]}]}");
        bodies.put("weak secret", createBody(n, ",\"secret\":\"weakone-secret\""));
        bodies.put("number as secret", createBody(n, ",\"secret\":12345678"));
        bodies.put("duration 0", createBody(n, ",\"duration\":0"));
        bodies.put("duration text", createBody(n, ",\"duration\":\"7\""));
        bodies.put("no permissions", "{\"name\":\"" + n + "\"}");
        bodies.put("bad name", createBody("Bad Name", ""));
        bodies.put("not an object", "[]");
        bodies.put("not JSON", "{\"name\":");
        bodies.forEach((what, body) -> post("/robots", body).then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("detail", not(containsString("weakone-secret"))).body("detail", not(containsString("Abcdefgh1"))));
        post("/robots", createBody(n, ",\"secret\":\"weakone-secret\"")).then()
                .body("detail", is("the secret must be 8-128, inclusively, characters long with at least 1 uppercase"
                        + " letter, 1 lowercase letter and 1 number"));
        post("/robots", createBody(n, ",\"secrets\":\"x\"")).then().body("detail", containsString("unknown field 'secrets'"));
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"secret\":\"weakone-secret\"}")
                .put("/robots/" + n + "/secret").then().statusCode(400);
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"secret\":\"Good2024secret\",\"x\":1}")
                .put("/robots/" + n + "/secret").then().statusCode(400).body("detail", containsString("unknown field 'x'"));
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"secret\":\"Good2024secret\"}")
                .put("/robots/Not_A_Name/secret").then().statusCode(400);
        given().header("Authorization", TOKEN).queryParam("force", true).post("/robots/" + n + "/rotate").then()
                .statusCode(400);
        given().header("Authorization", TOKEN).contentType("text/plain").body("x").post("/robots").then().statusCode(415);
        given().post("/robots/" + n + "/rotate").then().statusCode(401);
        assertThat(robotTraffic).as("nothing reached a Harbor").isEmpty();
    }

    @Test
    void anUnknownRobotIs404() {
        post("/robots/nobody-" + n + "/rotate", null).then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("detail", containsString("no robot robot$nobody-" + n + " on any site"));
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"secret\":\"Good2024secret\"}")
                .put("/robots/p+nobody/secret").then().statusCode(404);
    }

    /**
     * Every secret the API handled, against the captured log, /status, /config, /q/metrics and every problem body,
     * through creation, a partial failure, set-secret and rotation.
     */
    @Test
    void aPartialFailureKeepsTheSecretAndNoSecretLeaksAnywhere() {
        SecretsInLogsTest.Capture capture = new SecretsInLogsTest.Capture();
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Logger ours = Logger.getLogger("io.harborsync");
        Level was = ours.getLevel();
        ours.setLevel(Level.ALL);
        root.addHandler(capture);
        List<String> secrets = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        try {
            Response created = post("/robots", createBody(n, ",\"secret\":\"Chosen2024Secret\""));
            created.then().statusCode(201).body("secret", is("Chosen2024Secret"));
            secrets.add("Chosen2024Secret");

            e2.faults().add(Fault.on("PATCH", "/api/v2.0/robots/.*").status(503));
            Response partial = post("/robots/" + n + "/rotate", null);
            partial.then().statusCode(200).body("complete", is(false)).body("sites.h1.proven", is(true))
                    .body("sites.h2.secretSet", is(false)).body("sites.h2.error", containsString("503"));
            String kept = partial.path("secret");
            secrets.add(kept);
            assertThat(logsIn(e1, "robot$" + n, kept)).as("the secret h1 took is in the answer").isTrue();
            assertThat(alignments.all().get("robot:" + n)).containsOnlyKeys("h1");

            // every site refuses: a problem, which never carries the secret it could not set
            e1.faults().add(Fault.on("PATCH", "/api/v2.0/robots/.*").status(503));
            elsewhere.add(given().header("Authorization", TOKEN).contentType("application/json")
                    .body("{\"secret\":\"Another2024Secret\"}").put("/robots/" + n + "/secret").then().statusCode(502)
                    .extract().asString());
            secrets.add("Another2024Secret");
            e1.faults().clear();
            e2.faults().clear();

            given().header("Authorization", TOKEN).contentType("application/json")
                    .body("{\"secret\":\"" + kept + "\"}").put("/robots/" + n + "/secret").then().statusCode(200)
                    .body("complete", is(true));
            assertThat(logsIn(e2, "robot$" + n, kept)).isTrue();
            secrets.add(post("/robots/" + n + "/rotate", null).then().statusCode(200).extract().path("secret"));

            elsewhere.add(post("/robots", createBody(n, "")).then().statusCode(409).extract().asString());
            elsewhere.add(given().header("Authorization", TOKEN).get("/status").then().statusCode(200).extract().asString());
            elsewhere.add(given().header("Authorization", TOKEN).get("/config").then().statusCode(200).extract().asString());
            elsewhere.add(given().get("/q/metrics").then().statusCode(200).extract().asString());
        } finally {
            root.removeHandler(capture);
            ours.setLevel(was);
        }
        assertThat(capture.lines).as("the capture saw the partial proof")
                .anyMatch(l -> l.contains("robot$" + n) && l.contains("proven on [h1] only"));
        for (String secret : secrets) {
            assertThat(secret).isNotBlank();
            assertThat(capture.lines).as("log lines").noneMatch(l -> l.contains(secret));
            assertThat(elsewhere).as("status, config, metrics, problems").noneMatch(a -> a.contains(secret));
        }
    }
}
