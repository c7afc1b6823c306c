package io.harborsync.demo;

import io.harborsync.sites.Sites;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/** With no site configured the daemon runs on two emulated Harbors and reports each as ready. */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class DemoModeTest {
    @Inject
    Sites sites;

    @Test
    void startsTwoEmulatedHarborsAndReportsBothReady() {
        assertThat(sites.isDemo()).isTrue();
        assertThat(sites.all()).extracting(s -> s.name()).containsExactly("h1", "h2");

        given().when().get("/q/health/ready").then().log().ifValidationFails()
                .statusCode(200)
                .body("status", is("UP"))
                // one check per site, and the store's (the datasource check of Quarkus' Agroal extension)
                .body("checks.name", hasItems("site h1", "site h2", "Database connections health check"))
                .body("checks.find { it.name == 'site h1' }.data.version", startsWith("v2.15"));
    }

    @Test
    void aSiteThatGoesDownMakesReadinessDown() {
        var h2 = sites.demo().orElseThrow().emulators().get(1);
        h2.faults().add(io.harborsync.emulator.Fault.on("GET", "/api/v2.0/health").status(503));
        try {
            given().when().get("/q/health/ready").then()
                    .statusCode(503)
                    .body("status", is("DOWN"))
                    .body("checks.find { it.name == 'site h2' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'site h1' }.status", is("UP"));
        } finally {
            h2.faults().clear();
        }
    }

    @Test
    void healthOutputCarriesNoSecret() {
        String body = given().when().get("/q/health").then().extract().asString();
        assertThat(body).doesNotContain(DemoHarbors.ADMIN_PASSWORD);
        sites.all().forEach(s -> s.webhookSecret().ifPresent(secret -> assertThat(body).doesNotContain(secret)));
    }
}
