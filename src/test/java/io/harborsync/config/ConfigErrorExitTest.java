package io.harborsync.config;

import io.harborsync.HarborSyncMain;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A wrong configuration ends the process with exit code 2 and one line naming the property. */
@QuarkusMainTest
@TestProfile(ConfigErrorExitTest.OneSite.class)
class ConfigErrorExitTest {

    public static class OneSite implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("harbor-sync.sites.h1.url", "https://core.h1.harbor.domain",
                    "harbor-sync.sites.h1.username", "admin",
                    "harbor-sync.sites.h1.password", "do-not-print-me");
        }
    }

    @Test
    @Launch(value = {}, exitCode = HarborSyncMain.CONFIG_ERROR)
    void oneSiteOnlyFailsWithOneClearLine(LaunchResult result) {
        String out = result.getOutput() + result.getErrorOutput();
        assertThat(out).contains("configuration error: harbor-sync.sites: at least two sites are needed");
        assertThat(out).doesNotContain("\tat ", "Exception", "do-not-print-me");
    }
}
