package io.harborsync.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void aConfiguredTokenIsUsedAndNothingIsWritten() {
        assertThat(AdminToken.resolve(Optional.of("s3cret"), true, dir)).contains("s3cret");
        assertThat(AdminToken.resolve(Optional.of("s3cret"), false, dir)).contains("s3cret");
        assertThat(dir.resolve(AdminToken.FILE_NAME)).doesNotExist();
    }

    @Test
    void outsideDemoModeNoTokenMeansNone() {
        assertThat(AdminToken.resolve(Optional.empty(), false, dir)).isEmpty();
        assertThat(AdminToken.resolve(Optional.of("  "), false, dir)).isEmpty();
        assertThat(dir.resolve(AdminToken.FILE_NAME)).doesNotExist();
    }

    @Test
    void inDemoModeARandomTokenIsWrittenOwnerOnly() throws Exception {
        Path store = dir.resolve("data");
        Optional<String> token = AdminToken.resolve(Optional.empty(), true, store);
        assertThat(token).isPresent();
        assertThat(token.get()).hasSize(64);
        Path file = store.resolve(AdminToken.FILE_NAME);
        assertThat(Files.readString(file).strip()).isEqualTo(token.get());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Optional<String> again = AdminToken.resolve(Optional.empty(), true, store);
        assertThat(again.get()).isNotEqualTo(token.get());
        assertThat(Files.readString(file).strip()).isEqualTo(again.get());
    }

    @Test
    void bearerParsing() {
        assertThat(AdminAuthFilter.bearer("Bearer abc")).isEqualTo("abc");
        assertThat(AdminAuthFilter.bearer("BEARER abc ")).isEqualTo("abc");
        assertThat(AdminAuthFilter.bearer("Basic abc")).isNull();
        assertThat(AdminAuthFilter.bearer("abc")).isNull();
        assertThat(AdminAuthFilter.bearer("Bearer")).isNull();
    }
}
