package io.harborsync.ha;

import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The embedded H2 store admits one daemon: a second process on the same store directory is refused at start with
 * one line (exit 2), before H2 would fail on its own file lock with a stack trace. The lock is an OS file lock on
 * {@code <harbor-sync.store.path>/harbor-sync.replica.lock}, held until the process ends (the OS releases it on a
 * crash too). Nothing is locked when the store is PostgreSQL: there the replicas elect a leader.
 */
public final class SingleReplicaLock {
    static final String FILE = "harbor-sync.replica.lock";
    private static FileLock held;

    private SingleReplicaLock() {
    }

    /** Takes the lock for this process; the problem, in one line, when another process holds it. */
    public static synchronized Optional<String> acquire(Config config) {
        if (config.getOptionalValue("quarkus.datasource.pg.active", Boolean.class).orElse(false)) {
            return Optional.empty();
        }
        Path dir = Path.of(config.getOptionalValue("harbor-sync.store.path", String.class).orElse("./data"));
        return acquire(dir);
    }

    static synchronized Optional<String> acquire(Path dir) {
        if (held != null && held.isValid()) {
            return Optional.empty();
        }
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                return Optional.of(inUse(dir));
            }
            held = lock;
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("harbor-sync.store.path: " + dir.toAbsolutePath() + " cannot be locked for this"
                    + " process (" + e.getMessage() + ")");
        }
    }

    static String inUse(Path dir) {
        return "harbor-sync.store.path: the H2 store " + dir.toAbsolutePath().normalize() + " is in use by another"
                + " harbor-sync process; the H2 store is single-replica: stop the other one, or use PostgreSQL"
                + " (quarkus.datasource.pg.active=true) to run two or more replicas";
    }

    /** For tests: gives the lock back. */
    static synchronized void release() throws IOException {
        if (held != null) {
            held.channel().close();
            held = null;
        }
    }
}
