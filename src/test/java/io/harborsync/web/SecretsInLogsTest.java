package io.harborsync.web;

import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.emulator.Fault;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborClient;
import io.harborsync.store.EventInbox;
import io.harborsync.intake.EventWorker;
import io.harborsync.harbor.HarborModel.*;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.time.Duration;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full scenario with every log record of the daemon (and its demo emulators) captured, formatted with its
 * parameters and its exception: no configured or created secret may appear in a log line, in {@code /status}
 * or in a {@code SyncReport}.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class SecretsInLogsTest {
    private static final String ADMIN = "test-admin-token";
    private static final String TOKEN = "Bearer " + ADMIN;

    @Inject
    Sites sites;
    @Inject
    EventWorker worker;
    @Inject
    EventInbox inbox;

    /** Everything a record can put into a log line: formatted message, raw message, parameters, stack trace. */
    static final class Capture extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            StringBuilder sb = new StringBuilder();
            sb.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(' ');
            String formatted;
            try {
                formatted = r instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                        : new java.util.logging.SimpleFormatter().formatMessage(r);
            } catch (RuntimeException e) {
                formatted = "(unformattable: " + e + ")";
            }
            sb.append(formatted).append(" | ").append(r.getMessage()).append(" | ")
                    .append(Arrays.deepToString(r.getParameters()));
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                sb.append(" | ").append(w);
            }
            lines.add(sb.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private String secret(String site) {
        return sites.byName(site).flatMap(Site::webhookSecret).orElseThrow();
    }

    private static byte[] sample(String name, String project) throws Exception {
        return io.harborsync.intake.Samples.text(name).replace("\"team-a\"", "\"" + project + "\"")
                .replace("team-a/", project + "/").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void noSecretReachesTheLogTheStatusOrASyncReport() throws Exception {
        HarborEmulator e1 = sites.demo().orElseThrow().emulators().get(0);
        HarborEmulator e2 = sites.demo().orElseThrow().emulators().get(1);
        HarborClient h1 = sites.client("h1");
        String p = "logs-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("emulator admin password", "Harbor12345");
        secrets.put("h1 webhook secret", secret("h1"));
        secrets.put("h2 webhook secret", secret("h2"));
        secrets.put("admin token", ADMIN);
        List<String> answers = new ArrayList<>(); // /status bodies and SyncReports

        // the daemon logs in to the demo's Harbors as admin (a user: a session): its sid cookies and CSRF tokens
        java.util.Set<String> sessionSecrets = java.util.concurrent.ConcurrentHashMap.newKeySet();
        io.harborsync.emulator.ExchangeListener sessions = ex -> ex.requestHeaders().forEach((k, v) -> {
            if (k.equalsIgnoreCase("Cookie")) {
                v.forEach(c -> java.util.Arrays.stream(c.split(";")).map(String::trim).filter(x -> x.indexOf('=') > 0)
                        .forEach(x -> sessionSecrets.add(x.substring(x.indexOf('=') + 1))));
            } else if (k.equalsIgnoreCase("X-Harbor-CSRF-Token")) {
                sessionSecrets.addAll(v);
            }
        });
        e1.addExchangeListener(sessions);
        e2.addExchangeListener(sessions);
        Capture capture = new Capture();
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Logger ours = Logger.getLogger("io.harborsync");
        Level was = ours.getLevel();
        ours.setLevel(Level.ALL); // debug lines too: they are where a careless value would go
        root.addHandler(capture);
        try {
            // a project with a member on h1, and a robot whose secret the daemon's client sees
            e1.addUser("alice-" + p);
            e2.addUser("alice-" + p);
            h1.projects().create(new ProjectReq(p, false, Map.of("auto_scan", "true"), null, null, null));
            h1.members().add(p, new MemberReq(2, new UserEntity(null, "alice-" + p), null));
            RobotCreated robot = h1.robots().create(new RobotCreate("ci-" + p, null, "project", 30L,
                    List.of(new RobotPermission("project", p, List.of(new Access("repository", "push", null))))));
            secrets.put("created robot secret", robot.secret());
            String known = "Robot-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "x9Z";
            h1.robots().setSecret(robot.id(), known);
            secrets.put("set robot secret", known);
            // a user's webhook policy with an auth header: copied to h2 by the syncs below, then set anew (issue 16)
            String hookHeader = "Bearer hook-" + UUID.randomUUID();
            h1.webhookPolicies().create(p, new io.harborsync.harbor.HarborModel.WebhookPolicy(null, "team-hook", "", null,
                    List.of(new io.harborsync.harbor.HarborModel.WebhookTarget("http", "http://127.0.0.1:9/team",
                            hookHeader, false, "Default")), List.of("PUSH_ARTIFACT"), true));
            secrets.put("webhook policy auth header", hookHeader);

            answers.add(given().header("Authorization", TOKEN).queryParam("dryRun", true).post("/sync")
                    .then().statusCode(200).extract().asString());
            answers.add(given().header("Authorization", TOKEN).post("/sync").then().statusCode(200)
                    .extract().asString());
            String newHookHeader = "Bearer hook-set-" + UUID.randomUUID();
            secrets.put("set webhook auth header", newHookHeader);
            answers.add(given().header("Authorization", TOKEN).contentType("application/json")
                    .body("{\"auth_header\":\"" + newHookHeader + "\"}").put("/webhook-policies/" + p + "/team-hook/auth-header")
                    .then().statusCode(200).extract().asString());
            answers.add(given().header("Authorization", TOKEN).contentType("application/json")
                    .body("{\"auth_header\":\"" + newHookHeader + "\",\"x\":1}").put("/webhook-policies/" + p
                            + "/team-hook/auth-header").then().statusCode(400).extract().asString());
            answers.add(given().header("Authorization", TOKEN).contentType("application/json")
                    .body("{\"auth_header\":\"" + newHookHeader + "\"}").put("/webhook-policies/" + p + "/nope/auth-header")
                    .then().statusCode(404).extract().asString());
            answers.add(given().header("Authorization", TOKEN).post("/sync").then().statusCode(200)
                    .extract().asString());

            // webhooks in both formats, right and wrong secrets
            given().header("Authorization", secret("h1")).contentType("application/json")
                    .body(sample("push-artifact.default.json", p)).post("/webhooks/h1").then().statusCode(200);
            given().header("Authorization", secret("h2")).contentType("application/cloudevents+json")
                    .body(sample("push-artifact.cloudevents.json", p)).post("/webhooks/h2").then().statusCode(200);
            given().header("Authorization", secret("h1") + "-wrong").contentType("application/json")
                    .body(sample("push-artifact.default.json", p)).post("/webhooks/h1").then().statusCode(401);
            given().header("Authorization", secret("h2")).contentType("application/cloudevents+json")
                    .body(sample("push-artifact.cloudevents.json", p)).post("/webhooks/h1").then().statusCode(401);
            given().header("Authorization", secret("h1")).contentType("application/json")
                    .body("{\"type\":\"PUSH_ARTIFACT\",\"occur_at\":\"" + secret("h1") + "\"}")
                    .post("/webhooks/h1").then().statusCode(400);

            // admin calls with wrong and right tokens
            given().header("Authorization", "Bearer " + ADMIN + "-wrong").get("/status").then().statusCode(401);
            given().header("Authorization", ADMIN).post("/sync").then().statusCode(401);
            given().header("Authorization", "Bearer " + secret("h1")).get("/admin/ping").then().statusCode(401);
            given().header("Authorization", TOKEN).get("/admin/ping").then().statusCode(200);

            // The webhooks' reconciles are done before the faults below: one meeting them would wait for a retry,
            // which the test profile never schedules, and stay pending (it once held up SyncApiTest's wait too).
            await().atMost(Duration.ofSeconds(60)).until(() -> inbox.pending(1000).stream()
                    .noneMatch(e -> p.equals(e.project())));
            // a Harbor that fails: 503, then a dropped connection
            try {
                e2.faults().add(Fault.on("GET", "/api/v2.0/projects.*").status(503));
                answers.add(given().header("Authorization", TOKEN).post("/sync").then().statusCode(200)
                        .extract().asString());
                answers.add(given().header("Authorization", TOKEN).get("/status").then().statusCode(200)
                        .extract().asString());
                answers.add(given().get("/q/health").then().extract().asString());
                e2.faults().clear();
                e2.faults().add(Fault.on("GET", "/api/v2.0/projects.*").dropConnection());
                answers.add(given().header("Authorization", TOKEN).post("/sync/projects/" + p).then().statusCode(200)
                        .extract().asString());
            } finally {
                e2.faults().clear();
            }
            answers.add(given().header("Authorization", TOKEN).get("/status").then().statusCode(200)
                    .extract().asString());
            Response health = given().get("/q/health");
            answers.add(health.asString());
            // The webhook-driven reconcile has run (and logged) before the capture ends: drain() is synchronized,
            // so this waits for the worker's own run, and also retries an event that met the faults.
            worker.drain();
            assertThat(inbox.pending(1000)).noneMatch(e -> p.equals(e.project()));
        } finally {
            root.removeHandler(capture);
            ours.setLevel(was);
            e1.removeExchangeListener(sessions);
            e2.removeExchangeListener(sessions);
        }
        assertThat(sessionSecrets).as("the daemon used sessions").isNotEmpty();
        int n = 0;
        for (String v : sessionSecrets) {
            secrets.put("session cookie or CSRF token " + ++n, v);
        }

        List<String> lines = capture.lines;
        // The capture is real: it saw the reconcile summaries, the failing site and the stored webhooks.
        assertThat(lines).as("captured log").anyMatch(l -> l.contains("reconcile of all projects"));
        assertThat(lines).as("captured log").anyMatch(l -> l.startsWith("WARN") && l.contains("sites [h2") && l.contains("could not be read"));
        assertThat(lines).as("captured log").anyMatch(l -> l.contains("stored as inbox event"));
        assertThat(answers).anyMatch(a -> a.contains("\"dryRun\":true"));
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            assertThat(s.getValue()).as(s.getKey()).isNotBlank();
            assertThat(lines).as("log lines containing the %s", s.getKey()).noneMatch(l -> l.contains(s.getValue()));
            assertThat(answers).as("answers containing the %s", s.getKey()).noneMatch(a -> a.contains(s.getValue()));
        }
        io.harborsync.testsupport.ReliabilityFigures.record("secrets", "web.SecretsInLogsTest", Map.of(
                "logLines", lines.size(), "answers", answers.size(), "secretsChecked", secrets.size(),
                "secretKinds", new java.util.TreeSet<>(secrets.keySet())));
    }
}
