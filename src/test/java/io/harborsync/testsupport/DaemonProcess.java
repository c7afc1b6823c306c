package io.harborsync.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The packaged daemon (target/quarkus-app/quarkus-run.jar) as a separate process, as operators run it.
 * Shared by the *IT tests and the benchmark, which also reads how long it took to become ready and its
 * peak resident memory.
 */
public final class DaemonProcess {
    private final Path jar;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private final Path log;
    public final int port;
    private Process process;

    public DaemonProcess(Map<String, String> properties, Path log) throws IOException {
        this(properties, List.of(), log, freePort());
    }

    /** With extra JVM options (e.g. -Xmx) and a fixed HTTP port (a restart keeps the port Harbor's webhooks name). */
    public DaemonProcess(Map<String, String> properties, List<String> jvmOptions, Path log, int port) {
        this.jar = Path.of(System.getProperty("harbor-sync.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `package` (mvn verify)");
        }
        this.port = port;
        this.properties = properties;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = log;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public URI base() {
        return URI.create("http://localhost:" + port);
    }

    public void start() throws IOException {
        startTimed(Duration.ofMillis(200));
    }

    /**
     * Starts the process and polls /q/health/ready every {@code poll}; returns the time from just before the
     * process was spawned to the first 200 (so it includes JVM start and the per-site readiness checks).
     */
    public Duration startTimed(Duration poll) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        // Run from the jar's directory, as the image does: the AppCDS archive (app-cds.jsa) names the class path
        // relative to it, and the JVM ignores the archive when started from anywhere else.
        cmd.add("-jar");
        cmd.add(jar.getFileName().toString());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long spawned = System.nanoTime();
        process = new ProcessBuilder(cmd).directory(jar.toAbsolutePath().getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long[] ready = new long[1];
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(poll).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("daemon exited with " + process.exitValue() + ", see " + log);
            }
            try {
                boolean up = http.send(HttpRequest.newBuilder(base().resolve("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                ready[0] = System.nanoTime();
                return up;
            } catch (IOException notYet) {
                return false;
            }
        });
        return Duration.ofNanos(ready[0] - spawned);
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Peak resident set size of the daemon's JVM process so far, in KiB: VmHWM from /proc/&lt;pid&gt;/status
     * (Linux only; empty elsewhere or when the process is gone).
     */
    public OptionalLong peakRssKib() {
        return procStatus("VmHWM:");
    }

    /** CPU time (user + system) the daemon process used so far, from /proc/&lt;pid&gt;/stat; empty off Linux. */
    public Duration cpuTime() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return Duration.ofMillis(ticks * 1000 / 100); // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    private OptionalLong procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field)) {
                    return OptionalLong.of(Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process has gone
        }
        return OptionalLong.empty();
    }

    /** SIGKILL: no shutdown hook, no flush, exactly what a crash or an OOM kill does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    public static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
