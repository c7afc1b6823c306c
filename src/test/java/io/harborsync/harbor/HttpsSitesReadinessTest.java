package io.harborsync.harbor;

import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.testsupport.TestCa;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/**
 * The daemon configured with two Harbors that serve HTTPS with certificates from a private CA: h1 has
 * that CA as its ca-file and is ready; h2 has none, so readiness shows it DOWN with the TLS reason.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
@TestProfile(HttpsSitesReadinessTest.HttpsSites.class)
class HttpsSitesReadinessTest {
    static final String ADMIN_TOKEN = "test-admin-token-https-sites";

    public static class HttpsSites implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Emulators.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("harbor-sync.admin-token", ADMIN_TOKEN);
        }
    }

    public static class Emulators implements QuarkusTestResourceLifecycleManager {
        HarborEmulator h1;
        HarborEmulator h2;

        @Override
        public Map<String, String> start() {
            TestCa ca = TestCa.create("sites");
            h1 = HarborEmulator.start(EmulatorOptions.defaults("h1").withTls(ca.serverKeyStore(), ca.password()));
            h2 = HarborEmulator.start(EmulatorOptions.defaults("h2").withTls(ca.serverKeyStore(), ca.password()));
            Map<String, String> cfg = io.harborsync.testsupport.EmulatorSites.properties(h1, h2);
            cfg.put("harbor-sync.sites.h1.ca-file", ca.caPem().toString());
            return cfg;
        }

        @Override
        public void stop() {
            h1.close();
            h2.close();
        }
    }

    @Test
    void theSiteWithItsCaIsReadyTheOtherIsDownForTls() {
        given().when().get("/q/health/ready").then().log().ifValidationFails()
                .statusCode(503)
                .body("status", is("DOWN"))
                .body("checks.find { it.name == 'site h1' }.status", is("UP"))
                .body("checks.find { it.name == 'site h1' }.data.url", startsWith("https://localhost:"))
                .body("checks.find { it.name == 'site h2' }.status", is("DOWN"))
                .body("checks.find { it.name == 'site h2' }.data.error", allOf(
                        startsWith("h2: "),
                        containsString("TLS: the server certificate is not trusted"),
                        containsString("harbor-sync.sites.h2.ca-file"),
                        not(containsString("Harbor12345"))));
    }

    @Test
    void statusShowsEachSitesBreaker() {
        given().when().get("/q/health/ready").then().statusCode(503); // at least one failure on h2
        given().header("Authorization", "Bearer " + ADMIN_TOKEN).when().get("/status").then().log().ifValidationFails()
                .statusCode(200)
                .body("breakers.h1.state", is("closed"))
                .body("breakers.h1.consecutiveFailures", is(0))
                .body("breakers.h2.state", oneOf("closed", "open"))
                .body("breakers.h2.consecutiveFailures", greaterThanOrEqualTo(1))
                .body("breakers.h2.lastFailure", containsString("TLS: the server certificate is not trusted"))
                .body(not(containsString("Harbor12345")));
    }
}
