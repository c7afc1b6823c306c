package io.harborsync.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.testsupport.DaemonProcess;
import io.harborsync.testsupport.PlainHarborHttp;
import io.harborsync.testsupport.ReliabilityFigures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged daemons on one real PostgreSQL and two emulated Harbors (issue 17): one leads, the other takes
 * webhooks into the shared inbox and forwards admin calls. A SIGKILLed leader loses no acknowledged event and the
 * survivor takes over within the lease; a leader frozen with SIGSTOP past its lease sends nothing after it wakes.
 * Every write the sites get is counted at the emulators, by the replica that sent it (its User-Agent).
 * Needs HARBOR_SYNC_TEST_PG_URL (.ci/postgres.sh); records its figures for docs/reliability.md.
 */
class HighAvailabilityIT {
    static final String H1_SECRET = "ha-h1-secret-51d0";
    static final String TOKEN = "ha-admin-token-7c2e";
    static final Duration LEASE = Duration.ofSeconds(3);

    HarborEmulator h1;
    HarborEmulator h2;
    PlainHarborHttp a1;
    PlainHarborHttp a2;
    final List<DaemonProcess> daemons = new ArrayList<>();
    final List<Write> writesOnH2 = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String pgUrl;
    String pgUser;

    /** One request that changed something on h2: when it arrived and which replica sent it. */
    record Write(long nanos, String method, String path, String replica, long fencedAt) {
    }

    @BeforeEach
    void postgres() {
        io.harborsync.testsupport.TestPostgres.assumeAvailable();
        pgUser = io.harborsync.testsupport.TestPostgres.user();
        pgUrl = io.harborsync.testsupport.TestPostgres.freshSchemaUrl("ha_");
    }

    @AfterEach
    void stop() throws Exception {
        for (DaemonProcess d : daemons) {
            resume(d); // a frozen one must be able to stop
            d.stop();
        }
        if (h1 != null) {
            h1.close();
        }
        if (h2 != null) {
            h2.close();
        }
    }

    static String digest(int p, int i) {
        return "sha256:" + String.format("%064x", 7_000_000L + p * 100_000L + i);
    }

    void sites(int projects, int perProject) {
        h1 = HarborEmulator.start(EmulatorOptions.defaults("h1"));
        h2 = HarborEmulator.start(EmulatorOptions.defaults("h2"));
        a1 = new PlainHarborHttp(h1);
        a2 = new PlainHarborHttp(h2);
        for (int p = 0; p < projects; p++) {
            for (PlainHarborHttp a : List.of(a1, a2)) {
                assertThat(a.post("projects", Map.of("project_name", "ha-" + p)).statusCode()).isEqualTo(201);
            }
            for (int i = 0; i < perProject; i++) {
                h1.pushArtifact("ha-" + p, "app", digest(p, i), "v" + i);
                h2.pushArtifact("ha-" + p, "app", digest(p, i), "v" + i);
            }
        }
        h2.addExchangeListener(this::countWrite);
    }

