package io.harborsync.web;

import io.harborsync.http.Problem;
import io.harborsync.cli.ExitCode;

import io.harborsync.sites.Sites;
import io.harborsync.emulator.Fault;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.testsupport.CliRun;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static io.harborsync.web.MetricsAndConfigTest.scrape;
import static io.harborsync.web.MetricsAndConfigTest.value;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/**
 * What an operator sees of the runs that did not simply work: a run held back by the mass-deletion guard, drift
 * while a site cannot be read, and a project name that exists nowhere. Its own daemon (a guard limit of 1 per
 * kind and site, so two deletions trip it) with its own demo sites, so that full reconciles here and elsewhere
 * do not meet.
 */
@QuarkusTest
@TestProfile(OperatorVisibilityTest.StrictGuard.class)
@io.harborsync.testsupport.HarborSpecChecked
class OperatorVisibilityTest {
    static final String TOKEN = "Bearer test-admin-token";

    public static class StrictGuard implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("harbor-sync.guard.max-delete-fraction", "0.01");
        }
    }

    @Inject
    Sites sites;
    @Inject
    CommandLine.IFactory factory;
    @TestHTTPResource("/")
    URL daemon;

    static com.microsoft.playwright.Playwright playwright;
    static com.microsoft.playwright.Browser browser;
    com.microsoft.playwright.Page page;

    @AfterEach
    void noFaults() {
        sites.demo().orElseThrow().emulators().forEach(e -> e.faults().clear());
        if (page != null) {
            page.context().close();
            page = null;
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void closeBrowser() {
        if (playwright != null) {
            playwright.close();
        }
    }

    /** The dashboard in headless Chromium (as {@link DashboardBrowserTest} runs it), logged in. */
    com.microsoft.playwright.Page dashboard() {
        if (browser == null) {
            assertThat(java.nio.file.Files.isExecutable(DashboardBrowserTest.CHROMIUM)).as("apt-get install -y chromium")
                    .isTrue();
            playwright = com.microsoft.playwright.Playwright.create(new com.microsoft.playwright.Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            browser = playwright.chromium().launch(new com.microsoft.playwright.BrowserType.LaunchOptions()
                    .setExecutablePath(DashboardBrowserTest.CHROMIUM).setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage")));
        }
        page = browser.newContext().newPage();
        page.navigate(daemon.toString());
        page.locator("#token").fill("test-admin-token");
        page.locator("#login-submit").click();
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator("#dashboard")).isVisible();
        return page;
    }

    CliRun cli(String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--url", daemon.toString(), "--token", "test-admin-token")).toArray(String[]::new);
        return CliRun.of(new CommandLine(io.harborsync.HarborSyncCommand.class, factory), all);
    }

    static JsonPath status() {
        return given().header("Authorization", TOKEN).get("/status").then().statusCode(200).extract().jsonPath();
    }

    static JsonPath sync(String query) {
        return given().header("Authorization", TOKEN).post("/sync" + query).then().statusCode(200).extract().jsonPath();
    }

    /** WARN and above of the daemon's loggers, formatted. */
    static final class Warnings extends Handler implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final java.util.logging.Logger root = java.util.logging.Logger.getLogger("");

        Warnings() {
            setLevel(Level.WARNING);
            root.addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                lines.add(r.getLevel() + " " + (r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            root.removeHandler(this);
        }
    }

    @Test
    void aRunHeldBackByTheGuardIsLoggedCountedListedAndFailsTheCliUntilARunPasses() {
        HarborClient h1 = sites.client("h1");
        HarborClient h2 = sites.client("h2");
        String a = "guard-a-" + UUID.randomUUID().toString().substring(0, 6);
        String b = "guard-b-" + UUID.randomUUID().toString().substring(0, 6);
        h1.projects().create(new ProjectReq(a, false, null, null, null, null));
        h1.projects().create(new ProjectReq(b, false, null, null, null, null));
        sync("");
        assertThat(h2.projects().exists(a) && h2.projects().exists(b)).isTrue();
        Map<String, String> labels = Map.of("kind", "project", "site", "h1");
        double before = value(scrape(), "harborsync_guard_blocked_total", labels);

        h2.projects().delete(a);
        h2.projects().delete(b);
        JsonPath held;
        try (Warnings log = new Warnings()) {
            held = sync("");
            assertThat(log.lines).anySatisfy(l -> assertThat(l).startsWith("WARN")
                    .contains("mass-deletion guard held back").contains("2 project deletions on h1"));
        }
        assertThat(held.getList("skipped.findAll { it.op == 'guard' }.detail")).containsExactly("held back");
        assertThat(h1.projects().exists(a)).as("held back").isTrue();
        assertThat(value(scrape(), "harborsync_guard_blocked_total", labels)).isEqualTo(before + 1);
        JsonPath s = status();
        assertThat(s.getList("guardHeldBack.kind")).containsExactly("project");
        assertThat(s.getList("guardHeldBack.site")).containsExactly("h1");
        assertThat(s.getString("guardHeldBack[0].reason")).contains("2 of ").contains("projects on h1");
        var board = dashboard();
        var guardRow = board.locator("#guard tr[data-kind='project'][data-site='h1']");
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(guardRow).isVisible();
        assertThat(DashboardBrowserTest.row(board, "guard", guardRow)).containsEntry("Scope", "all projects")
                .containsEntry("Kind", "project").containsEntry("Site", "h1")
                .hasEntrySatisfying("Why", w -> assertThat(w).contains("mass-deletion guard: 2 of"));

        // a run of another scope that passes does not settle it; the CLI's sync of everything fails while held back
        given().header("Authorization", TOKEN).post("/sync/projects/" + a + "?dryRun=true").then().statusCode(200);
        CliRun cliSync = cli("sync");
        assertThat(cliSync.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(cliSync.err()).contains("mass-deletion guard held deletions back").contains("--force");
        assertThat(cliSync.out()).contains("mass-deletion guard: 2 of");
        CliRun cliStatus = cli("status");
        assertThat(cliStatus.exit()).isZero();
        assertThat(cliStatus.out()).contains("held back by the mass-deletion guard").contains("all projects");
        assertThat(status().getList("guardHeldBack")).hasSize(1);

        // a dry run shows the plan but settles nothing either; the forced run passes and clears it
        assertThat(cli("sync", "--dry-run").exit()).isZero();
        assertThat(status().getList("guardHeldBack")).hasSize(1);
        sync("?force=true");
        assertThat(h1.projects().exists(a)).isFalse();
        assertThat(status().getList("guardHeldBack")).isEmpty();
        CliRun clean = cli("sync");
        assertThat(clean.exit()).as(clean.err()).isZero();
    }

    @Test
    void whileASiteCannotBeReadItsDriftIsKeptAndMarkedStaleAndPendingWorkStaysListed() {
        HarborEmulator e1 = sites.demo().orElseThrow().emulators().get(0);
        HarborEmulator e2 = sites.demo().orElseThrow().emulators().get(1);
        String p = "drift-" + UUID.randomUUID().toString().substring(0, 6);
        String digest = "sha256:" + "e".repeat(64);
        sites.client("h1").projects().create(new ProjectReq(p, false, null, null, null, null));
        e1.pushArtifact(p, "app", digest, "1.0"); // on h1 only: pending Harbor's replication
        sync("");
        String key = p + "/app@" + digest;
        JsonPath before = status();
        assertThat(before.getList("pending.key")).contains(key);
        int driftH2 = before.getInt("drift.artifact.h2");
        assertThat(driftH2).isPositive();
        assertThat(before.getList("driftStale")).isEmpty();
        Map<String, String> h2Artifacts = Map.of("kind", "artifact", "site", "h2");
        assertThat(value(scrape(), "harborsync_drift_keys", h2Artifacts)).isEqualTo(driftH2);

        e2.faults().add(Fault.on("GET", "/api/v2.0/projects.*").status(503));
        JsonPath outage = sync("");
        assertThat(outage.getList("unknownSites", String.class)).singleElement()
                .satisfies(u -> assertThat(u).startsWith("h2"));
        JsonPath during = status();
        assertThat(during.getList("pending.key")).as("still listed during the outage").contains(key);
        assertThat(during.getList("driftStale")).containsExactly("h2");
        assertThat(during.getInt("drift.artifact.h2")).as("unknown, not 0: the last known value").isEqualTo(driftH2);
        String metrics = scrape();
        assertThat(value(metrics, "harborsync_drift_keys", h2Artifacts)).isEqualTo(driftH2);
        assertThat(value(metrics, "harborsync_drift_stale", Map.of("site", "h2"))).isEqualTo(1.0);
        assertThat(value(metrics, "harborsync_drift_stale", Map.of("site", "h1"))).isEqualTo(0.0);
        var board = dashboard();
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(board.locator("#drift thead"))
                .containsText("Drift on h2 (unknown: not readable)");
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(
                board.locator("[data-test='drift-artifact-h2']")).hasText(driftH2 + "? (last known)");
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(
                board.locator("[data-test='drift-artifact-h1']")).not().containsText("last known");

        e2.faults().clear();
        e2.pushArtifact(p, "app", digest, "1.0"); // replication caught up meanwhile
        sync("");
        JsonPath after = status();
        assertThat(after.getList("driftStale")).isEmpty();
        assertThat(after.getList("pending.key")).doesNotContain(key);
        assertThat(value(scrape(), "harborsync_drift_stale", Map.of("site", "h2"))).isEqualTo(0.0);
    }

    @Test
    void aProjectThatExistsOnNoSiteIsA404AndTheCliSaysSoInOneLine() {
        String none = "nowhere-" + UUID.randomUUID().toString().substring(0, 6);
        given().header("Authorization", TOKEN).post("/sync/projects/" + none).then().statusCode(404)
                .contentType(startsWith(Problem.MEDIA_TYPE))
                .body("detail", containsString("'" + none + "' exists on no site"));
        given().header("Authorization", TOKEN).post("/sync/projects/" + none + "?dryRun=true").then().statusCode(404);

        CliRun run = cli("sync", "--project", none);
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE); // the daemon's 404 names a wrong argument
        assertThat(run.err().strip()).doesNotContain("\n").contains("404").contains("'" + none + "' exists on no site");
        assertThat(run.out()).isEmpty();

        // a site that cannot be read may have it: unknown, not absent
        sites.demo().orElseThrow().emulators().get(1).faults().add(Fault.on("GET", "/api/v2.0/projects.*").status(503));
        given().header("Authorization", TOKEN).post("/sync/projects/" + none).then().statusCode(200)
                .body("unknownSites[0]", startsWith("h2"));
    }

    @Test
    void aProjectDeletedEverywhereThatTheBaseStillKnowsIsSettledNotA404() {
        String p = "gone-" + UUID.randomUUID().toString().substring(0, 6);
        sites.client("h1").projects().create(new ProjectReq(p, false, null, null, null, null));
        given().header("Authorization", TOKEN).post("/sync/projects/" + p).then().statusCode(200);
        sites.client("h1").projects().delete(p);
        sites.client("h2").projects().delete(p);
        given().header("Authorization", TOKEN).post("/sync/projects/" + p).then().statusCode(200)
                .body("failed.size()", org.hamcrest.Matchers.is(0));
        // now the base has forgotten it as well: the name exists nowhere
        given().header("Authorization", TOKEN).post("/sync/projects/" + p).then().statusCode(404);
    }
}
