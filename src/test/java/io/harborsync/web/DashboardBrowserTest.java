package io.harborsync.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.proxy.ActiveSite;
import io.harborsync.proxy.ProxySwitch;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

/**
 * The dashboard in headless Chromium against the demo daemon: log in with the admin token, see both sites,
 * see a project created on h1 synced to h2 after "Reconcile now", switch the active site with its control,
 * and watch the page refresh itself. Uses Debian's chromium (installed by .ci/run); nothing is downloaded.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String TOKEN = "test-admin-token";
    /** Longer than one refresh period, for what only a refresh can show. */
    static final LocatorAssertions.ContainsTextOptions REFRESHED =
            new LocatorAssertions.ContainsTextOptions().setTimeout(4_000 * DashboardResource.REFRESH_SECONDS);

    static Playwright playwright;
    static Browser browser;

    @Inject
    Sites sites;
    @Inject
    ActiveSite activeSite;
    @Inject
    EventInbox inbox;

    @TestHTTPResource("/")
    URL daemon;

    Page page;

    @BeforeAll
    static void launch() {
        Assertions.assertThat(Files.isExecutable(CHROMIUM))
                .as("%s is missing: install Debian's browser with 'apt-get install -y chromium' (.ci/run does)", CHROMIUM)
                .isTrue();
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage")));
    }

    @AfterAll
    static void close() {
        if (playwright != null) {
            playwright.close(); // closes the browser too
        }
    }

    @AfterEach
    void backToH1() {
        if (page != null) {
            page.context().close();
        }
        activeSite.switchTo("h1", ProxySwitch.Reason.MANUAL, "test cleanup");
    }

    /** One row of a table as heading → cell text, checking it has exactly one cell per heading. */
    static Map<String, String> row(Page page, String table, Locator row) {
        List<String> headings = page.locator("#" + table + " thead th").allTextContents();
        List<String> cells = row.locator("td").allTextContents();
        Assertions.assertThat(cells).as("one cell per heading of #%s", table).hasSameSizeAs(headings);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headings.size(); i++) {
            out.put(headings.get(i), cells.get(i));
        }
        return out;
    }

    @Test
    void aConflictShowsEachSitesValueTheWinnerAndTheRule() {
        String p = "dash-c-" + UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + p;
        sites.demo().orElseThrow().emulators().forEach(e -> e.addUser(alice));
        var h1 = sites.client("h1");
        var h2 = sites.client("h2");
        h1.projects().create(new ProjectReq(p, false, null, null, null, null));
        h1.members().add(p, new io.harborsync.harbor.HarborModel.MemberReq(2,
                new io.harborsync.harbor.HarborModel.UserEntity(null, alice), null));
        given().header("Authorization", "Bearer " + TOKEN).post("/sync/projects/" + p).then().statusCode(200);
        h1.members().updateRole(p, h1.members().find(p, alice, false).orElseThrow().id(), 3);
        h2.members().updateRole(p, h2.members().find(p, alice, false).orElseThrow().id(), 4);
        given().header("Authorization", "Bearer " + TOKEN).post("/sync/projects/" + p).then().statusCode(200);

        page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();
        page.navigate(daemon.toString());
        page.locator("#token").fill(TOKEN);
        page.locator("#login-submit").click();
        Locator conflict = page.locator("#conflicts tr[data-key='" + p + "/u:" + alice + "']");
        assertThat(conflict).isVisible();
        Map<String, String> row = row(page, "conflicts", conflict);
        Assertions.assertThat(row).containsOnlyKeys("Kind", "Key", "Each site's value", "Winner", "Settled by",
                "What happened");
        Assertions.assertThat(row).containsEntry("Kind", "member").containsEntry("Key", p + "/u:" + alice)
                .containsEntry("Each site's value", "h1: {\"roleId\":3}; h2: {\"roleId\":4}")
                .containsEntry("Winner", "h1").containsEntry("Settled by", "conflict policy active-site (h1)");
        Assertions.assertThat(row.get("What happened")).startsWith("changed differently on [h1, h2]");
        Assertions.assertThat(h2.members().find(p, alice, false).orElseThrow().roleId()).isEqualTo(3);
    }

    @Test
    void aRobotWhoseSecretIsNotAlignedIsListedUntilItIsSet() {
        String p = "dash-r-" + UUID.randomUUID().toString().substring(0, 8);
        var h1 = sites.client("h1");
        h1.projects().create(new ProjectReq(p, false, null, null, null, null));
        var made = h1.robots().create(new io.harborsync.harbor.HarborModel.RobotCreate("ci", "", "project", -1L,
                List.of(new io.harborsync.harbor.HarborModel.RobotPermission("project", p, List.of(
                        new io.harborsync.harbor.HarborModel.Access("repository", "pull", null))))));
        given().header("Authorization", "Bearer " + TOKEN).post("/sync/projects/" + p).then().statusCode(200);

        page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();
        page.navigate(daemon.toString());
        page.locator("#token").fill(TOKEN);
        page.locator("#login-submit").click();
        Locator robot = page.locator("#secrets tr[data-key='" + p + "/robot:ci']");
        assertThat(robot).isVisible();
        Map<String, String> row = row(page, "secrets", robot);
        Assertions.assertThat(row).containsEntry("Robot", p + "+ci").containsEntry("Kind", "project-robot")
                .containsEntry("Not proven on", "h1, h2");
        Assertions.assertThat(page.content()).doesNotContain(made.secret());

        given().header("Authorization", "Bearer " + TOKEN).contentType("application/json")
                .body(Map.of("secret", made.secret())).put("/robots/" + p + "+ci/secret").then().statusCode(200);
        assertThat(robot).isHidden(new LocatorAssertions.IsHiddenOptions()
                .setTimeout(4_000 * DashboardResource.REFRESH_SECONDS));
        Assertions.assertThat(page.content()).doesNotContain(made.secret());
    }

    @Test
    void aNarrowScreenScrollsTheTablesNotThePage() throws Exception {
        String p = "narrow-" + UUID.randomUUID().toString().substring(0, 8) + "-with-a-long-name-to-be-wide";
        sites.client("h1").projects().create(new ProjectReq(p, false, null, null, null, null));
        given().header("Authorization", "Bearer " + TOKEN).post("/sync/projects/" + p).then().statusCode(200);
        page = browser.newContext(new Browser.NewContextOptions().setViewportSize(420, 800)).newPage();
        page.navigate(daemon.toString());
        page.locator("#token").fill(TOKEN);
        page.locator("#login-submit").click();
        assertThat(page.locator("#operations tr[data-key='" + p + "'][data-site='h2']")).isVisible();

        Assertions.assertThat(page.evaluate("document.documentElement.scrollWidth")).as("page width")
                .isEqualTo(page.evaluate("document.documentElement.clientWidth"));
        Assertions.assertThat((Integer) page.evaluate("document.documentElement.clientWidth")).isLessThanOrEqualTo(420);
        // every table sits in its own scrolling box no wider than the page
        Assertions.assertThat(page.evaluate("[...document.querySelectorAll('table')].every(t =>"
                + " t.parentElement.classList.contains('scroll')"
                + " && getComputedStyle(t.parentElement).overflowX === 'auto'"
                + " && t.parentElement.getBoundingClientRect().right <= document.documentElement.clientWidth)"))
                .isEqualTo(true);
        // a table wider than the screen scrolls inside its box (its columns are not squeezed into letters)
        Assertions.assertThat(page.evaluate("(() => { const box = document.querySelector('#operations').parentElement;"
                + " return box.scrollWidth > box.clientWidth; })()")).isEqualTo(true);
        // the controls stay reachable: the reconcile button and the switch buttons are inside the viewport width
        for (String control : List.of("#reconcile", "#logout")) {
            var box = page.locator(control).boundingBox();
            Assertions.assertThat(box.x + box.width).as(control).isLessThanOrEqualTo(420);
        }
        Files.createDirectories(Path.of("target"));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "dashboard-420.png")).setFullPage(true));
    }

    @Test
    void showsTheSitesASyncedProjectAndSwitchesTheActiveSite() throws Exception {
        String p = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        // a webhook event that ran out of retries, for the dead-letter control
        long dead = inbox.add(new InboxEvent(0, "h1", "PUSH_ARTIFACT", p, "app", null, "1.0", "ci", null,
                null, null, 0, null));
        inbox.bury(dead, "h2: HTTP 503 from GET /api/v2.0/projects");
        page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();
        page.navigate(daemon.toString());
        assertThat(page.locator("#login")).isVisible();
        assertThat(page.locator("#dashboard")).isHidden();

        // a wrong token: a clear message, still no data
        page.locator("#token").fill("not-the-token");
        page.locator("#login-submit").click();
        assertThat(page.locator("#login-error")).containsText("wrong admin token");
        assertThat(page.locator("#dashboard")).isHidden();

        page.locator("#token").fill(TOKEN);
        page.locator("#login-submit").click();
        Locator sitesTable = page.locator("#sites");
        assertThat(sitesTable.locator("tr[data-site='h1']")).containsText("h1");
        assertThat(sitesTable.locator("tr[data-site='h2']")).containsText("h2");
        assertThat(page.locator("#active-site")).hasText("h1");
        assertThat(page.locator("[data-test='replica']")).containsText("leads: it reconciles");
        assertThat(page.locator("#login")).isHidden();
        // the token went nowhere but sessionStorage: not into the URL, not into a cookie
        Assertions.assertThat(page.url()).isEqualTo(daemon.toString()).doesNotContain(TOKEN);
        Assertions.assertThat(page.evaluate("document.cookie")).isEqualTo("");
        Assertions.assertThat(page.evaluate("sessionStorage.getItem('harbor-sync.admin-token')")).isEqualTo(TOKEN);
        Assertions.assertThat(page.locator("#token").inputValue()).isEmpty();

        // a project created on h1 is synced by "Reconcile now"
        sites.client("h1").projects().create(new ProjectReq(p, false, null, null, null, null));
        page.locator("#reconcile").click();
        assertThat(page.locator("#action-result")).containsText("Reconciled:");
        Locator created = page.locator("#operations tr[data-key='" + p + "'][data-site='h2']");
        assertThat(created).hasAttribute("data-outcome", "done");
        // every value under its own heading
        Map<String, String> row = row(page, "operations", created);
        Assertions.assertThat(row).containsOnlyKeys("Outcome", "Site", "Kind", "Key", "Operation", "Why", "Detail");
        Assertions.assertThat(row).containsEntry("Outcome", "done").containsEntry("Site", "h2")
                .containsEntry("Kind", "project").containsEntry("Key", p).containsEntry("Operation", "create")
                .containsEntry("Detail", "");
        Assertions.assertThat(row.get("Why")).startsWith("created on [h1]");
        Assertions.assertThat(sites.client("h2").projects().exists(p)).isTrue();
        for (String site : List.of("h1", "h2")) {
            assertThat(page.locator("[data-test='health-" + site + "']")).hasText("reachable");
            assertThat(page.locator("[data-test='last-reconcile-" + site + "']")).not().hasText("never");
        }
        assertThat(page.locator("#drift tr[data-kind='project']")).isVisible();

        // the switch control makes h2 active, on the page and in the daemon
        page.locator("[data-test='switch-h2']").click();
        assertThat(page.locator("#action-result")).containsText("Active site is now h2");
        assertThat(page.locator("#active-site")).hasText("h2");
        assertThat(page.locator("[data-test='active-h2']")).hasText("active");
        assertThat(page.locator("[data-test='switch-h2']")).isDisabled();
        given().header("Authorization", "Bearer " + TOKEN).get("/proxy").then().statusCode(200)
                .body("active", is("h2"));
        Files.createDirectories(Path.of("target"));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "dashboard.png")).setFullPage(true));

        // the page refreshes itself: a switch made elsewhere shows up without touching the page
        given().header("Authorization", "Bearer " + TOKEN).contentType("application/json").body("{\"site\":\"h1\"}")
                .put("/proxy/active").then().statusCode(200);
        assertThat(page.locator("#active-site")).containsText("h1", REFRESHED);

        // the dead letter is listed with its error; its retry control puts it back to work
        Locator deadRow = page.locator("#dead-letters tr", new Page.LocatorOptions()
                .setHas(page.locator("[data-test='retry-" + dead + "']")));
        assertThat(deadRow).containsText("h2: HTTP 503");
        page.locator("[data-test='retry-" + dead + "']").click();
        assertThat(page.locator("#action-result")).containsText("Dead letter " + dead + " is queued again");
        assertThat(page.locator("[data-test='retry-" + dead + "']")).hasCount(0);
        Assertions.assertThat(inbox.dead(1000)).extracting(InboxEvent::id).doesNotContain(dead);
        Assertions.assertThat(page.url()).doesNotContain(TOKEN);
    }
}
