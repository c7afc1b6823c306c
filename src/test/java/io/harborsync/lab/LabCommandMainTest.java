package io.harborsync.lab;

import io.harborsync.cli.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lab command in the application: registered under the top command, its steps wired by CDI. */
@QuarkusMainTest
@TestProfile(LabCommandMainTest.NoKind.class)
class LabCommandMainTest {

    public static class NoKind implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("harbor-sync.lab.kind", "/nonexistent/kind", "quarkus.http.host-enabled", "false");
        }
    }

    @Test
    @Launch(value = {"lab", "up"}, exitCode = ExitCode.FAILED)
    void upStopsAtTheClusterStepWithAClearMessage(LaunchResult result) {
        assertThat(result.getOutput()).contains("[1/7] cluster ... failed");
        assertThat(result.getErrorOutput()).contains("lab up failed at step 'cluster': kind not found at "
                + "/nonexistent/kind (harbor-sync.lab.kind)");
        assertThat(result.getOutput() + result.getErrorOutput()).doesNotContain("\tat ");
    }
}
