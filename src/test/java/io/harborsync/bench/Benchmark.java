package io.harborsync.bench;

import io.harborsync.testsupport.ReliabilityFigures;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.ExchangeListenerFactory;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.testsupport.DaemonProcess;
import io.harborsync.testsupport.EmulatorSites;
import io.harborsync.testsupport.PlainHarborHttp;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;

/**
 * Issue 6's benchmark: two emulated Harbors with a per-request latency, the packaged daemon as its own process
 * pointed at them over HTTP, and the six figures. Phase A (audit tail off, nothing periodic): start, initial
 * reconcile, drift on h1, the measured full reconcile (figures 1, 2), webhook-driven deletions (4a). Phase B, a
 * second daemon process on a fresh store and the same port, with the audit tail every few seconds: idle cycles
 * (3) and webhook intake (5). Phase C, a third on phase A's store with the audit tail every 250 ms and the webhooks
 * on: the fast poll's idle cost and deletions by fast poll (4b). All give start-to-ready and peak RSS (6).
 */
final class Benchmark {
    static final String TOKEN = "bench-admin-token-4f2a9c";
    static final String H1_SECRET = "bench-h1-webhook-secret-8e1b";
    static final String H2_SECRET = "bench-h2-webhook-secret-23cd";

    private final BenchParams p;
    private final Dataset data;
    private final Path work;
    private final Results r;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HarborEmulator h1;
    private HarborEmulator h2;
    private RequestLog log;

    Benchmark(BenchParams p, Path work) {
        this.p = p;
        this.data = new Dataset(p);
        this.work = work;
        this.r = new Results(p, machine());
    }

    Results run() throws Exception {
        return withSites(port -> {
            phaseA(port);
            phaseB(port);
            phaseC(port);
        });
    }

    private interface Phases {
        void run(int port) throws Exception;
    }

    /** Two emulators seeded with the dataset, the phases against them on one daemon port, then the totals. */
    private Results withSites(Phases phases) throws Exception {
        long started = System.nanoTime();
        if (p.full()) {
            // the tests' swagger check validates every exchange: far too costly for 10^5 requests
            System.clearProperty(ExchangeListenerFactory.PROPERTY);
        }
        h1 = HarborEmulator.start(EmulatorOptions.defaults("h1").withMemberAuditEvents(p.memberAudit()));
        h2 = HarborEmulator.start(EmulatorOptions.defaults("h2").withMemberAuditEvents(p.memberAudit()));
        try {
            log = new RequestLog(h1, h2);
            progress("seeding %d projects x %d members x %d repositories x %d artifacts on both sites",
                    p.projects(), p.members(), p.repos(), p.artifacts());
            data.seed(h1);
            data.seed(h2);
            latency(p.latencyMs());
            phases.run(DaemonProcess.freePort());
        } finally {
            h1.close();
            h2.close();
        }
        r.total = Duration.ofNanos(System.nanoTime() - started);
        r.loadAfter = loadAverage();
        return r;
    }

    /**
     * One size of the growth run (bench.growth, issue 18): fresh emulators with this many projects, a fresh daemon
     * process (the Deployment's JVM options), its initial reconcile, the drift, the measured full reconcile and the
     * verify pass; then the daemon's peak RSS over all of them. No other figure.
     */
    Results runGrowth() throws Exception {
        return withSites(port -> {
            DaemonProcess daemon = new DaemonProcess(properties(port, "a", "off"), p.daemonJvmOptionList(),
                    work.resolve("daemon.log"), port);
            try {
                r.readyA = daemon.startTimed(Duration.ofMillis(10));
                reconciles(daemon);
                r.rssA = daemon.peakRssKib();
            } finally {
                daemon.stop();
            }
        });
    }

    // ------------------------------------------------------------------ phase A

