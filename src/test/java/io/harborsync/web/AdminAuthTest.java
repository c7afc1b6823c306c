package io.harborsync.web;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** The admin guard, with the token the test profile configures (harbor-sync.admin-token=test-admin-token). */
@QuarkusTest
class AdminAuthTest {
    @Test
    void rightBearerTokenIsLetThrough() {
        given().header("Authorization", "Bearer test-admin-token").get("/admin/ping")
                .then().statusCode(200).body("status", is("ok"));
        given().header("Authorization", "bearer test-admin-token").get("/admin/ping")
                .then().statusCode(200);
    }

    @Test
    void missingTokenIs401Problem() {
        given().get("/admin/ping").then().statusCode(401)
                .contentType(startsWith("application/problem+json"))
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", is(401))
                .body("detail", containsString("missing"))
                .body("instance", is("/admin/ping"));
    }

    @Test
    void wrongTokenIs401ProblemThatDoesNotEchoTheToken() {
        given().header("Authorization", "Bearer test-admin-tokenX").get("/admin/ping").then().statusCode(401)
                .contentType(startsWith("application/problem+json"))
                .body("detail", is("wrong admin token"))
                .body(not(containsString("test-admin-token")));
        given().header("Authorization", "Bearer ").get("/admin/ping").then().statusCode(401);
        given().header("Authorization", "test-admin-token").get("/admin/ping").then().statusCode(401)
                .body("detail", containsString("Bearer scheme"));
        given().header("Authorization", "Basic dGVzdDp0ZXN0").get("/admin/ping").then().statusCode(401);
    }

    @Test
    void theGuardDoesNotApplyToOtherEndpoints() {
        given().get("/q/health/live").then().statusCode(200);
    }
}
