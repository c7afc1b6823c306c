package io.harborsync.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The application's own classes of a package (and its sub-packages), found on disk in the main output
 * directory: tests that must cover "every endpoint" or "every configuration interface" discover them
 * here, so that a new one cannot be forgotten. Test classes (target/test-classes) are not included.
 */
public final class MainClasses {
    private MainClasses() {
    }

    public static List<Class<?>> in(String packageName) {
        Path root = root();
        Path dir = root.resolve(packageName.replace('.', '/'));
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(root::relativize).map(Path::toString)
                    .filter(f -> f.endsWith(".class") && !f.contains("$") && !f.endsWith("package-info.class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
                    .sorted().<Class<?>>map(MainClasses::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Maven's main output directory (the tests run with the project directory as working directory). */
    private static Path root() {
        Path dir = Path.of("target", "classes");
        if (!Files.isDirectory(dir.resolve("io/harborsync"))) {
            throw new IllegalStateException("no compiled main classes under " + dir.toAbsolutePath());
        }
        return dir;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, MainClasses.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
