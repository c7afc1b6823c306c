package io.harborsync.sites;

import io.harborsync.config.Site;
import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import org.eclipse.microprofile.health.HealthCheckResponse;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness of a site whose credentials fail: real Harbor answers them as anonymous (systeminfo 200 without
 * harbor_version, auth.wrongpw.sysinfo), so the check must read the answer, not only its status.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class SiteReadinessChecksTest {
    static HarborEmulator h1;

    @BeforeAll
    static void start() {
        h1 = HarborEmulator.start(EmulatorOptions.defaults("h1"));
    }

    @AfterAll
    static void stop() {
        h1.close();
    }

    private static HealthCheckResponse check(String password) {
        Site site = new Site("h1", h1.baseUrl(), "admin", password, Optional.empty(), Optional.empty());
        HarborClient client = HarborClientFactory.create(site, Duration.ofSeconds(10), Duration.ofSeconds(30), 100,
                CircuitBreaker.Settings.OFF, Clock.systemUTC());
        SiteReadinessChecks checks = new SiteReadinessChecks();
        checks.sites = new Sites() {
            @Override
            public HarborClient client(String name) {
                return client;
            }
        };
        return checks.check(site);
    }

    @Test
    void aRotatedPasswordIsDownWithTheReasonAndNeverThePassword() {
        HealthCheckResponse r = check("Old-Passw0rd");
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData()).get().satisfies(d -> {
            assertThat(d).containsEntry("error", "h1: " + HarborClient.NOT_AUTHENTICATED).containsEntry("account", "admin");
            assertThat(d.values()).noneMatch(v -> String.valueOf(v).contains("Old-Passw0rd"));
        });
    }

    @Test
    void theRightPasswordIsUp() {
        HealthCheckResponse r = check("Harbor12345");
        assertThat(r.getStatus()).as("%s", r.getData()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(r.getData()).get().satisfies(d -> assertThat(d).containsKey("version"));
    }
}
