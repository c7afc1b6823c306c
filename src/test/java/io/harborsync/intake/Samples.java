package io.harborsync.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Harbor's webhook payloads, the project's own test data on the test class path (src/test/resources/webhook-samples):
 * hand-made ones and the {@code real-*} ones captured from a real Harbor v2.15.2 (see the README there).
 */
public final class Samples {
    public static final String DIR = "webhook-samples/";

    private Samples() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Samples.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalArgumentException("no webhook sample " + name + " under src/test/resources/" + DIR);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read webhook sample " + name, e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
