package io.harborsync.it;

import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.testsupport.DaemonProcess;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged daemon, killed with SIGKILL in the middle of 1,000 webhooks, restarted on the same
 * store: every change reaches the peer, nothing else changes, and nothing acknowledged is lost.
 * Records its figures for docs/reliability.md ({@link io.harborsync.testsupport.ReliabilityFigures}).
 */
class CrashRecoveryIT {
    static final int PROJECTS = 10;
    static final int PER_PROJECT = 100;
    static final int KILL_AT = 400;
    static final int RESTART_AT = 600;
    static final String H1_SECRET = "crash-h1-secret-6f1c";
    static final String TOKEN = "crash-admin-token-93ab";

    HarborEmulator h1;
    HarborEmulator h2;
    DaemonProcess daemon;

    @AfterEach
    void stop() throws InterruptedException {
        if (daemon != null) {
            daemon.stop();
        }
        if (h1 != null) {
            h1.close();
        }
        if (h2 != null) {
            h2.close();
        }
    }

    static String digest(int p, int i) {
        return "sha256:" + String.format("%064x", p * 100_000L + i);
    }

    @Test
    void aKilledDaemonLosesNoAcknowledgedWebhook(@TempDir Path dir) throws Exception {
        crashAndRestart(dir, Map.of(), "crash-recovery");
    }

    /** The same on the PostgreSQL store (HARBOR_SYNC_TEST_PG_URL; .ci/postgres.sh starts one). */
    @Test
    void aKilledDaemonOnPostgresqlLosesNoAcknowledgedWebhook(@TempDir Path dir) throws Exception {
        io.harborsync.testsupport.TestPostgres.assumeAvailable();
        crashAndRestart(dir, Map.of("quarkus.datasource.active", "false", "quarkus.datasource.pg.active", "true",
                "quarkus.datasource.pg.jdbc.url", io.harborsync.testsupport.TestPostgres.freshSchemaUrl("crash_"),
                "quarkus.datasource.pg.username", io.harborsync.testsupport.TestPostgres.user()),
                "crash-recovery-postgresql");
    }

