package io.harborsync.testsupport;

import io.harborsync.emulator.ExchangeListenerFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Registered for every test class by JUnit's extension autodetection
 * (src/test/resources/META-INF/services/org.junit.jupiter.api.extension.Extension; autodetection is switched on
 * by surefire's configuration parameters and by Quarkus's own junit-platform.properties): fails a test during
 * which any emulator in the JVM (the daemon's demo emulators included) saw a request or gave an answer outside
 * Harbor's swagger.yaml, or could not be checked at all. Violations recorded between two tests (background
 * traffic after one ended) are reported by the next one rather than dropped. A class annotated
 * {@link SpecViolationsExpected} is not failed for them.
 */
public final class SpecViolationsCheck implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        // Outside surefire (an IDE run) nobody named the factory: without it emulators would go unchecked.
        if (System.getProperty(ExchangeListenerFactory.PROPERTY, "").isBlank()) {
            System.setProperty(ExchangeListenerFactory.PROPERTY, GlobalSpecGuard.class.getName());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> v = GlobalSpecGuard.drain();
        boolean expected = context.getRequiredTestClass().isAnnotationPresent(SpecViolationsExpected.class);
        if (!v.isEmpty() && !expected && context.getExecutionException().isEmpty()) {
            throw new AssertionError(v.size() + " Harbor spec violation(s) during this test:\n  "
                    + String.join("\n  ", v));
        }
    }
}
