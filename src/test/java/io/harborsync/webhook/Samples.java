package io.harborsync.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Harbor's webhook samples, read from ../shared/harbor/webhook-samples (system property harbor.samples). */
final class Samples {
    private Samples() {
    }

    static Path dir() {
        String p = System.getProperty("harbor.samples", "../shared/harbor/webhook-samples");
        return Path.of(p);
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("webhook sample " + name + " not found under " + dir().toAbsolutePath()
                    + " (set -Dharbor.samples)", e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), java.nio.charset.StandardCharsets.UTF_8);
    }
}