    private void phaseA(int port) throws Exception {
        DaemonProcess daemon = new DaemonProcess(properties(port, "a", "off"), p.daemonJvmOptionList(),
                work.resolve("daemon-a.log"), port);
        try {
            r.readyA = daemon.startTimed(Duration.ofMillis(10));
            progress("daemon A ready in %d ms", r.readyA.toMillis());
            reconciles(daemon);
            r.byWebhook = mirror(daemon, new Random(p.seed() + 1), "by webhook");
            cli(daemon);
            r.rssA = daemon.peakRssKib();
        } finally {
            daemon.stop();
        }
    }

    /**
     * The initial reconcile that establishes the base, the drift on h1, the measured full reconcile (figures 1, 2)
     * and the verify pass after it.
     */
    private void reconciles(DaemonProcess daemon) throws Exception {
        Map<String, Long> seedPages = data.listPages(Map.of(), Map.of());
        // the first full reconcile of a process is a verify pass (issue 18): it reads everything, and asks each
        // site's Harbor version once (GET /systeminfo, kept 10 minutes) to know whether marks may be trusted
        Map<String, Long> firstPages = new java.util.TreeMap<>(seedPages);
        firstPages.put("GET /systeminfo", 1L);
        data.firstAuditReads(firstPages);
        latency(p.initialLatencyMs());
        r.initial = reconcile(daemon, p.initialLatencyMs(), Map.of("h1", firstPages, "h2", firstPages), 0);
        progress("initial reconcile: %d requests in %d ms", r.initial.hits.size(), r.initial.wall.toMillis());
        if (r.initial.failed > 0) {
            throw new IllegalStateException("the initial reconcile failed " + r.initial.failed + " operations: "
                    + r.initial.firstFailure);
        }

        latency(0);
        r.drift = data.drift(p.drift(), new Random(p.seed()));
        applyDrift(daemon, r.drift);
        progress("drifted %d keys on h1", r.drift.size());

        latency(p.latencyMs());
        // with the quick check: artifacts listed only where the drift moved a repository's update_time (h1)
        r.full = reconcile(daemon, p.latencyMs(), Map.of("h1", data.auditReads(data.listPagesAfter(r.drift, true),
                Dataset.memberChanges(r.drift)), "h2", data.auditReads(data.listPagesUnchanged(), 0)),
                r.drift.size());
        r.full.readEverythingPages = Map.of("h1", data.listPagesAfter(r.drift), "h2", seedPages);
        r.full.boundWritesByPhase = Dataset.writesByPhase(r.drift, BenchReport.SITES);
        progress("full reconcile: %d requests (bound %d) in %d ms", r.full.hits.size(), r.full.boundTotal(),
                r.full.wall.toMillis());

        // the verify pass: everything read on both sites, which now agree (the drift mirrored), nothing written
        Map<String, Long> agreed = data.listPagesAfter(r.drift);
        // the verify pass reads the audit logs too (what it would have trusted): on h2 the member rows of the
        // daemon's own writes since the full reconcile's start, on h1 none
        r.verify = reconcile(daemon, p.latencyMs(), Map.of("h1", data.auditReads(agreed, 0),
                "h2", data.auditReads(agreed, Dataset.memberChanges(r.drift))), 0, "/sync?verify=true");
        progress("verify pass: %d requests (bound %d) in %d ms", r.verify.hits.size(), r.verify.boundTotal(),
                r.verify.wall.toMillis());
    }

    private Map<String, String> properties(int port, String store, String auditInterval) throws IOException {
        Map<String, String> props = new LinkedHashMap<>(EmulatorSites.properties(h1, h2));
        props.put("harbor-sync.sites.h1.webhook-secret", H1_SECRET);
        props.put("harbor-sync.sites.h2.webhook-secret", H2_SECRET);
        props.put("harbor-sync.admin-token", TOKEN);
        props.put("harbor-sync.store.path", Files.createDirectories(work.resolve("store-" + store)).toString());
        props.put("harbor-sync.webhook.url", "http://localhost:" + port);
        props.put("harbor-sync.reconcile.interval", "off"); // only the reconciles the benchmark asks for
        props.put("harbor-sync.audit.interval", auditInterval);
        props.put("harbor-sync.http.max-concurrency", Integer.toString(p.maxConcurrency()));
        return props;
    }

