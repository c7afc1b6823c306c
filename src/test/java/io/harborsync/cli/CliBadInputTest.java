package io.harborsync.cli;

import com.sun.net.httpserver.HttpServer;
import io.harborsync.HarborSyncMain;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong input at the command line, run exactly as {@code main} runs it ({@link HarborSyncMain#beforeQuarkus}):
 * wrong arguments exit 2, a daemon that cannot be reached or answers something that is not the daemon's API
 * exits 1, and every failure is exactly one line on stderr, without a stack trace and without anything secret
 * that was typed (a token, a password in a URL, a token pasted where an option or command was expected).
 */
class CliBadInputTest {
    static final String SECRET = "s3cr3t-value-7f1e";

    /** Answers as things that are not a harbor-sync daemon do, and one problem of each kind the daemon sends. */
    static HttpServer notTheDaemon;
    static int closedPort;

    @BeforeAll
    static void servers() throws IOException {
        notTheDaemon = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        answer("/html", 200, "text/html", "<html><body>Welcome to nginx</body></html>");
        answer("/empty", 200, "application/json", "");
        answer("/notfound", 404, "text/html", "<h1>Not Found</h1>");
        answer("/json404", 404, "application/json", "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}");
        answer("/problem400", 400, "application/problem+json",
                "{\"status\":400,\"title\":\"Bad Request\",\"detail\":\"unknown site 'h9'; the sites are [h1, h2]\"}");
        answer("/problem404", 404, "application/problem+json", "{\"status\":404,\"detail\":\"no project x\\non any site\"}");
        answer("/problem500", 500, "application/problem+json", "{\"status\":500,\"detail\":\"the store failed\"}");
        answer("/problem409", 409, "application/problem+json", "{\"status\":409,\"detail\":\"a reconcile is running\"}");
        notTheDaemon.start();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
    }

    private static void answer(String path, int status, String type, String body) {
        notTheDaemon.createContext(path, ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
    }

    @AfterAll
    static void stop() {
        notTheDaemon.stop(0);
    }

    static String at(String path) {
        return "http://127.0.0.1:" + notTheDaemon.getAddress().getPort() + path;
    }

    /** args, the exit code, and a part of the one line on stderr. */
    record Case(List<String> args, int exit, String says) {
        @Override
        public String toString() {
            return String.join(" ", args);
        }
    }

    static Case c(int exit, String says, String... args) {
        return new Case(List.of(args), exit, says);
    }

    static Stream<Case> badInput() {
        String t = "--token=" + SECRET;
        return Stream.of(
                // wrong arguments: exit 2, before anything is sent
                c(2, "status: invalid value for --url: must be an http(s) URL", "status", "--url", "notaurl", t),
                c(2, "invalid value for --url", "status", "--url", "ftp://localhost:8080", t),
                c(2, "invalid value for --url", "status", "--url", "http://[::1", t),
                c(2, "invalid value for --url", "status", "--url", "http://localhost:99999", t),
                c(2, "invalid value for --url", "status", "--url", "http://admin:" + SECRET + "@localhost:8080", t),
                c(2, "invalid value for --url", "sync", "--url", "http://localhost:8080/?token=" + SECRET, t),
                c(2, "status: --url needs a value", "status", "--url"),
                c(2, "status: --token needs a value", "status", "--token"),
                c(2, "sync: --project needs a value", "sync", "--project"),
                c(2, "status: unknown option; the options are --url, --token, -o/--output", "status", "--tokn", SECRET),
                c(2, "unknown option", "status", "--" + SECRET),
                c(2, "unknown option", "status", "--" + SECRET + "=" + SECRET),
                c(2, "status: unexpected argument", "status", SECRET),
                c(2, "status: unexpected argument", "status", t, SECRET),
                c(2, "status: invalid value for --output: must be table or json", "status", "--output", "xml"),
                c(2, "invalid value for --output", "status", "-o", SECRET),
                c(2, "status: --url is given twice", "status", "--url", "http://a:1", "--url", "http://b:1"),
                c(2, "invalid value for --dry-run", "sync", "--dry-run=maybe"),
                c(2, "harbor-sync: unknown command; the commands are help, lab, bootstrap, proxy, status, sync, robots", "statsu"),
                c(2, "harbor-sync: unknown command", SECRET),
                c(2, "harbor-sync: unknown option", "--" + SECRET),
                c(2, "harbor-sync: unknown command", "help", SECRET),
                c(2, "harbor-sync proxy: missing command; the commands are status, switch", "proxy"),
                c(2, "harbor-sync proxy: unknown command", "proxy", SECRET),
                c(2, "harbor-sync proxy switch: missing SITE", "proxy", "switch", t),
                c(2, "harbor-sync proxy switch: unexpected argument", "proxy", "switch", "h1", SECRET, t),
                c(2, "harbor-sync robots: missing command; the commands are create, set-secret, rotate", "robots"),
                c(2, "harbor-sync robots: unknown command", "robots", SECRET),
                c(2, "harbor-sync robots rotate: missing NAME", "robots", "rotate", t),
                c(2, "harbor-sync robots set-secret: unexpected argument", "robots", "set-secret", "ci", SECRET, t),
                c(2, "harbor-sync robots create: --permission", "robots", "create", "ci", t),
                c(2, "harbor-sync robots rotate: invalid value for --to-secret", "robots", "rotate", "ci", "--to-secret",
                        SECRET, t),
                c(2, "robots rotate: the daemon answered HTTP 404: no project x on any site", "robots", "rotate", "ci",
                        "--url", at("/problem404"), t),
                c(1, "robots rotate: cannot reach", "robots", "rotate", "ci", "--url", "http://127.0.0.1:" + closedPort, t),
                c(2, "harbor-sync lab: unknown command; the commands are", "lab", SECRET),
                c(2, "harbor-sync lab up: unknown option", "lab", "up", "--" + SECRET),
                c(2, "harbor-sync bootstrap: --webhook-url needs a value", "bootstrap", "--webhook-url"),
                c(2, "harbor-sync bootstrap: unexpected argument", "bootstrap", SECRET),
                c(2, "status: the admin token holds spaces", "status", "--url", at("/html"), "--token", SECRET + " x"),
                // the daemon refuses the argument: exit 2 with its detail on one line
                c(2, "proxy switch: the daemon answered HTTP 400: unknown site 'h9'; the sites are [h1, h2]",
                        "proxy", "switch", "h9", "--url", at("/problem400"), t),
                c(2, "sync: the daemon answered HTTP 404: no project x on any site", "sync", "--project", "x",
                        "--url", at("/problem404"), t),
                // no daemon, or not the daemon, or the daemon fails: exit 1
                c(1, "status: cannot reach the harbor-sync daemon at http://127.0.0.1:" + closedPort, "status",
                        "--url", "http://127.0.0.1:" + closedPort, t),
                c(1, "sync: cannot reach", "sync", "--dry-run", "--url", "http://127.0.0.1:" + closedPort, t),
                c(1, "proxy status: cannot reach", "proxy", "status", "--url", "http://127.0.0.1:" + closedPort, t),
                c(1, "status: the answer from " + at("/html") + " (HTTP 200) is not JSON", "status", "--url", at("/html"), t),
                c(1, "is not JSON", "status", "-o", "json", "--url", at("/empty"), t),
                c(1, "is not JSON", "sync", "--url", at("/notfound"), t),
                c(1, "status: the answer from " + at("/json404") + " is HTTP 404 without a problem detail", "status",
                        "--url", at("/json404"), t),
                c(1, "status: the daemon answered HTTP 500: the store failed", "status", "--url", at("/problem500"), t),
                c(1, "sync: the daemon answered HTTP 409: a reconcile is running", "sync", "--url", at("/problem409"), t));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void oneLineTheRightExitCodeNoStackTraceNoSecret(Case c) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        OptionalInt exit = HarborSyncMain.beforeQuarkus(c.args().toArray(String[]::new), ConfigProvider::getConfig,
                new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(exit).as("handled before Quarkus starts").isPresent();
        assertThat(exit.getAsInt()).as(err.toString()).isEqualTo(c.exit());
        assertThat(err.toString()).as("exactly one line").endsWith("\n").doesNotContain("\r")
                .satisfies(e -> assertThat(e.substring(0, e.length() - 1)).doesNotContain("\n"));
        assertThat(err.toString()).contains(c.says()).startsWith("harbor-sync")
                .doesNotContain("Exception", "\tat ", "at io.", "at java.", "at picocli.", SECRET);
        assertThat(out.toString()).as("nothing on stdout").isEmpty();
    }

    @Test
    void helpAndVersionShowNoTokenFromTheEnvironmentOrTheTokenFile() throws IOException {
        java.nio.file.Path store = java.nio.file.Files.createTempDirectory("cli-help");
        java.nio.file.Files.writeString(store.resolve("admin-token"), SECRET);
        System.setProperty("harbor-sync.store.path", store.toString());
        try {
            List<String> texts = new ArrayList<>();
            for (String[] args : List.of(new String[]{"--help"}, new String[]{"status", "--help"},
                    new String[]{"sync", "-h"}, new String[]{"proxy", "switch", "--help"}, new String[]{"help", "status"},
                    new String[]{"--version"}, new String[]{"status", "--token", SECRET, "--help"})) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                OptionalInt exit = HarborSyncMain.beforeQuarkus(args, ConfigProvider::getConfig,
                        new PrintWriter(out, true), new PrintWriter(err, true));
                assertThat(exit).as(String.join(" ", args)).hasValue(0);
                assertThat(err.toString()).isEmpty();
                texts.add(out.toString());
            }
            assertThat(texts).allSatisfy(text -> assertThat(text).isNotBlank().doesNotContain(SECRET));
            assertThat(texts.get(1)).contains("--url", "--token=TOKEN", "default: http://localhost:8080");
        } finally {
            System.clearProperty("harbor-sync.store.path");
        }
    }

    @Test
    void onlyTheDaemonCommandsRunWithoutQuarkus() {
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("status")).isTrue();
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("sync", "--dry-run", "--project", "p")).isTrue();
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("proxy", "status")).isTrue();
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("proxy", "switch", "h2")).isTrue();
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("robots", "rotate", "ci")).isTrue();
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("lab", "up")).as("needs the Kubernetes client").isFalse();
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("bootstrap", "--dry-run")).as("needs the sites")
                .isFalse();
    }
}
