package io.harborsync.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the commands that talk to the daemon (`status`, `sync`, `proxy`) find the admin token: --token, then the configuration, then a demo daemon's file. */
class DaemonClientTokenTest {
    @TempDir
    Path store;

    @Test
    void theOptionWinsThenTheConfigurationThenTheFile() throws Exception {
        Files.writeString(store.resolve("admin-token"), "from-file\n");
        assertThat(DaemonClient.resolveToken(Optional.of("opt"), Optional.of("env"), store)).contains("opt");
        assertThat(DaemonClient.resolveToken(Optional.empty(), Optional.of("env"), store)).contains("env");
        assertThat(DaemonClient.resolveToken(Optional.empty(), Optional.of("  "), store)).contains("from-file");
        assertThat(DaemonClient.resolveToken(Optional.empty(), Optional.empty(), store)).contains("from-file");
    }

    @Test
    void noTokenAnywhereIsEmpty() {
        assertThat(DaemonClient.resolveToken(Optional.empty(), Optional.empty(), store)).isEmpty();
    }
}
