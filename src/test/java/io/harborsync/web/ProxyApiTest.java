package io.harborsync.web;

import io.harborsync.cli.ExitCode;

import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.proxy.ActiveSite;
import io.harborsync.proxy.ProxySwitch;
import io.harborsync.model.Scope;
import io.harborsync.sync.SyncReport;
import io.harborsync.sync.SyncService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.harborsync.testsupport.CliRun;
import picocli.CommandLine;

import java.net.ServerSocket;
import java.net.URL;
import java.util.Map;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * The proxy switch through the running daemon (demo mode, backend none): the admin API, /status, the
 * active-site conflict policy following a switch at once, and the CLI talking to the daemon over HTTP.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class ProxyApiTest {
    static final String TOKEN = "Bearer test-admin-token";

    @Inject
    ActiveSite activeSite;
    @Inject
    SyncService sync;
    @Inject
    Sites sites;
    @Inject
    CommandLine.IFactory factory;

    @TestHTTPResource("/")
    URL daemon;

    @AfterEach
    void backToH1() {
        activeSite.switchTo("h1", ProxySwitch.Reason.MANUAL, "test cleanup");
    }

    @Test
    void showsAndSwitchesTheActiveSite() {
        given().get("/proxy").then().statusCode(401);
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"site\":\"h2\"}")
                .header("Authorization", "Bearer wrong").put("/proxy/active").then().statusCode(401);
        given().header("Authorization", TOKEN).get("/proxy").then().statusCode(200)
                .body("active", is("h1")).body("sites", contains("h1", "h2")).body("backend", is("none"))
                .body("failover.enabled", is(false));

        given().header("Authorization", TOKEN).contentType("application/json").body("{\"site\":\"h3\"}")
                .put("/proxy/active").then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("detail", allOf(containsString("'h3'"), containsString("[h1, h2]")));
        given().header("Authorization", TOKEN).contentType("application/json").body("{}")
                .put("/proxy/active").then().statusCode(400).body("detail", containsString("{\"site\":\"<name>\"}"));
        assertThat(activeSite.name()).isEqualTo("h1");

        Map<String, String> toH2 = Map.of("to", "h2", "reason", "manual");
        double switchesBefore = MetricsAndConfigTest.value(MetricsAndConfigTest.scrape(),
                "harborsync_proxy_switches_total", toH2);
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"site\":\"h2\"}")
                .put("/proxy/active").then().statusCode(200)
                .body("active", is("h2"))
                .body("lastSwitches[0].from", is("h1")).body("lastSwitches[0].to", is("h2"))
                .body("lastSwitches[0].reason", is("manual")).body("lastSwitches[0].by", startsWith("admin API from "));
        given().header("Authorization", TOKEN).get("/status").then().statusCode(200)
                .body("proxy.active", is("h2")).body("proxy.lastSwitches[0].to", is("h2"))
                .body("conflictPolicy", is("active-site (h2)"));
        assertThat(MetricsAndConfigTest.value(MetricsAndConfigTest.scrape(), "harborsync_proxy_switches_total", toH2))
                .as("the switch is counted").isEqualTo(switchesBefore + 1);
    }

    @Test
    void theActiveSitePolicyFollowsASwitchAtTheNextReconcile() {
        String p = "proxy-" + UUID.randomUUID().toString().substring(0, 8);
        HarborClient h1 = sites.client("h1");
        HarborClient h2 = sites.client("h2");
        sites.demo().orElseThrow().emulators().forEach(e -> e.addUser("alice-" + p));
        h1.projects().create(new ProjectReq(p, false, null, null, null, null));
        h1.members().add(p, new MemberReq(2, new UserEntity(null, "alice-" + p), null));
        sync.run(Scope.project(p), false, false);
        assertThat(h2.members().find(p, "alice-" + p, false)).isPresent();

        // both sites change the member differently; then the proxy moves to h2
        h1.members().updateRole(p, h1.members().find(p, "alice-" + p, false).orElseThrow().id(), 3);
        h2.members().updateRole(p, h2.members().find(p, "alice-" + p, false).orElseThrow().id(), 4);
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"site\":\"h2\"}")
                .put("/proxy/active").then().statusCode(200);

        SyncReport r = sync.run(Scope.project(p), false, false).report();
        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo("resolved");
            assertThat(c.rule()).isEqualTo("conflict policy active-site (h2)");
            assertThat(c.winner()).isEqualTo("h2");
            assertThat(c.values()).containsExactly(Map.entry("h1", "{\"roleId\":3}"), Map.entry("h2", "{\"roleId\":4}"));
        });
        assertThat(List.of(h1, h2)).allSatisfy(c ->
                assertThat(c.members().find(p, "alice-" + p, false).orElseThrow().roleId()).as(c.site()).isEqualTo(4));
    }

    CliRun cli(String... args) {
        return CliRun.of(new CommandLine(io.harborsync.HarborSyncCommand.class, factory), args);
    }

    @Test
    void theCliShowsAndSwitchesThroughTheRunningDaemon() {
        String url = daemon.toString();
        CliRun status = cli("proxy", "status", "--url", url, "--token", "test-admin-token");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("active site: h1").contains("sites:       h1, h2").contains("backend:     none")
                .contains("failover:    off");

        CliRun sw = cli("proxy", "switch", "h2", "--url", url, "--token", "test-admin-token");
        assertThat(sw.exit()).as(sw.err()).isZero();
        assertThat(sw.out()).contains("switched: the active site is now h2 (was h1)").contains("last switches:")
                .containsPattern("(?m)^  \\S+Z  h1 -> h2  manual  \\(admin API from [^)]+\\)$");
        assertThat(activeSite.name()).isEqualTo("h2");

        // the token from the configuration (HARBOR_SYNC_ADMIN_TOKEN / harbor-sync.admin-token) when --token is absent
        CliRun again = cli("proxy", "switch", "h2", "--url", url);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("h2 was already the active site");

        CliRun unknown = cli("proxy", "switch", "h9", "--url", url, "--token", "test-admin-token");
        assertThat(unknown.exit()).as("the daemon refused the argument").isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("HTTP 400").contains("unknown site 'h9'").doesNotContain("Exception");
    }

    @Test
    void aWrongTokenOrAnUnreachableDaemonIsAClearMessageAndExit1() throws Exception {
        CliRun wrong = cli("proxy", "status", "--url", daemon.toString(), "--token", "not-the-token");
        assertThat(wrong.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(wrong.err()).contains("refused the admin token (HTTP 401)").doesNotContain("not-the-token");
        assertThat(wrong.out()).isEmpty();

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun down = cli("proxy", "switch", "h2", "--url", "http://127.0.0.1:" + closed, "--token", "test-admin-token");
        assertThat(down.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(down.err()).contains("cannot reach the harbor-sync daemon at http://127.0.0.1:" + closed)
                .doesNotContain("Exception");
        assertThat(activeSite.name()).isEqualTo("h1");
    }
}