    private void countWrite(RecordedExchange x) {
        if (x.method().equals("GET") || x.method().equals("HEAD") || x.rawPath().equals("/c/login")) {
            return; // a login (a user account's session) writes nothing to Harbor's data
        }
        String agent = x.requestHeaders().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("User-Agent"))
                .flatMap(e -> e.getValue().stream()).findFirst().orElse("");
        String replica = agent.contains("(") ? agent.substring(agent.indexOf('(') + 1, agent.lastIndexOf(')')) : agent;
        long fencedAt = x.requestHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(io.harborsync.harbor.HarborClientFactory.FENCED_AT))
                .flatMap(e -> e.getValue().stream()).mapToLong(Long::parseLong).findFirst().orElse(Long.MIN_VALUE);
        writesOnH2.add(new Write(System.nanoTime(), x.method(), x.rawPath(), replica, fencedAt));
    }

    /** The running test's name, in its daemons' log files. */
    String test = "ha";

    @BeforeEach
    void name(org.junit.jupiter.api.TestInfo info) {
        test = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("ha");
    }

    Path log(String id) {
        return Path.of("target", "reliability", "ha-" + test + "-" + id + ".log");
    }

    DaemonProcess daemon(String id, Path dir) throws IOException {
        Map<String, String> props = io.harborsync.testsupport.EmulatorSites.properties(h1, h2);
        props.put("harbor-sync.sites.h1.webhook-secret", H1_SECRET);
        props.put("harbor-sync.sites.h2.webhook-secret", "ha-h2-secret-90af");
        props.put("harbor-sync.admin-token", TOKEN);
        props.put("harbor-sync.store.path", dir.resolve(id).toString());
        props.put("quarkus.datasource.active", "false");
        props.put("quarkus.datasource.pg.active", "true");
        props.put("quarkus.datasource.pg.jdbc.url", pgUrl);
        props.put("quarkus.datasource.pg.username", pgUser);
        // a frozen replica's open transaction must not block the one that takes over for longer than a lease
        props.put("quarkus.datasource.pg.jdbc.new-connection-sql",
                "SET idle_in_transaction_session_timeout = " + LEASE.toMillis());
        props.put("harbor-sync.ha.election", "postgres");
        props.put("harbor-sync.ha.replica-id", id);
        props.put("harbor-sync.ha.lease-duration", LEASE.toMillis() + "ms");
        props.put("harbor-sync.ha.retry-period", "300ms");
        props.put("harbor-sync.reconcile.interval", "off"); // only webhooks carry the changes
        props.put("harbor-sync.audit.interval", "off");
        props.put("harbor-sync.inbox.retry-interval", "1s");
        props.put("harbor-sync.inbox.retry-base", "200ms");
        props.put("harbor-sync.guard.max-delete-fraction", "1.0"); // a mass deletion on purpose
        Files.createDirectories(Path.of("target", "reliability"));
        Path log = log(id);
        Files.deleteIfExists(log);
        DaemonProcess d = new DaemonProcess(props, log);
        daemons.add(d);
        d.start();
        return d;
    }

    JsonNode ha(DaemonProcess d) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(d.base().resolve("/status"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return PlainHarborHttp.json(r).get("ha");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    HttpResponse<String> sync(DaemonProcess d) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(d.base().resolve("/sync")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    String role(DaemonProcess d) {
        JsonNode ha = ha(d);
        return ha == null ? "unreachable" : ha.get("role").asText();
    }

    boolean send(DaemonProcess d, String body) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(d.base().resolve("/webhooks/h1"))
                    .header("Authorization", H1_SECRET).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2;
        } catch (IOException refusedOrReset) {
            return false;
        }
    }

    int remainingOnH2(int projects) {
        int left = 0;
        for (int p = 0; p < projects; p++) {
            left += PlainHarborHttp.json(a2.get("projects/ha-" + p + "/repositories/app/artifacts?page_size=100")).size();
        }
        return left;
    }

    /** Writes to the same path more than once: each deleted artifact must be deleted once, by one replica. */
    long duplicateWrites() {
        Map<String, Integer> byPath = new HashMap<>();
        writesOnH2.forEach(w -> byPath.merge(w.method() + " " + w.path(), 1, Integer::sum));
        return byPath.values().stream().mapToLong(n -> n - 1).sum();
    }

    static void signal(DaemonProcess d, String sig) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(d.pid())).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as("kill -" + sig).isZero();
    }

    static void resume(DaemonProcess d) {
        try {
            signal(d, "CONT");
        } catch (Exception | AssertionError gone) {
            // not running
        }
    }

    static String deleteEvent(int p, int i) {
        return """
                {"type":"DELETE_ARTIFACT","occur_at":%d,"operator":"alice","event_data":{
                 "resources":[{"digest":"%s","tag":"v%d","resource_url":"h1.harbor.domain/ha-%d/app:v%d"}],
                 "repository":{"date_created":1767601200,"name":"app","namespace":"ha-%d","repo_full_name":"ha-%d/app","repo_type":"private"}}}
                """.formatted(1767864912L + i, digest(p, i), i, p, i, p, p);
    }

    @Test
    void theLeaderKilledMidRunLosesNothingAndNothingIsWrittenTwice(@TempDir Path dir) throws Exception {
        int projects = 10;
        int perProject = 100;
        int killAt = 400;
        sites(projects, perProject);
        DaemonProcess a = daemon("a", dir);
        await().atMost(Duration.ofSeconds(20)).until(() -> role(a).equals("leader"));
        DaemonProcess b = daemon("b", dir);
        await().atMost(Duration.ofSeconds(20)).until(() -> role(b).equals("follower"));
        assertThat(ha(b).get("leader").get("id").asText()).isEqualTo("a");

        // an admin call reaching the follower is answered by the leader
        HttpResponse<String> sync = sync(b);
        assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
        assertThat(sync.headers().firstValue("X-Harbor-Sync-Replica")).contains("a");
        assertThat(PlainHarborHttp.json(sync).get("failed")).isEmpty();
        assertThat(writesOnH2).as("both sites agreed already").isEmpty();

        List<String> bodies = new ArrayList<>();
        for (int p = 0; p < projects; p++) {
            for (int i = 0; i < perProject; i++) {
                assertThat(a1.delete("projects/ha-" + p + "/repositories/app/artifacts/" + digest(p, i)).statusCode())
                        .isEqualTo(200);
                bodies.add(deleteEvent(p, i));
            }
        }
        long started = System.nanoTime();
        long killed = 0;
        java.util.concurrent.CompletableFuture<Double> takeoverAt = null;
        int toA = 0;
        int toB = 0;
        List<String> refused = new ArrayList<>();
        for (int n = 0; n < bodies.size(); n++) {
            if (n == killAt) {
                a.kill(); // SIGKILL, mid-run: no shutdown hook gives the lock back
                killed = System.nanoTime();
                long since = killed;
                takeoverAt = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    await().atMost(LEASE.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
                            .until(() -> role(b).equals("leader"));
                    return (System.nanoTime() - since) / 1e9;
                });
            }
            DaemonProcess to = n % 2 == 0 ? a : b;
            if (send(to, bodies.get(n))) {
                if (to == a) {
                    toA++;
                } else {
                    toB++;
                }
            } else {
                refused.add(bodies.get(n)); // Harbor retries an unacknowledged delivery
            }
        }
        double takeover = takeoverAt.get(); // measured from the kill, while the deliveries went on
        for (String body : refused) {
            assertThat(send(b, body)).as("a retried delivery is taken by the survivor").isTrue();
            toB++;
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> remainingOnH2(projects) == 0);
        double converged = (System.nanoTime() - started) / 1e9;
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode st = PlainHarborHttp.json(http.send(HttpRequest.newBuilder(b.base().resolve("/status"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()));
            return st.get("pendingEvents").asLong() == 0 && st.get("deadLetters").isEmpty();
        });

        int applied = projects * perProject - remainingOnH2(projects);
        long deletes = writesOnH2.stream().filter(w -> w.method().equals("DELETE")).count();
        assertThat(applied).isEqualTo(projects * perProject);
        assertThat(duplicateWrites()).as("no write reached h2 twice").isZero();
        assertThat(deletes).as("one DELETE per deleted artifact, nothing else").isEqualTo(projects * perProject);
        assertThat(writesOnH2).allMatch(w -> w.replica().equals("a") || w.replica().equals("b"));
        assertThat(takeover).as("the survivor leads within the lease (a killed process's lock goes at once)")
                .isLessThan(LEASE.toSeconds() + 2.0);
        for (String id : List.of("a", "b")) {
            assertThat(DaemonProcess.log(log(id)))
                    .doesNotContain(TOKEN, H1_SECRET);
        }

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("replicas", 2);
        f.put("changes", projects * perProject);
        f.put("killedAt", killAt);
        f.put("acknowledgedByA", toA);
        f.put("acknowledgedByB", toB);
        f.put("refusedWhileDown", refused.size());
        f.put("leaseSeconds", LEASE.toMillis() / 1000.0);
        f.put("takeoverSeconds", Math.round(takeover * 100) / 100.0);
        f.put("writtenByA", writesOnH2.stream().filter(w -> w.replica().equals("a")).count());
        f.put("writtenByB", writesOnH2.stream().filter(w -> w.replica().equals("b")).count());
        f.put("lost", projects * perProject - applied);
        f.put("duplicateWrites", duplicateWrites());
        f.put("secondsUntilConverged", Math.round(converged * 10) / 10.0);
        ReliabilityFigures.record("ha-kill", "it.HighAvailabilityIT", f);
    }

    @Test
    void aLeaderFrozenPastItsLeaseWritesNothingAfterItWakes(@TempDir Path dir) throws Exception {
        int projects = 3;
        int perProject = 100;
        sites(projects, perProject);
        // slow answers from h2: the frozen leader is then almost surely waiting for one, not between its check
        // and the socket (the one window no fence on the client side can close)
        h2.faults().latency(Duration.ofMillis(60));
        DaemonProcess a = daemon("a", dir);
        await().atMost(Duration.ofSeconds(20)).until(() -> role(a).equals("leader"));
        DaemonProcess b = daemon("b", dir);
        await().atMost(Duration.ofSeconds(20)).until(() -> role(b).equals("follower"));
        assertThat(sync(a).statusCode()).as("the sites' agreement is the base").isEqualTo(200);

        for (int p = 0; p < projects; p++) {
            for (int i = 0; i < perProject; i++) {
                assertThat(a1.delete("projects/ha-" + p + "/repositories/app/artifacts/" + digest(p, i)).statusCode())
                        .isEqualTo(200);
                // to the follower: it stores them, the leader polls the shared inbox and works them off
                assertThat(send(b, deleteEvent(p, i))).isTrue();
            }
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> writesOnH2.stream().filter(w -> w.replica().equals("a")).count() >= 30);
        signal(a, "STOP");
        long frozen = System.nanoTime();
        await().atMost(LEASE.plusSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> role(b).equals("leader"));
        double takeover = (System.nanoTime() - frozen) / 1e9;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> remainingOnH2(projects) == 0);
        long byABeforeWaking = writesOnH2.stream().filter(w -> w.replica().equals("a")).count();

        long woke = System.nanoTime();
        signal(a, "CONT");
        await().atMost(Duration.ofSeconds(20)).until(() -> role(a).equals("follower"));
        // more work after the wake-up, stored by the old leader itself: the new leader does it
        for (int i = 0; i < 3; i++) {
            h1.pushArtifact("ha-0", "late", digest(9, i), "l" + i);
            h2.pushArtifact("ha-0", "late", digest(9, i), "l" + i);
        }
        HttpResponse<String> agreed = sync(a); // asked of the old leader: the new one answers
        assertThat(agreed.statusCode()).as(agreed.body()).isEqualTo(200);
        assertThat(agreed.headers().firstValue("X-Harbor-Sync-Replica")).contains("b");
        for (int i = 0; i < 3; i++) {
            assertThat(a1.delete("projects/ha-0/repositories/late/artifacts/" + digest(9, i)).statusCode())
                    .isEqualTo(200);
            String body = deleteEvent(0, i).replace(digest(0, i), digest(9, i)).replace("\"app\"", "\"late\"")
                    .replace("ha-0/app", "ha-0/late");
            assertThat(send(a, body)).as("the old leader still takes webhooks in").isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                PlainHarborHttp.json(a2.get("projects/ha-0/repositories/late/artifacts")).size() == 0);

        // Both processes read the same monotonic clock (Linux CLOCK_MONOTONIC), so the fence's stamp on a write is
        // comparable with the test's freeze. No write passed a's fence after the freeze; a write that had passed
        // it and not yet left the process when it froze arrives only after it woke: that is the one window no
        // fence on the client side can close (the sites cannot check a token), at most one per request slot.
        List<Write> byA = writesOnH2.stream().filter(w -> w.replica().equals("a")).toList();
        assertThat(byA).allMatch(w -> w.fencedAt() != Long.MIN_VALUE, "every write carries its fence stamp");
        List<Write> checkedAfterFreeze = byA.stream().filter(w -> w.fencedAt() > frozen).toList();
        assertThat(checkedAfterFreeze).as("no write from the frozen leader passed its fence after the freeze")
                .isEmpty();
        List<Write> inFlight = byA.stream().filter(w -> w.nanos() > woke).toList();
        assertThat(inFlight).as("arriving after it woke: only writes in flight at the freeze, at most a slot each")
                .hasSizeLessThanOrEqualTo(4);
        long duplicates = duplicateWrites();
        assertThat(duplicates).as("a duplicate can only be such a write in flight").isLessThanOrEqualTo(inFlight.size());
        assertThat(takeover).as("not before the frozen leader's lease ran out").isGreaterThanOrEqualTo(
                LEASE.toMillis() / 1000.0 * 0.8);
        assertThat(DaemonProcess.log(log("a")))
                .contains("is a follower now").doesNotContain(TOKEN, H1_SECRET);

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("leaseSeconds", LEASE.toMillis() / 1000.0);
        f.put("writtenByABeforeFreeze", byABeforeWaking);
        f.put("takeoverSeconds", Math.round(takeover * 100) / 100.0);
        f.put("checkedByAAfterFreeze", checkedAfterFreeze.size());
        f.put("inFlightAtFreezeArrivedAfterWaking", inFlight.size());
        f.put("duplicateWrites", duplicates);
        ReliabilityFigures.record("ha-freeze", "it.HighAvailabilityIT", f);
    }
}