    private Results.Reconcile reconcile(DaemonProcess daemon, int latencyMs, Map<String, Map<String, Long>> pages,
                                        long writes) throws Exception {
        return reconcile(daemon, latencyMs, pages, writes, "/sync");
    }

    private Results.Reconcile reconcile(DaemonProcess daemon, int latencyMs, Map<String, Map<String, Long>> pages,
                                        long writes, String call) throws Exception {
        Results.Reconcile rec = new Results.Reconcile();
        rec.latencyMs = latencyMs;
        rec.boundPages = pages;
        rec.boundWrites = writes;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Duration daemonCpu = daemon.cpuTime();
        long harnessCpu = os.getProcessCpuTime();
        h1.resetHarborCpu();
        h2.resetHarborCpu();
        log.start();
        long t0 = System.nanoTime();
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(daemon.base().resolve(call))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofHours(1))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        rec.wall = Duration.ofNanos(System.nanoTime() - t0);
        rec.sentNanos = t0;
        rec.answeredNanos = t0 + rec.wall.toNanos();
        rec.daemonCpu = daemon.cpuTime().minus(daemonCpu);
        rec.harnessCpu = Duration.ofNanos(os.getProcessCpuTime() - harnessCpu);
        rec.hits = log.stop();
        Map<String, Long> byAccount = new java.util.TreeMap<>();
        for (HarborEmulator e : List.of(h1, h2)) {
            io.harborsync.emulator.HarborCpu.Totals t = e.harborCpu();
            rec.harborCpuMillis += t.millis();
            rec.harborCpuRequests += t.requests();
            t.byAccount().forEach((a, n) -> byAccount.merge(a.name().toLowerCase(java.util.Locale.ROOT), n, Long::sum));
        }
        rec.harborCpuByAccount = byAccount.toString();
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("POST /sync answered " + resp.statusCode() + ": " + resp.body());
        }
        JsonNode report = PlainHarborHttp.json(resp);
        rec.done = report.path("done").size();
        rec.failed = report.path("failed").size();
        rec.pending = report.path("pending").size();
        rec.conflicts = report.path("conflicts").size();
        if (rec.failed > 0) {
            rec.firstFailure = report.path("failed").get(0).toString();
        }
        return rec;
    }

    /**
     * The drift, made on h1 through its REST API by the admin. A person's artifact deletion is mirrored by its
     * webhook at once, also as admin (the daemon's own account): the daemon's webhook policy of each project with a
     * deletion is switched off meanwhile, so that the measured reconcile finds every change, as it does changes no
     * event announced. The daemon checked the policies in the initial reconcile, so it reads none in the measured one.
     */
    private void applyDrift(DaemonProcess daemon, List<Dataset.Change> drift) {
        PlainHarborHttp a1 = new PlainHarborHttp(h1);
        Set<String> silenced = new java.util.TreeSet<>();
        drift.stream().filter(c -> c.kind() == Dataset.ChangeKind.DELETE_ARTIFACT)
                .forEach(c -> silenced.add(Dataset.project(c.project())));
        silenced.forEach(project -> daemonPolicy(a1, project, false));
        int deletions = 0;
        for (Dataset.Change c : drift) {
            String project = Dataset.project(c.project());
            switch (c.kind()) {
                case METADATA -> ok(a1.put("projects/" + project, Map.of("metadata", Map.of("auto_scan", "true"))));
                case ROLE -> {
                    int role = data.role(c.project(), c.slot());
                    int other = Dataset.ROLES[(Arrays.binarySearch(Dataset.ROLES, role) + 1) % Dataset.ROLES.length];
                    ok(a1.put("projects/" + project + "/members/" + memberId(a1, project,
                            data.memberUser(c.project(), c.slot())), Map.of("role_id", other)));
                }
                case REMOVE_MEMBER -> ok(a1.delete("projects/" + project + "/members/" + memberId(a1, project,
                        data.memberUser(c.project(), c.slot()))));
                case ADD_MEMBER -> ok(a1.post("projects/" + project + "/members", Map.of("role_id", 2,
                        "member_user", Map.of("username", data.spareUser(c.project())))));
                case DELETE_ARTIFACT -> {
                    ok(a1.delete(artifactPath(c.project(), c.repo(), c.artifact())));
                    deletions++;
                }
            }
        }
        silenced.forEach(project -> daemonPolicy(a1, project, true));
        progress("%d artifact deletions made with the daemon's webhook policy off in %d projects", deletions,
                silenced.size());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> inboxPending(daemon) == 0);
    }

    /** Switches the daemon's webhook policy in a project of h1 off or on again (a policy PUT replaces it whole). */
    private static void daemonPolicy(PlainHarborHttp a1, String project, boolean enabled) {
        for (JsonNode policy : PlainHarborHttp.json(ok(a1.get("projects/" + project + "/webhook/policies")))) {
            if (io.harborsync.sync.WebhookPolicies.isDaemons(policy.path("name").asText())) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", policy.path("name").asText());
                body.put("description", policy.path("description").asText());
                body.put("enabled", enabled);
                body.put("event_types", PlainHarborHttp.JSON.convertValue(policy.path("event_types"), List.class));
                body.put("targets", PlainHarborHttp.JSON.convertValue(policy.path("targets"), List.class));
                ok(a1.put("projects/" + project + "/webhook/policies/" + policy.path("id").asLong(), body));
                return;
            }
        }
        throw new IllegalStateException("h1 has no harbor-sync webhook policy in " + project);
    }

    private String artifactPath(int i, int j, int k) {
        return "projects/" + Dataset.project(i) + "/repositories/"
                + Dataset.repo(j).replace("/", "%252F") + "/artifacts/" + data.digest(i, j, k);
    }

    private static long memberId(PlainHarborHttp a, String project, String user) {
        JsonNode list = PlainHarborHttp.json(ok(a.get("projects/" + project + "/members?entityname=" + user)));
        if (list.size() != 1) {
            throw new IllegalStateException(user + " is not a member of " + project + " on h1");
        }
        return list.get(0).path("id").asLong();
    }

    private static HttpResponse<String> ok(HttpResponse<String> resp) {
        if (resp.statusCode() / 100 != 2) {
            throw new IllegalStateException(resp.request().method() + " " + resp.request().uri() + " answered "
                    + resp.statusCode() + ": " + resp.body());
        }
        return resp;
    }

    private double inboxPending(DaemonProcess daemon) throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(daemon.base().resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("harborsync_inbox_pending")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("/q/metrics has no harborsync_inbox_pending");
    }

    // ------------------------------------------------------------------ figure 4

    /** Artifacts figure 4 deleted already (ids as {@link #artifactId}): the second run chooses others. */
    private final Set<Long> mirrored = new HashSet<>();
    /** Basic auth of the system robot on h1 that plays the users of figure 4. */
    private String deleterAuth;

    private long artifactId(int i, int j, int k) {
        return ((long) i * p.repos() + j) * p.artifacts() + k;
    }

    /**
     * Users delete artifacts on h1 at a fixed rate (as a system robot: not the daemon's account); per artifact,
     * the time from h1 applying the deletion to h2 receiving the daemon's DELETE. Each run deletes artifacts no
     * run deleted before; the daemon's {@code artifactDeletions} in /status say which path started them.
     */
    private Results.Mirror mirror(DaemonProcess daemon, Random rnd, String path) throws Exception {
        Results.Mirror m = new Results.Mirror();
        PlainHarborHttp a1 = new PlainHarborHttp(h1);
        if (deleterAuth == null) {
            JsonNode robot = PlainHarborHttp.json(ok(a1.post("robots", Map.of("name", "bench-deleter", "level",
                    "system", "duration", -1, "permissions", List.of(Map.of("kind", "project", "namespace", "*",
                            "access", List.of(Map.of("resource", "artifact", "action", "delete"))))))));
            deleterAuth = PlainHarborHttp.basic(robot.path("name").asText(), robot.path("secret").asText());
        }
        String auth = deleterAuth;

        Set<Long> drifted = new HashSet<>();
        for (Dataset.Change c : r.drift) {
            if (c.kind() == Dataset.ChangeKind.DELETE_ARTIFACT) {
                drifted.add(artifactId(c.project(), c.repo(), c.artifact()));
            }
        }
        List<int[]> targets = new ArrayList<>();
        long tries = 0;
        while (targets.size() < p.mirrorEvents()) {
            if (++tries > 100L * p.projects() * p.repos() * p.artifacts()) {
                throw new IllegalStateException("bench.mirror-events: fewer artifacts left than figure 4 " + path
                        + " deletes; lower it or bench.drift");
            }
            int i = rnd.nextInt(p.projects());
            int j = rnd.nextInt(p.repos());
            int k = rnd.nextInt(p.artifacts());
            long id = artifactId(i, j, k);
            if (!drifted.contains(id) && mirrored.add(id)) {
                targets.add(new int[]{i, j, k});
            }
        }
        JsonNode before = artifactDeletions(daemon);

        Map<String, Long> deletedOnH1 = new ConcurrentHashMap<>();
        Map<String, Long> deletedOnH2 = new ConcurrentHashMap<>();
        ExchangeListener l1 = deletions(deletedOnH1);
        ExchangeListener l2 = deletions(deletedOnH2);
        h1.addExchangeListener(l1);
        h2.addExchangeListener(l2);
        log.start();
        List<CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
        long period = 1_000_000_000L / p.mirrorRate();
        long start = System.nanoTime();
        for (int n = 0; n < targets.size(); n++) {
            long due = start + n * period;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int[] t = targets.get(n);
            URI uri = URI.create(h1.baseUrl() + "/api/v2.0/" + artifactPath(t[0], t[1], t[2]));
            sent.add(http.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", auth).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        m.sendWindow = Duration.ofNanos(System.nanoTime() - start);
        m.sent = targets.size();
        Set<String> digests = new HashSet<>();
        targets.forEach(t -> digests.add(data.digest(t[0], t[1], t[2])));
        try {
            await().atMost(Duration.ofSeconds(p.mirrorTimeoutS())).pollInterval(Duration.ofMillis(50))
                    .until(() -> deletedOnH2.keySet().containsAll(digests));
        } catch (ConditionTimeoutException e) {
            r.notes.add(String.format("Figure 4 (%s): %d of %d deletions had not reached h2 %d s after the last one"
                            + " was made on h1; they count as slower than any measured value.", path,
                    digests.size() - deletedOnH2.keySet().stream().filter(digests::contains).count(), digests.size(),
                    p.mirrorTimeoutS()));
        }
        // the webhooks still on their way (Harbor's delay) and the audit rows the next polls read are part of the
        // run: whichever comes second is a duplicate, and counts
        Duration settle = lastWebhookDelay().plus(Results.FAST_POLL.multipliedBy(2));
        await().atMost(settle.plusSeconds(30)).pollDelay(settle).pollInterval(Duration.ofMillis(100))
                .until(() -> inboxPending(daemon) == 0);
        m.hits = log.stop();
        h1.removeExchangeListener(l1);
        h2.removeExchangeListener(l2);
        JsonNode after = artifactDeletions(daemon);
        m.startedByAuditLog = after.path("startedByAuditLog").asLong() - before.path("startedByAuditLog").asLong();
        m.startedByWebhook = after.path("startedByWebhook").asLong() - before.path("startedByWebhook").asLong();
        m.duplicatesSkipped = after.path("duplicatesSkipped").asLong() - before.path("duplicatesSkipped").asLong();
        for (CompletableFuture<HttpResponse<Void>> f : sent) {
            if (f.get().statusCode() != 200) {
                m.refused++;
            }
        }
        double[] ms = new double[digests.size()];
        int n = 0;
        for (String d : digests) {
            Long a = deletedOnH1.get(d);
            Long b = deletedOnH2.get(d);
            ms[n++] = a == null || b == null ? Double.POSITIVE_INFINITY : Math.max(0, b - a) / 1e6;
        }
        Arrays.sort(ms);
        m.millis = ms;
        progress("deletion mirroring %s: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms; started by the audit log %d, by"
                        + " webhook %d, duplicates skipped %d", path, BenchReport.percentile(ms, 50),
                BenchReport.percentile(ms, 90), BenchReport.percentile(ms, 99), m.startedByAuditLog,
                m.startedByWebhook, m.duplicatesSkipped);
        return m;
    }

    /** The longest a webhook job waits before its first attempt with the latency in use (none when flat). */
    private Duration lastWebhookDelay() {
        io.harborsync.emulator.LatencyProfile profile = h1.faults().profile();
        return profile == null ? Duration.ZERO : BenchReport.webhookDelayPercentile(profile, 100);
    }

    /** The daemon's counters of artifact-deletion reconciles ({@code artifactDeletions} in GET /status). */
    private JsonNode artifactDeletions(DaemonProcess daemon) throws IOException, InterruptedException {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(daemon.base().resolve("/status"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return PlainHarborHttp.json(ok(resp)).path("artifactDeletions");
    }

    private static ExchangeListener deletions(Map<String, Long> into) {
        return (RecordedExchange x) -> {
            if (x.method().equals("DELETE") && x.status() == 200 && x.rawPath().contains("/artifacts/")
                    && !x.rawPath().contains("/tags/")) {
                String ref = x.rawPath().substring(x.rawPath().lastIndexOf('/') + 1);
                into.putIfAbsent(URLDecoder.decode(ref, StandardCharsets.UTF_8), System.nanoTime());
            }
        };
    }

    // ------------------------------------------------------------------ the CLI

    /** The CLI commands timed against the running daemon, as the report names them. */
    static List<List<String>> cliCommands() {
        return List.of(List.of("status"), List.of("sync", "--dry-run", "--project", Dataset.project(0)));
    }

    /**
     * The CLI as an operator runs it, `java -jar target/quarkus-app/quarkus-run.jar COMMAND --url --token` (no
     * JVM options, as the README has it), against daemon A once it has nothing left to do: the wall time from
     * spawning the JVM to its exit, a few runs of each command. A run that exits non-zero is reported, not timed.
     */
    private void cli(DaemonProcess daemon) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("harbor-sync.jar", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int n = 0;
        for (List<String> command : cliCommands()) {
            String name = String.join(" ", command);
            List<Duration> times = new ArrayList<>();
            for (int run = 0; run < p.cliRuns(); run++) {
                List<String> cmd = new ArrayList<>(List.of(javaBin, "-jar", jar.toString()));
                cmd.addAll(command);
                cmd.addAll(List.of("--url", daemon.base().toString(), "--token", TOKEN));
                Path out = work.resolve("cli-" + (++n) + ".log");
                long t0 = System.nanoTime();
                Process proc = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!proc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    proc.destroyForcibly();
                    r.cliFailures.put(name, "did not exit within 60 s (output in " + out + ")");
                    break;
                }
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                if (proc.exitValue() != 0) {
                    r.cliFailures.put(name, "exited " + proc.exitValue() + " (output in " + out + ")");
                    break;
                }
                times.add(took);
            }
            r.cli.put(name, times);
            progress("CLI %s: %s", name, times.stream().map(d -> d.toMillis() + " ms").toList());
        }
    }

    // ------------------------------------------------------------------ phase B

    private void phaseB(int port) throws Exception {
        DaemonProcess daemon = new DaemonProcess(properties(port, "b", p.auditIntervalS() + "s"),
                p.daemonJvmOptionList(), work.resolve("daemon-b.log"), port);
        try {
            r.readyB = daemon.startTimed(Duration.ofMillis(10));
            progress("daemon B ready in %d ms", r.readyB.toMillis());
            idle();
            intake(daemon);
            r.rssB = daemon.peakRssKib();
        } finally {
            daemon.stop();
        }
    }

    // ------------------------------------------------------------------ phase C

    /**
     * Figure 4b: a third daemon process on phase A's store (its base knows every artifact) with the fast audit-log
     * poll (harbor-sync.audit.interval=250ms) and no webhooks: the daemon's webhook policy of every project on h1 is
     * switched off first, as an operator relying on the poll alone would, so that every deletion is found by the
     * poll and the figure is the poll's own latency (with webhooks on as well, each deletion is started by whichever
     * comes first and the other is skipped as a duplicate: AuditLogTailTest). First its idle cost, whole poll cycles
     * with nothing changing, then deletions as in figure 4a.
     */
    private void phaseC(int port) throws Exception {
        latency(0);
        PlainHarborHttp a1 = new PlainHarborHttp(h1);
        for (int i = 0; i < p.projects(); i++) {
            daemonPolicy(a1, Dataset.project(i), false);
        }
        latency(p.latencyMs());
        DaemonProcess daemon = new DaemonProcess(properties(port, "a", Results.FAST_POLL.toMillis() + "ms"),
                p.daemonJvmOptionList(), work.resolve("daemon-c.log"), port);
        try {
            r.readyC = daemon.startTimed(Duration.ofMillis(10));
            progress("daemon C ready in %d ms (audit-log poll every %d ms)", r.readyC.toMillis(),
                    Results.FAST_POLL.toMillis());
            pollIdle();
            r.byPoll = mirror(daemon, new Random(p.seed() + 2), "by fast poll");
            r.rssC = daemon.peakRssKib();
        } finally {
            daemon.stop();
        }
    }

    /** Whole idle cycles of the fast poll measured (about 15 s of them; 2 s in the smoke run). */
    private int pollIdleCycles() {
        return p.full() ? 60 : 8;
    }

    /** The fast poll's idle cost: its requests per cycle, and what they cost Harbor by how the daemon logs in. */
    private void pollIdle() {
        long interval = Results.FAST_POLL.toNanos();
        log.start();
        // the first poll of a store without a cursor reads the log's whole history: measure after it
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> cycles(log.snapshot(), interval).size() >= 4);
        h1.resetHarborCpu();
        h2.resetHarborCpu();
        log.start();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(60 + pollIdleCycles())).pollInterval(Duration.ofMillis(50))
                .until(() -> cycles(log.snapshot(), interval).size() >= pollIdleCycles() + 2);
        List<List<RequestLog.Hit>> cycles = cycles(log.stop(), interval);
        r.pollIdleWindow = Duration.ofNanos(System.nanoTime() - t0);
        Map<String, Long> byAccount = new java.util.TreeMap<>();
        for (HarborEmulator e : List.of(h1, h2)) {
            e.harborCpu().byAccount().forEach((a, n) -> byAccount.merge(a.name().toLowerCase(java.util.Locale.ROOT), n,
                    Long::sum));
        }
        r.pollIdleByAccount = byAccount;
        List<RequestLog.Hit> whole = new ArrayList<>();
        cycles.subList(1, 1 + pollIdleCycles()).forEach(whole::addAll);
        r.pollIdleHits = whole;
        r.pollIdleCycles = pollIdleCycles();
        progress("fast poll idle: %d requests in %d cycles of %d ms (%s)", whole.size(), r.pollIdleCycles,
                Results.FAST_POLL.toMillis(), byAccount);
    }

    /**
     * Figure 3: with nothing changing, everything the daemon asks either site, cut into poll cycles by the quiet
     * gaps between them; the first (possibly partial) and the last cycle are dropped.
     */
    private void idle() {
        long interval = Duration.ofSeconds(p.auditIntervalS()).toNanos();
        log.start();
        // the first poll of a fresh store reads the whole history; measure from the third cycle on
        await().atMost(Duration.ofSeconds(30 + 3L * p.auditIntervalS())).pollInterval(Duration.ofMillis(100))
                .until(() -> cycles(log.snapshot(), interval).size() >= 3);
        h1.resetHarborCpu();
        h2.resetHarborCpu();
        log.start();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(30 + (p.idleCycles() + 3L) * p.auditIntervalS()))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> cycles(log.snapshot(), interval).size() >= p.idleCycles() + 2);
        List<List<RequestLog.Hit>> cycles = cycles(log.stop(), interval);
        r.idleWindow = Duration.ofNanos(System.nanoTime() - t0);
        List<RequestLog.Hit> whole = new ArrayList<>();
        cycles.subList(1, 1 + p.idleCycles()).forEach(whole::addAll);
        r.idleHits = whole;
        r.idleCycles = p.idleCycles();
        progress("idle: %d requests in %d cycles", whole.size(), r.idleCycles);
    }

    /** Requests split where the log is quiet for more than half a poll interval. */
    static List<List<RequestLog.Hit>> cycles(List<RequestLog.Hit> hits, long intervalNanos) {
        List<RequestLog.Hit> sorted = new ArrayList<>(hits);
        sorted.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        List<List<RequestLog.Hit>> out = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (RequestLog.Hit h : sorted) {
            if (out.isEmpty() || h.nanos() - last > intervalNanos / 2) {
                out.add(new ArrayList<>());
            }
            out.get(out.size() - 1).add(h);
            last = h.nanos();
        }
        return out;
    }

    /** Figure 5: valid PUSH_ARTIFACT webhooks for h1 from many keep-alive clients at once. */
    private void intake(DaemonProcess daemon) throws Exception {
        long now = Instant.now().getEpochSecond();
        java.util.function.LongFunction<byte[]> bodies = n -> {
            String project = Dataset.project((int) (n % p.intakeProjects()));
            String digest = String.format("sha256:fe%062x", n);
            return ("""
                    {"type":"PUSH_ARTIFACT","occur_at":%d,"operator":"alice","event_data":{
                     "resources":[{"digest":"%s","tag":"load-%d","resource_url":"h1.harbor.domain/%s/svc/r0:load-%d"}],
                     "repository":{"date_created":1767780012,"name":"svc/r0","namespace":"%s","repo_full_name":"%s/svc/r0","repo_type":"private"}}}
                    """.formatted(now, digest, n, project, n, project, project)).getBytes(StandardCharsets.UTF_8);
        };
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Duration daemonCpu = daemon.cpuTime();
        long harnessCpu = os.getProcessCpuTime();
        r.intake = IntakeLoad.run(daemon.port, "/webhooks/h1", H1_SECRET, bodies, p.intakeClients(),
                Duration.ofSeconds(p.intakeSeconds()));
        r.intakeDaemonCpu = daemon.cpuTime().minus(daemonCpu);
        r.intakeHarnessCpu = Duration.ofNanos(os.getProcessCpuTime() - harnessCpu);
        r.intakePendingAfter = inboxPending(daemon);
        progress("intake: %.0f events/s acknowledged, statuses %s", r.intake.perSecond2xx(), r.intake.byStatus());
    }

    // ------------------------------------------------------------------ helpers

    /** ms > 0: the latency of every request, or with bench.profile=real-harbor a real Harbor's per request. */
    private void latency(int ms) {
        io.harborsync.emulator.LatencyProfile profile = ms > 0 ? p.latencyProfile() : null;
        for (HarborEmulator e : List.of(h1, h2)) {
            e.faults().latency(Duration.ofMillis(profile != null ? 0 : ms));
            e.faults().profile(profile);
        }
    }

    private static void progress(String format, Object... args) {
        System.out.printf("[bench] " + format + "%n", args);
    }

    /** The machine's facts, read the same way as for the reliability page. */
    static Results.Machine machine() {
        ReliabilityFigures.Machine m = ReliabilityFigures.Machine.now();
        return new Results.Machine(m.cores(), m.cpu(), m.memory(), m.java(), m.os(), m.loadAverage());
    }

    static String loadAverage() {
        return ReliabilityFigures.Machine.currentLoadAverage();
    }
}