    private void crashAndRestart(Path dir, Map<String, String> store, String figure) throws Exception {
        h1 = HarborEmulator.start(EmulatorOptions.defaults("h1"));
        h2 = HarborEmulator.start(EmulatorOptions.defaults("h2"));
        PlainHarborHttp a1 = new PlainHarborHttp(h1);
        PlainHarborHttp a2 = new PlainHarborHttp(h2);
        for (int p = 0; p < PROJECTS; p++) {
            for (PlainHarborHttp a : List.of(a1, a2)) {
                assertThat(a.post("projects", Map.of("project_name", "crash-" + p)).statusCode()).isEqualTo(201);
            }
            for (int i = 0; i < PER_PROJECT; i++) {
                // replicated content on both sites, before any daemon existed
                h1.pushArtifact("crash-" + p, "app", digest(p, i), "v" + i);
                h2.pushArtifact("crash-" + p, "app", digest(p, i), "v" + i);
            }
            h1.pushArtifact("crash-" + p, "keep", digest(p, 99_999), "stays");
            h2.pushArtifact("crash-" + p, "keep", digest(p, 99_999), "stays");
        }

        Map<String, String> props = io.harborsync.testsupport.EmulatorSites.properties(h1, h2);
        props.put("harbor-sync.sites.h1.webhook-secret", H1_SECRET);
        props.put("harbor-sync.sites.h2.webhook-secret", "crash-h2-secret-0d2e");
        props.put("harbor-sync.admin-token", TOKEN);
        props.put("harbor-sync.store.path", dir.resolve("store").toString());
        props.putAll(store);
        props.put("harbor-sync.reconcile.interval", "off"); // only webhooks may carry the changes
        props.put("harbor-sync.audit.interval", "off");
        props.put("harbor-sync.inbox.retry-interval", "1s");
        props.put("harbor-sync.inbox.retry-base", "200ms");
        // 1,000 of 1,010 artifacts go: a mass deletion on purpose, which the guard would (rightly) hold back
        props.put("harbor-sync.guard.max-delete-fraction", "1.0");
        Path log = Files.createDirectories(Path.of("target", "reliability")).resolve(figure + "-daemon.log");
        Files.deleteIfExists(log);
        daemon = new DaemonProcess(props, log);
        daemon.start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> first = http.send(HttpRequest.newBuilder(daemon.base().resolve("/sync"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(PlainHarborHttp.json(first).get("failed")).isEmpty();

        // users delete 1,000 artifacts on h1; Harbor would send one webhook each
        List<String> bodies = new ArrayList<>();
        for (int p = 0; p < PROJECTS; p++) {
            for (int i = 0; i < PER_PROJECT; i++) {
                assertThat(a1.delete("projects/crash-" + p + "/repositories/app/artifacts/" + digest(p, i)).statusCode())
                        .isEqualTo(200);
                bodies.add(deleteEvent(p, i));
            }
        }

        Instant started = Instant.now();
        int attempts = 0;
        int acknowledged = 0;
        List<String> unacknowledged = new ArrayList<>();
        for (int n = 0; n < bodies.size(); n++) {
            if (n == KILL_AT) {
                daemon.kill(); // mid-way, while it works off what it has acknowledged
            }
            if (n == RESTART_AT) {
                daemon.start(); // same store
            }
            attempts++;
            if (send(http, bodies.get(n))) {
                acknowledged++;
            } else {
                unacknowledged.add(bodies.get(n)); // Harbor retries an unacknowledged delivery
            }
        }
        int resent = unacknowledged.size();
        for (String body : unacknowledged) {
            attempts++;
            assertThat(send(http, body)).as("a retried delivery is acknowledged by the restarted daemon").isTrue();
            acknowledged++;
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> remainingOnH2(a2) == 0);
        Duration took = Duration.between(started, Instant.now());

        int applied = PROJECTS * PER_PROJECT - remainingOnH2(a2);
        for (int p = 0; p < PROJECTS; p++) {
            for (PlainHarborHttp a : List.of(a1, a2)) {
                assertThat(a.get("projects/crash-" + p + "/repositories/keep/artifacts").body())
                        .as("untouched content stays").contains(digest(p, 99_999));
            }
        }
        assertThat(DaemonProcess.log(log)).doesNotContain(H1_SECRET, TOKEN, "Harbor12345");

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("projects", PROJECTS);
        report.put("perProject", PER_PROJECT);
        report.put("killedAt", KILL_AT);
        report.put("restartedAt", RESTART_AT);
        report.put("changes", PROJECTS * PER_PROJECT);
        report.put("webhooksSent", bodies.size());
        report.put("deliveryAttempts", attempts);
        report.put("refusedWhileDown", resent);
        report.put("acknowledged", acknowledged);
        report.put("applied", applied);
        report.put("lost", PROJECTS * PER_PROJECT - applied);
        report.put("secondsUntilConverged", took.toMillis() / 1000.0);
        assertThat(applied).isEqualTo(PROJECTS * PER_PROJECT);
        if (store.isEmpty()) {
            // H2 is single-replica: a second daemon on the same store stops at start, in one line, exit 2
            Path secondLog = log.resolveSibling(figure + "-second-daemon.log");
            Files.deleteIfExists(secondLog);
            DaemonProcess second = new DaemonProcess(props, secondLog);
            org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                    .hasMessageContaining("daemon exited with 2");
            assertThat(DaemonProcess.log(secondLog)).contains("configuration error: harbor-sync.store.path:"
                    + " the H2 store ").contains("is in use by another harbor-sync process").doesNotContain("\tat ");
            assertThat(remainingOnH2(a2)).as("the first one still works undisturbed").isZero();
        }
        io.harborsync.testsupport.ReliabilityFigures.record(figure, "it.CrashRecoveryIT", report);
    }

    private boolean send(HttpClient http, String body) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(daemon.base().resolve("/webhooks/h1"))
                    .header("Authorization", H1_SECRET).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2; // Harbor's rule: any 2xx is delivered
        } catch (java.io.IOException refusedOrReset) {
            return false;
        }
    }

    private int remainingOnH2(PlainHarborHttp a2) {
        int left = 0;
        for (int p = 0; p < PROJECTS; p++) {
            HttpResponse<String> r = a2.get("projects/crash-" + p + "/repositories/app/artifacts?page_size=100");
            left += PlainHarborHttp.json(r).size();
        }
        return left;
    }

    private static String deleteEvent(int p, int i) {
        return """
                {"type":"DELETE_ARTIFACT","occur_at":%d,"operator":"alice","event_data":{
                 "resources":[{"digest":"%s","tag":"v%d","resource_url":"h1.harbor.domain/crash-%d/app:v%d"}],
                 "repository":{"date_created":1767601200,"name":"app","namespace":"crash-%d","repo_full_name":"crash-%d/app","repo_type":"private"}}}
                """.formatted(1767864912L + i, digest(p, i), i, p, i, p, p);
    }
}
