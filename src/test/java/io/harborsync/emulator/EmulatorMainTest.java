package io.harborsync.emulator;

import io.harborsync.testsupport.JavaProcess;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** EmulatorMain with a busy port or wrong arguments: one line, exit code 2, and nothing left running. */
class EmulatorMainTest {

    record Run(int exit, String out, String err, List<HarborEmulator> running) {
    }

    static Run start(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<HarborEmulator> running = new ArrayList<>();
        int exit = EmulatorMain.start(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), running);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), running);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    static void assertOneLine(String err) {
        assertThat(err).endsWith("\n").doesNotContain("Exception", "\tat ");
        assertThat(err.strip()).doesNotContain("\n");
    }

    @Test
    void aBusyPortStopsTheOnesAlreadyStartedAndLeavesNoThread() throws IOException {
        Set<Thread> before = nonDaemonThreads();
        int first = freePort();
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = start("h1:" + first, "h2:" + busy.getLocalPort());

            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("cannot start the emulated Harbor h2 on port " + busy.getLocalPort()
                    + " (the port is in use); nothing was started\n");
            assertThat(r.out()).as("no emulator is announced").isEmpty();
            assertThat(r.running()).isEmpty();
        }
        try (ServerSocket again = new ServerSocket(first, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("h1 was stopped: its port is free").isEqualTo(first);
        }
        await().atMost(Duration.ofSeconds(10)).pollInSameThread().untilAsserted(() -> assertThat(nonDaemonThreads())
                .as("no thread that would keep the JVM alive").isSubsetOf(before));
    }

    @Test
    void wrongArgumentsAreOneLineAndExit2() {
        for (List<String> args : List.of(List.<String>of(), List.of("h1:notaport"), List.of("h1"), List.of(":18081"),
                List.of("h1:99999"), List.of("h1:-1"), List.of("h1:0", "h1:0"), List.of("h1:0", "h2"))) {
            Run r = start(args.toArray(String[]::new));
            assertThat(r.exit()).as(args.toString()).isEqualTo(2);
            assertOneLine(r.err());
            assertThat(r.err()).contains("usage: EmulatorMain NAME:PORT");
            assertThat(r.out()).isEmpty();
            assertThat(r.running()).as("nothing is started before the arguments are all checked").isEmpty();
        }
    }

    @Test
    void allStartOnTheirPortsAndAreAnnounced() {
        Run r = start("h1:0", "h2:0");
        try {
            assertThat(r.exit()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(r.running()).extracting(HarborEmulator::name).containsExactly("h1", "h2");
            assertThat(r.out()).contains("emulated Harbor h1 at " + r.running().get(0).baseUrl() + "/api/v2.0",
                    "emulated Harbor h2 at " + r.running().get(1).baseUrl() + "/api/v2.0");
        } finally {
            r.running().forEach(HarborEmulator::close);
        }
    }

    /** As its own JVM, as the README runs it: exit code 2 and the one line, nothing on stdout. */
    @Test
    void asAProcessItEndsWithExit2AndOneLine() throws Exception {
        int first = freePort();
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            JavaProcess.Result r = JavaProcess.run(EmulatorMain.class.getName(), Map.of(), Map.of(), 120,
                    "h1:" + first, "h2:" + busy.getLocalPort());
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("cannot start the emulated Harbor h2 on port " + busy.getLocalPort()
                    + " (the port is in use); nothing was started\n");
            assertThat(r.out()).isEmpty();
        }
        JavaProcess.Result bad = JavaProcess.run(EmulatorMain.class.getName(), Map.of(), Map.of(), 120, "h1:notaport");
        assertThat(bad.exit()).isEqualTo(2);
        assertOneLine(bad.err());
        assertThat(bad.err()).startsWith("not NAME:PORT (a port from 0 to 65535): h1:notaport; usage:");
    }
}
