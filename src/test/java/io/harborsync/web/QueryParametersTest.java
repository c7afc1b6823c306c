package io.harborsync.web;

import io.harborsync.http.Problem;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Every admin endpoint and the webhook endpoint refuse a query parameter they do not take: the endpoints are
 * found by reflection (as {@link OpenApiTest} finds them), so a new endpoint is covered without anyone
 * remembering to add it here.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class QueryParametersTest {
    static final String TOKEN = "Bearer test-admin-token";

    @Inject
    Sites sites;

    static List<OpenApiTest.Endpoint> strictEndpoints() {
        List<OpenApiTest.Endpoint> out = OpenApiTest.endpoints().stream()
                .filter(e -> e.admin() || e.path().startsWith("/webhooks/")).toList();
        // guards the discovery: if it found nothing, the checks below would pass vacuously
        assertThat(out).extracting(e -> e.method() + " " + e.path()).contains("post /sync",
                "post /sync/projects/{name}", "get /status", "post /inbox/dead/{id}/retry", "post /inbox/dead/retry",
                "get /proxy", "put /proxy/active", "get /config", "get /admin/ping", "post /webhooks/{site}");
        return out;
    }

    private static String concrete(String path) {
        return path.replace("{name}", "no-such-project-x").replace("{project}", "no-such-project-x").replace("{id}", "987654").replace("{site}", "h1");
    }

    private static Response send(OpenApiTest.Endpoint e, String query, boolean withToken) {
        RequestSpecification r = given().urlEncodingEnabled(false);
        if (withToken && e.admin()) {
            r = r.header("Authorization", TOKEN);
        }
        if (!e.method().equals("get")) {
            // a well-formed body where one is read: the refusal must come from the query alone
            r = r.contentType("application/json").body(e.path().equals("/proxy/active") ? "{\"site\":\"h2\"}" : "{}");
        }
        return r.request(e.method().toUpperCase(Locale.ROOT), concrete(e.path()) + "?" + query);
    }

    @Test
    void everyStrictEndpointRefusesAnUnknownQueryParameterWithA400Problem() {
        for (OpenApiTest.Endpoint e : strictEndpoints()) {
            send(e, "bogus=1", true).then().statusCode(400)
                    .contentType(startsWith(Problem.MEDIA_TYPE))
                    .body("status", is(400))
                    .body("detail", containsString("unknown query parameter 'bogus'"));
        }
    }

    @Test
    void aDeclaredParameterInTheWrongCaseIsRefusedToo() {
        int checked = 0;
        for (OpenApiTest.Endpoint e : strictEndpoints()) {
            Set<String> takes = QueryParameterFilter.queryParameters(e.java());
            for (String name : takes) {
                String other = name.toUpperCase(Locale.ROOT); // "force" has no lower-case variant
                send(e, other + "=true", true).then().statusCode(400)
                        .body("detail", containsString("'" + other + "'"))
                        .body("detail", containsString("takes only " + String.join(", ", takes)));
                checked++;
            }
        }
        assertThat(checked).as("dryRun, force and verify of both sync endpoints").isEqualTo(6);
    }

    @Test
    void anUnauthenticatedCallerGetsThe401First() {
        for (OpenApiTest.Endpoint e : strictEndpoints()) {
            if (e.admin()) {
                send(e, "bogus=1", false).then().statusCode(401);
            }
        }
    }

    @Test
    void syncWithALowerCaseDryrunRunsNothingWhileDryRunStillWorks() {
        String p = "qp-" + UUID.randomUUID().toString().substring(0, 8);
        sites.client("h1").projects().create(new ProjectReq(p, false, null, null, null, null));

        given().header("Authorization", TOKEN).post("/sync?dryrun=true").then().statusCode(400)
                .body("detail", containsString("unknown query parameter 'dryrun'"))
                .body("detail", containsString("POST /sync takes only dryRun, force"));
        given().header("Authorization", TOKEN).post("/sync/projects/" + p + "?dryRun=true&dryrun=true").then()
                .statusCode(400);
        assertThat(sites.client("h2").projects().exists(p)).as("no reconcile ran").isFalse();

        given().header("Authorization", TOKEN).post("/sync/projects/" + p + "?dryRun=true&force=false").then()
                .statusCode(200).body("dryRun", is(true));
        assertThat(sites.client("h2").projects().exists(p)).as("a dry run changes nothing").isFalse();
        given().header("Authorization", TOKEN).post("/sync/projects/" + p).then().statusCode(200);
        assertThat(sites.client("h2").projects().exists(p)).isTrue();
    }

    @Test
    void everyStrictEndpointDocumentsTheRefusalAsA400Problem() throws Exception {
        OpenApiTest.doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(given().queryParam("format", "json")
                .get("/q/openapi").then().statusCode(200).extract().asString());
        for (OpenApiTest.Endpoint e : strictEndpoints()) {
            var op = OpenApiTest.doc.path("paths").path(e.path()).path(e.method());
            assertThat(OpenApiTest.problem(op, "400")).as("%s documents its 400 problem", e).isTrue();
        }
    }

    @Test
    void theDocumentedParametersAreTheAcceptedOnes() {
        for (OpenApiTest.Endpoint e : strictEndpoints()) {
            Set<String> takes = QueryParameterFilter.queryParameters(e.java());
            if (e.path().startsWith("/sync")) {
                assertThat(takes).as("%s", e).containsExactly("dryRun", "force", "verify");
            } else {
                assertThat(takes).as("%s takes no query parameter", e).isEmpty();
            }
        }
    }
}
