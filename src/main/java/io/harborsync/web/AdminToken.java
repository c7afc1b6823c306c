package io.harborsync.web;

import io.harborsync.config.HarborSyncConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The admin API's bearer token: {@code harbor-sync.admin-token} if set. Otherwise, in demo mode only, a
 * random token generated at start and written to {@code <harbor-sync.store.path>/admin-token} (owner-only
 * permissions); the log names the file, never the token. Otherwise none: every admin call is refused.
 */
@ApplicationScoped
public class AdminToken {
    private static final Logger LOG = Logger.getLogger(AdminToken.class);
    public static final String FILE_NAME = "admin-token";

    @Inject
    HarborSyncConfig config;

    private volatile Optional<String> token;

    void onStart(@Observes StartupEvent ev) {
        if (!config.daemon().enabled()) {
            return; // a one-shot command, not the daemon
        }
        get();
    }

    public Optional<String> get() {
        Optional<String> t = token;
        if (t == null) {
            synchronized (this) {
                if (token == null) {
                    // No sites configured is exactly demo mode (see Sites); asked here without starting the emulators.
                    token = resolve(config.adminToken(), config.sites().isEmpty(), Path.of(config.store().path()));
                }
                t = token;
            }
        }
        return t;
    }

    /** The token to require, given the configured one, whether this is demo mode, and the store directory. */
    static Optional<String> resolve(Optional<String> configured, boolean demo, Path storeDir) {
        Optional<String> set = configured.map(String::strip).filter(s -> !s.isEmpty());
        if (set.isPresent() || !demo) {
            if (set.isEmpty()) {
                LOG.warn("harbor-sync.admin-token is not set: the admin API refuses every call");
            }
            return set;
        }
        String generated = generate();
        Path file = storeDir.resolve(FILE_NAME).toAbsolutePath();
        try {
            writeOwnerOnly(file, generated);
        } catch (IOException e) {
            LOG.warnf("demo mode: cannot write the generated admin token to %s (%s); the admin API refuses every"
                    + " call until harbor-sync.admin-token is set", file, e.getClass().getSimpleName());
            return Optional.empty();
        }
        LOG.infof("demo mode: harbor-sync.admin-token is not set, so a random admin token was generated; read it"
                + " from %s", file);
        return Optional.of(generated);
    }

    static String generate() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file); // a fresh file, created owner-only before the token is in it
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
            var f = file.toFile();
            f.setReadable(false, false);
            f.setWritable(false, false);
            f.setReadable(true, true);
            f.setWritable(true, true);
        }
        try {
            Files.writeString(file, content + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UncheckedIOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }
}
