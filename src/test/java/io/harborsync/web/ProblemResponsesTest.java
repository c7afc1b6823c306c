package io.harborsync.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/** Every error of our endpoints is an RFC 9457 problem, without exception text or stack traces. */
@QuarkusTest
class ProblemResponsesTest {
    private static void assertNoInternals(ValidatableResponse r) {
        String body = r.extract().asString();
        assertThat(body).doesNotContain("Exception", "\tat ", "at io.", "at java.", "hunter2", "secret-internal");
    }

    private static ValidatableResponse isProblem(ValidatableResponse r, int status) {
        r.statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("status", is(status))
                .body("title", not(emptyOrNullString()))
                .body("type", is("about:blank"))
                .body("detail", not(emptyOrNullString()));
        assertNoInternals(r);
        return r;
    }

    @Test
    void malformedJsonIsA400Problem() {
        isProblem(given().contentType("application/json").body("{\"name\": \"x\", \"count\": ")
                .post("/test-only/problems/echo").then(), 400)
                .body("detail", containsString("not valid JSON"))
                .body("instance", is("/test-only/problems/echo"));
    }

    @Test
    void wrongJsonTypesAreA400ProblemNamingTheField() {
        isProblem(given().contentType("application/json").body("{\"name\": \"x\", \"count\": \"many\"}")
                .post("/test-only/problems/echo").then(), 400)
                .body("detail", containsString("count"));
    }

    @Test
    void validJsonStillWorks() {
        given().contentType("application/json").body("{\"name\": \"x\", \"count\": 2, \"tags\": [\"a\"]}")
                .post("/test-only/problems/echo").then().statusCode(200).body("count", is(2));
    }

    @Test
    void unknownPathsAreA404Problem() {
        isProblem(given().get("/test-only/problems/nothing-here").then(), 404);
        isProblem(given().get("/admin/no-such-thing").then(), 404);
        isProblem(given().get("/no-such-resource-at-all").then(), 404);
    }

    @Test
    void wrongMethodIsA405Problem() {
        isProblem(given().delete("/test-only/problems/echo").then(), 405);
    }

    @Test
    void unsupportedContentTypeIsA415Problem() {
        isProblem(given().contentType("text/plain").body("hello").post("/test-only/problems/echo").then(), 415)
                .body("detail", containsString("text/plain"));
    }

    @Test
    void unexpectedExceptionsAreA500ProblemWithoutDetailsOfTheException() {
        isProblem(given().get("/test-only/problems/boom").then(), 500)
                .body("detail", containsString("incident"));
        isProblem(given().get("/test-only/problems/npe").then(), 500);
    }
}
