package io.harborsync.testsupport;

import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.ExchangeListenerFactory;
import io.harborsync.emulator.RecordedExchange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Watches every emulator any test starts (named by a surefire system property, so the daemon's demo
 * emulators inside a Quarkus test are watched too) and records each spec violation where
 * {@link SpecViolationsCheck} reads it after every test. The emulator reports an exchange before it
 * answers, so a violation is always recorded before the test that caused it goes on.
 *
 * <p>The record is a string system property: Quarkus tests load classes in more than one class loader,
 * so a static field would not be shared, and libraries copy the system properties expecting strings only.
 */
public final class GlobalSpecGuard implements ExchangeListenerFactory {
    private static final String KEY = "harbor-sync-test.spec-violations";

    @Override
    public ExchangeListener listenerFor(String emulatorName) {
        return listener(emulatorName, SpecGuard::check);
    }

    /** Records what {@code check} finds; a check that throws is recorded as a violation, not lost. */
    static ExchangeListener listener(String emulatorName, Function<RecordedExchange, List<SpecGuard.Violation>> check) {
        return ex -> {
            List<?> found;
            try {
                found = check.apply(ex);
            } catch (RuntimeException | Error e) {
                found = List.of(ex.method() + " " + ex.rawPath() + ": the Harbor spec check could not run: " + e);
            }
            found.forEach(v -> record(emulatorName + ": " + v));
        };
    }

    private static void record(String violation) {
        synchronized (System.getProperties()) {
            String old = System.getProperty(KEY, "");
            System.setProperty(KEY, old + violation.replace('\n', ' ') + "\n");
        }
    }

    /** Removes the recorded violations whose text contains {@code fragment} (see SpecGuard.expectViolation). */
    static void forget(String fragment) {
        synchronized (System.getProperties()) {
            List<String> keep = new ArrayList<>(drain());
            keep.removeIf(v -> v.contains(fragment));
            if (!keep.isEmpty()) System.setProperty(KEY, String.join("\n", keep) + "\n");
        }
    }

    /** Takes and clears what was recorded so far. */
    public static List<String> drain() {
        synchronized (System.getProperties()) {
            String all = System.getProperty(KEY, "");
            System.clearProperty(KEY);
            return all.isEmpty() ? List.of() : Arrays.asList(all.split("\n"));
        }
    }
}
