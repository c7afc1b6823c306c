package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.harborsync.testsupport.CliRun;
import picocli.CommandLine;

import java.net.ServerSocket;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `harbor-sync status`, `sync` and `proxy ... --output json` against the running daemon (demo mode), over HTTP
 * exactly as an operator runs them: tables by default, the API's JSON with --output json, and a clear message with
 * exit code 1 when the daemon cannot be reached or refuses the token, 2 when it refuses an argument.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class DaemonCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Sites sites;
    @Inject
    CommandLine.IFactory factory;

    @TestHTTPResource("/")
    URL daemon;

    HarborClient h1;
    HarborClient h2;
    String p;

    @BeforeEach
    void setUp() {
        h1 = sites.client("h1");
        h2 = sites.client("h2");
        p = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    CliRun cli(String... args) {
        return CliRun.of(io.harborsync.HarborSyncMain.commandLine(factory), args);
    }

    /** The command with the daemon's URL and the test token appended. */
    CliRun admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", daemon.toString(), "--token", "test-admin-token"));
        return cli(all.toArray(String[]::new));
    }

    private void aProjectWithAMemberOnH1() {
        sites.demo().orElseThrow().emulators().forEach(e -> e.addUser("carol-" + p));
        h1.projects().create(new ProjectReq(p, false, null, null, null, null));
        h1.members().add(p, new MemberReq(2, new UserEntity(null, "carol-" + p), null));
    }

    @Test
    void aDryRunShowsThePlanAndChangesNothing() throws Exception {
        aProjectWithAMemberOnH1();

        CliRun plan = admin("sync", "--dry-run");
        assertThat(plan.exit()).as(plan.err()).isZero();
        assertThat(plan.out()).startsWith("dry run of all projects: ").contains("nothing was changed")
                .containsPattern("(?m)^SITE +KIND +OP +KEY +REASON$")
                .containsPattern("(?m)^h2 +project +create +" + p + " +created on \\[h1]")
                .doesNotContain("done (");

        CliRun json = admin("sync", "--dry-run", "--project", p, "--output", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode r = JSON.readTree(json.out());
        assertThat(r.path("dryRun").asBoolean()).isTrue();
        assertThat(r.path("scope").asText()).isEqualTo("project " + p);
        assertThat(r.path("done").isEmpty()).isTrue();
        assertThat(r.path("planned").findValuesAsText("key")).contains(p, p + "/u:carol-" + p);
        assertThat(json.out()).as("pretty-printed").contains("\n  \"planned\" : [");

        assertThat(h2.projects().exists(p)).as("a dry run changes nothing").isFalse();

        // leave the shared demo sites in step: other tests count what a full reconcile does
        assertThat(admin("sync", "--project", p).exit()).isZero();
        assertThat(h2.projects().exists(p)).isTrue();
    }

    @Test
    void syncOneProjectThenTheStatusShowsIt() throws Exception {
        aProjectWithAMemberOnH1();

        CliRun sync = admin("sync", "--project", p);
        assertThat(sync.exit()).as(sync.err()).isZero();
        assertThat(sync.out()).startsWith("reconcile of project " + p + ": ").contains("failed: none")
                .containsPattern("(?m)^done \\(\\d+\\):$")
                .containsPattern("(?m)^h2 +project +create +" + p + " ")
                .doesNotContain("nothing was changed");
        assertThat(h2.projects().exists(p)).isTrue();
        assertThat(h2.members().find(p, "carol-" + p, false)).isPresent();

        CliRun status = admin("status");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("mode: demo   active site: h1   conflict policy: active-site (h1)")
                .containsPattern("(?m)^SITE +REACHABLE +BREAKER +LAST FULL RECONCILE +LAST ERROR$")
                .containsPattern("(?m)^h1 +\\S.*closed")
                .containsPattern("(?m)^h2 +\\S.*closed")
                .containsPattern("(?m)^recent operations \\(\\d+")
                .containsPattern("(?m)^OUTCOME +SITE +KIND +OP +KEY +REASON$")
                .containsPattern("(?m)^done +h2 +project +create +" + p + " ")
                .contains("pending webhook events: ");

        CliRun json = admin("status", "-o", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode s = JSON.readTree(json.out());
        assertThat(s.path("mode").asText()).isEqualTo("demo");
        assertThat(s.path("recentOperations").findValuesAsText("key")).contains(p);
        assertThat(s.path("breakers").has("h1")).isTrue();
    }

    @Test
    void theProxyCommandsAnswerJsonToo() throws Exception {
        CliRun status = admin("proxy", "status", "--output", "json");
        assertThat(status.exit()).as(status.err()).isZero();
        JsonNode s = JSON.readTree(status.out());
        assertThat(s.path("active").asText()).isEqualTo("h1");
        assertThat(s.path("sites").toString()).isEqualTo("[\"h1\",\"h2\"]");

        CliRun sw = admin("proxy", "switch", "h1", "-o", "json");
        assertThat(sw.exit()).as(sw.err()).isZero();
        assertThat(JSON.readTree(sw.out()).path("active").asText()).isEqualTo("h1");
    }

    /** What main does: status, sync and proxy run before (and without) Quarkus, against this running daemon. */
    @Test
    void theDaemonCommandsRunWithoutTheApplication() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        java.util.OptionalInt exit = io.harborsync.HarborSyncMain.beforeQuarkus(new String[]{"proxy", "status", "-o", "json",
                        "--url", daemon.toString(), "--token", "test-admin-token"}, () -> {
                    throw new AssertionError("a daemon command reads no configuration");
                }, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(exit).as(err.toString()).hasValue(0);
        assertThat(JSON.readTree(out.toString()).path("active").asText()).isEqualTo("h1");

        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("status", "--url", daemon.toString())).isTrue();
        assertThat(io.harborsync.HarborSyncMain.runsWithoutQuarkus("bootstrap", "--dry-run")).isFalse();
    }

    @Test
    void anArgumentTheDaemonRefusesExits2WithItsDetailOnOneLine() {
        CliRun badName = admin("sync", "--project", "Not_A_Name");
        assertThat(badName.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(badName.err()).startsWith("harbor-sync sync: the daemon answered HTTP 400: ")
                .contains("'Not_A_Name' is not a Harbor project name").endsWith("\n");
        assertThat(badName.err().strip()).doesNotContain("\n");

        CliRun unknownSite = admin("proxy", "switch", "h9");
        assertThat(unknownSite.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknownSite.err()).isEqualTo("harbor-sync proxy switch: the daemon answered HTTP 400: unknown site"
                + " 'h9'; the sites are [h1, h2]\n");
        assertThat(unknownSite.out()).isEmpty();
        assertThat(admin("proxy", "status", "-o", "json").out()).contains("\"active\" : \"h1\"");
    }

    @Test
    void badInputAWrongTokenOrAnUnreachableDaemonIsAClearMessage() throws Exception {
        CliRun badOutput = admin("status", "--output", "yaml");
        assertThat(badOutput.exit()).as("a usage error").isEqualTo(ExitCode.USAGE);
        assertThat(badOutput.err()).isEqualTo("harbor-sync status: invalid value for --output: must be table or json"
                + " (see 'harbor-sync status --help')\n");

        for (String[] cmd : List.of(new String[]{"status"}, new String[]{"sync", "--dry-run"})) {
            CliRun wrong = cli(concat(cmd, "--url", daemon.toString(), "--token", "not-the-token"));
            assertThat(wrong.exit()).isEqualTo(ExitCode.FAILED);
            assertThat(wrong.err()).contains("harbor-sync " + cmd[0] + ": the daemon at " + daemon
                    + " refused the admin token (HTTP 401)").doesNotContain("not-the-token");
            assertThat(wrong.out()).isEmpty();
        }

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        for (String[] cmd : List.of(new String[]{"status", "-o", "json"}, new String[]{"sync", "--project", "x"})) {
            CliRun down = cli(concat(cmd, "--url", "http://127.0.0.1:" + closed, "--token", "test-admin-token"));
            assertThat(down.exit()).isEqualTo(ExitCode.FAILED);
            assertThat(down.err()).contains("harbor-sync " + cmd[0] + ": cannot reach the harbor-sync daemon at"
                    + " http://127.0.0.1:" + closed).doesNotContain("Exception");
            assertThat(down.out()).isEmpty();
        }
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
