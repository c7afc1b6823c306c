package io.harborsync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** What one benchmark run measured; {@link BenchReport} turns it into the table. */
final class Results {
    /** One reconcile: its requests, wall time and the daemon's answer. */
    static final class Reconcile {
        List<RequestLog.Hit> hits = List.of();
        Duration wall = Duration.ZERO;
        int latencyMs;
        Map<String, Map<String, Long>> boundPages = Map.of(); // site -> endpoint -> pages
        /** The pages of a read of everything (no quick check), for the quick check's figure; empty = boundPages. */
        Map<String, Map<String, Long>> readEverythingPages = Map.of();
        long boundWrites;
        /** The bound's writes by the reconcile's write phase (in the order they run), then by target site. */
        Map<Integer, Map<String, Long>> boundWritesByPhase = Map.of();
        int done;
        int failed;
        int pending;
        int conflicts;
        String firstFailure = "";
        /** CPU used while it ran: the daemon's process, and the harness's (both emulators, in this JVM). */
        Duration daemonCpu = Duration.ZERO;
        Duration harnessCpu = Duration.ZERO;
        /** What the emulators' model of Harbor's CPU counted for it (issue 18): requests by account type, both sites. */
        long harborCpuMillis;
        long harborCpuRequests;
        String harborCpuByAccount = "";
        /** System.nanoTime() when POST /sync was sent and when its answer came (the hits' clock). */
        long sentNanos;
        long answeredNanos;

        long readEverythingTotal() {
            Map<String, Map<String, Long>> pages = readEverythingPages.isEmpty() ? boundPages : readEverythingPages;
            return pages.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum()
                    + boundWrites;
        }

        long boundTotal() {
            return boundPages.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum()
                    + boundWrites;
        }
    }

    final BenchParams params;
    final Machine machine;
    Reconcile initial = new Reconcile();
    Reconcile full = new Reconcile();
    /** The verify pass after the measured reconcile (POST /sync?verify=true): everything read, nothing to write. */
    Reconcile verify = new Reconcile();
    List<Dataset.Change> drift = List.of();

    // figure 3
    List<RequestLog.Hit> idleHits = List.of();
    int idleCycles;
    Duration idleWindow = Duration.ZERO;

    /** One run of figure 4: users' deletions on h1 at the rate, and when each reached h2. */
    static final class Mirror {
        int sent;
        int refused;
        double[] millis = new double[0]; // sorted; +Infinity = not mirrored before the timeout
        Duration sendWindow = Duration.ZERO;
        List<RequestLog.Hit> hits = List.of();
        /** From the daemon's GET /status (artifactDeletions), the change over the run; -1 = not read. */
        long startedByAuditLog = -1;
        long startedByWebhook = -1;
        long duplicatesSkipped = -1;
    }

    // figure 4: (a) by webhook, the audit-log tail off (phase A); (b) by the fast audit-log poll alone, the daemon's
    // webhook policies on h1 off (phase C)
    Mirror byWebhook = new Mirror();
    Mirror byPoll = new Mirror();
    /** The fast poll's period, harbor-sync.audit.interval of phase C. */
    static final Duration FAST_POLL = Duration.ofMillis(250);
    // the fast poll's idle cost (phase C, before its deletions): whole poll cycles and the modelled Harbor CPU
    List<RequestLog.Hit> pollIdleHits = List.of();
    int pollIdleCycles;
    Duration pollIdleWindow = Duration.ZERO;
    /** account type (lower case) -> requests both sites counted in the idle window, as the daemon authenticated. */
    Map<String, Long> pollIdleByAccount = Map.of();

    // the CLI against the running daemon: command -> wall time of each run, in the order they ran
    Map<String, List<Duration>> cli = new java.util.LinkedHashMap<>();
    Map<String, String> cliFailures = new java.util.LinkedHashMap<>();

    // figure 5
    IntakeLoad.Result intake;
    Duration intakeDaemonCpu = Duration.ZERO;
    Duration intakeHarnessCpu = Duration.ZERO;
    double intakePendingAfter = -1;

    // figure 6
    Duration readyA = Duration.ZERO;
    Duration readyB = Duration.ZERO;
    Duration readyC = Duration.ZERO;
    OptionalLong rssA = OptionalLong.empty();
    OptionalLong rssB = OptionalLong.empty();
    OptionalLong rssC = OptionalLong.empty();

    Duration total = Duration.ZERO;
    String loadAfter = "";
    final List<String> notes = new ArrayList<>();

    Results(BenchParams params, Machine machine) {
        this.params = params;
        this.machine = machine;
    }

    record Machine(int cores, String cpu, String memory, String java, String os, String loadBefore) {
    }
}
