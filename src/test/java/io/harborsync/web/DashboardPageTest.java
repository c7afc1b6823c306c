package io.harborsync.web;

import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * The dashboard page without a browser: the public shell carries no data (the data needs the admin token),
 * and its script keeps the token out of URLs and cookies. {@link DashboardBrowserTest} drives it for real.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class DashboardPageTest {
    @Inject
    Sites sites;

    @Test
    void thePublicPageHoldsNoDataEvenAfterAReconcile() {
        String p = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        sites.client("h1").projects().create(new ProjectReq(p, false, null, null, null, null));
        given().header("Authorization", SyncApiTest.TOKEN).post("/sync/projects/" + p).then().statusCode(200);
        given().header("Authorization", SyncApiTest.TOKEN).get("/status").then().statusCode(200)
                .body("recentOperations.key", hasItem(p));

        String html = given().get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", allOf(containsString("script-src 'self'"),
                        containsString("form-action 'none'")))
                .header("Cache-Control", is("no-store"))
                .extract().asString();
        assertThat(html).contains("id=\"login\"", "id=\"token\"", "/dashboard/dashboard.js")
                .doesNotContain(p, "test-admin-token", "data-site")
                // the token field has no name and the form no action: a submission without the script sends nothing
                .doesNotContainPattern("id=\"token\"[^>]*name=")
                .doesNotContain("action=")
                // no inline script: the content security policy forbids it
                .doesNotContainPattern("<script(?![^>]*src=)");
    }

    @Test
    void recentOperationsSayWhetherTheyWorked() {
        String ok = "dash-ok-" + UUID.randomUUID().toString().substring(0, 8);
        String broken = "dash-fail-" + UUID.randomUUID().toString().substring(0, 8);
        sites.client("h1").projects().create(new ProjectReq(ok, false, null, null, null, null));
        sites.client("h1").projects().create(new ProjectReq(broken, false, null, null, null, null));
        given().header("Authorization", SyncApiTest.TOKEN).post("/sync/projects/" + ok).then().statusCode(200);
        sites.demo().orElseThrow().emulators().get(1).faults().add(io.harborsync.emulator.Fault
                .on("POST", "/api/v2.0/projects").status(500).times(1));
        given().header("Authorization", SyncApiTest.TOKEN).post("/sync/projects/" + broken).then().statusCode(200)
                .body("failed.key", hasItem(broken));
        given().header("Authorization", SyncApiTest.TOKEN).get("/status").then().statusCode(200)
                .body("recentOperations.find { it.key == '" + ok + "' && it.site == 'h2' }.outcome", is("done"))
                .body("recentOperations.find { it.key == '" + broken + "' && it.site == 'h2' }.outcome", is("failed"))
                .body("recentOperations.find { it.key == '" + broken + "' && it.site == 'h2' }.at", notNullValue());
        // leave the shared demo sites in step: other tests count what a full reconcile does
        given().header("Authorization", SyncApiTest.TOKEN).post("/sync/projects/" + broken).then().statusCode(200)
                .body("failed", empty());
    }

    @Test
    void theScriptSendsTheTokenOnlyInTheAuthorizationHeader() {
        String js = given().get("/dashboard/dashboard.js").then().statusCode(200).extract().asString();
        assertThat(js).contains("sessionStorage.setItem(TOKEN_KEY", "\"Authorization\": \"Bearer \" + token()",
                "credentials: \"omit\"", "textContent");
        // nothing that could put the token into a URL, a cookie or markup
        assertThat(js).doesNotContain("localStorage", "document.cookie", "location", "URLSearchParams",
                "innerHTML", "outerHTML", "insertAdjacentHTML", "?token", "&token");
        given().get("/dashboard/dashboard.css").then().statusCode(200);
    }

    @Test
    void statusCarriesDriftPerKindAndSiteAsTheLastFullReconcileLeftIt() {
        var report = given().header("Authorization", SyncApiTest.TOKEN).post("/sync").then().statusCode(200)
                .extract().jsonPath();
        var status = given().header("Authorization", SyncApiTest.TOKEN).get("/status").then().statusCode(200)
                .body("drift.keySet()", hasItems("project", "member", "repository", "artifact"))
                .body("drift.project.keySet()", contains("h1", "h2"))
                .extract().jsonPath();
        for (String kind : java.util.List.of("project", "member", "repository", "artifact")) {
            for (String site : java.util.List.of("h1", "h2")) {
                long expected = java.util.stream.Stream.of("failed", "pending", "conflicts")
                        .flatMap(list -> report.<java.util.Map<String, Object>>getList(list).stream())
                        .filter(i -> kind.equals(i.get("kind")) && (i.get("site") == null || site.equals(i.get("site"))))
                        .count();
                assertThat(status.getLong("drift." + kind + "." + site)).as(kind + " on " + site).isEqualTo(expected);
            }
        }
    }
}
