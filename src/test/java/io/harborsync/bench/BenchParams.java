package io.harborsync.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's parameters, each a system property {@code bench.<name>} (Maven passes -D through to the
 * forked JVM). Two default sets: the default dataset ({@code bench.full=true}, the `benchmark`
 * profile) and a tiny one for the CI smoke run.
 */
record BenchParams(boolean full, int projects, int members, int repos, int artifacts, double drift, int latencyMs,
                   int initialLatencyMs, int maxConcurrency, long seed, int mirrorEvents, int mirrorRate,
                   int mirrorTimeoutS, int intakeSeconds, int intakeClients, int intakeProjects, int auditIntervalS,
                   int idleCycles, int cliRuns, String daemonJvmOptions, String profile, String report,
                   boolean memberAudit, String growth) {

    /** bench.profile: one flat latency per request, or a real Harbor v2.15.2's per request (issue 18). */
    static final String FLAT = "flat";
    static final String REAL_HARBOR = "real-harbor";

    /** The latency profile the emulators apply instead of bench.latency-ms, or null for the flat latency. */
    io.harborsync.emulator.LatencyProfile latencyProfile() {
        return REAL_HARBOR.equals(profile) ? io.harborsync.emulator.LatencyProfile.realHarbor() : null;
    }

    static final String DEPLOYED_JVM = "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k"
            + " -XX:ReservedCodeCacheSize=64m -XX:SharedArchiveFile=app-cds.jsa";

    /** name -> (full default, smoke default); the order is the order of the reproduce command. */
    private static final Map<String, String[]> DEFAULTS = new LinkedHashMap<>();

    static {
        d("projects", "1000", "3");
        d("members", "20", "2");          // per project, the owner (admin) included, as Harbor lists them
        d("repos", "5", "2");             // per project
        d("artifacts", "10", "2");        // per repository
        d("drift", "0.01", "0.15");       // share of all keys changed on h1 before the measured reconcile
        d("latency-ms", "20", "2");       // added by both emulators to every API request
        d("initial-latency-ms", "0", "0"); // during the initial reconcile that establishes the base (not a figure)
        d("max-concurrency", "4", "4");   // harbor-sync.http.max-concurrency (its default)
        d("seed", "42", "42");
        d("mirror-events", "500", "4");   // artifact deletions on h1 for figure 4, in each of its two runs
        d("mirror-rate", "50", "50");     // per second
        d("mirror-timeout-s", "180", "60"); // after the last deletion
        d("intake-seconds", "10", "2");
        d("intake-clients", "16", "4");
        d("intake-projects", "1", "1");   // projects the intake events name (round robin)
        d("audit-interval-s", "1", "1");  // harbor-sync.audit.interval for figure 3
        d("idle-cycles", "10", "3");
        d("cli-runs", "5", "1");          // runs of each CLI command against the running daemon
        // The JVM options of the Deployment (deploy/harbor-sync, JAVA_TOOL_OPTIONS), its heap of 25 % of the 512Mi
        // limit written as -Xmx128m, plus the AppCDS archive the image's entrypoint adds; empty = the JVM's
        // defaults on this machine (G1, C2, a heap of a quarter of its memory).
        d("daemon-jvm-options", DEPLOYED_JVM, DEPLOYED_JVM);
        // flat: every request waits latency-ms; real-harbor: each waits what a real Harbor v2.15.2 took for it, by
        // endpoint and account (issue 18: project pages ~101 ms, quota pages ~1.7 s, other reads ~3 ms with the
        // session the daemon's admin account logs in to); latency-ms then only says whether there is any latency
        d("profile", "flat", "flat");
        d("report", "docs/benchmarks.md", "target/benchmarks/benchmarks.md");
        // true: both emulators are a Harbor after v2.15.2 that logs member changes (withMemberAuditEvents), so the
        // quick check also leaves out the member listings of projects whose audit log shows no member change
        d("member-audit", "false", "false");
        // growth mode (issue 18): comma-separated project counts, e.g. 1000,5000,10000; each gets fresh emulators
        // and a fresh daemon for the initial reconcile, the drift, the measured reconcile and the verify pass only
        // (no figure 3-6), and the table goes to bench.report; empty = the six figures
        d("growth", "", "");
    }

    private static void d(String name, String full, String smoke) {
        DEFAULTS.put(name, new String[]{full, smoke});
    }

    static BenchParams fromSystemProperties() {
        boolean full = Boolean.parseBoolean(System.getProperty("bench.full", "false"));
        Map<String, String> v = new LinkedHashMap<>();
        DEFAULTS.forEach((k, defs) -> v.put(k, System.getProperty("bench." + k, defs[full ? 0 : 1]).trim()));
        BenchParams p = new BenchParams(full, i(v, "projects"), i(v, "members"), i(v, "repos"), i(v, "artifacts"),
                Double.parseDouble(v.get("drift")), i(v, "latency-ms"), i(v, "initial-latency-ms"),
                i(v, "max-concurrency"), Long.parseLong(v.get("seed")), i(v, "mirror-events"), i(v, "mirror-rate"),
                i(v, "mirror-timeout-s"), i(v, "intake-seconds"), i(v, "intake-clients"), i(v, "intake-projects"),
                i(v, "audit-interval-s"), i(v, "idle-cycles"), i(v, "cli-runs"), v.get("daemon-jvm-options"),
                v.get("profile"), v.get("report"), Boolean.parseBoolean(v.get("member-audit")), v.get("growth"));
        p.check();
        return p;
    }

    private static int i(Map<String, String> v, String k) {
        try {
            return Integer.parseInt(v.get(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench." + k + " must be a whole number, got '" + v.get(k) + "'");
        }
    }

    private void check() {
        require(projects >= 1 && members >= 1 && repos >= 1 && artifacts >= 1,
                "bench.projects, members, repos and artifacts must be at least 1 (members counts the owner)");
        require(drift > 0 && drift <= 0.2, "bench.drift must be in (0, 0.2]: more would trip the mass-deletion guard");
        require(latencyMs >= 0 && initialLatencyMs >= 0, "latencies must be >= 0");
        require(maxConcurrency >= 1, "bench.max-concurrency must be >= 1");
        require(mirrorRate >= 1 && mirrorEvents >= 1, "bench.mirror-rate and mirror-events must be >= 1");
        // figure 4 deletes two sets of artifacts (by webhook, by fast poll), none the drift deleted (at most a fifth)
        require(!growthSizes().isEmpty() || 2L * mirrorEvents <= (long) projects * repos * artifacts * 4 / 5,
                "bench.mirror-events: at most two fifths of the artifacts (figure 4 deletes it twice over)");
        require(intakeClients >= 1 && intakeSeconds >= 1 && intakeProjects >= 1 && intakeProjects <= projects,
                "bench.intake-*: clients and seconds >= 1, 1 <= projects <= bench.projects");
        require(auditIntervalS >= 1 && idleCycles >= 1, "bench.audit-interval-s and idle-cycles must be >= 1");
        require(cliRuns >= 0, "bench.cli-runs must be >= 0 (0 = no CLI figure)");
        for (int n : growthSizes()) {
            require(n >= 1, "bench.growth: project counts must be at least 1");
        }
        require(FLAT.equals(profile) || REAL_HARBOR.equals(profile), "bench.profile must be flat or real-harbor");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** bench.growth's project counts in the order given; empty = not a growth run. */
    List<Integer> growthSizes() {
        List<Integer> out = new ArrayList<>();
        for (String s : growth.split(",")) {
            if (!s.isBlank()) {
                try {
                    out.add(Integer.parseInt(s.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bench.growth: comma-separated whole numbers, got '" + growth
                            + "'");
                }
            }
        }
        return out;
    }

    /** These parameters with another project count (a growth run's size). */
    BenchParams withProjects(int n) {
        return new BenchParams(full, n, members, repos, artifacts, drift, latencyMs, initialLatencyMs, maxConcurrency,
                seed, mirrorEvents, mirrorRate, mirrorTimeoutS, intakeSeconds, intakeClients,
                Math.min(intakeProjects, n), auditIntervalS, idleCycles, cliRuns, daemonJvmOptions, profile, report,
                memberAudit, growth);
    }

    List<String> daemonJvmOptionList() {
        List<String> out = new ArrayList<>();
        for (String s : daemonJvmOptions.split("\\s+")) {
            if (!s.isBlank()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The exact command that repeats this run, every parameter spelled out. */
    String command() {
        StringBuilder sb = new StringBuilder("./mvnw -B verify -Pbenchmark");
        DEFAULTS.keySet().forEach(k -> {
            // a growth run's sizes are bench.growth's, not bench.projects
            if (!k.equals("report") && !(k.equals("projects") && !growthSizes().isEmpty())) {
                String val = System.getProperty("bench." + k, DEFAULTS.get(k)[full ? 0 : 1]).trim();
                sb.append(" -Dbench.").append(k).append('=').append(val.contains(" ") || val.isEmpty()
                        ? "'" + val + "'" : val);
            }
        });
        return sb.toString();
    }
}
