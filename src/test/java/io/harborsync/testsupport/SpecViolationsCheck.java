package io.harborsync.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Used through {@link HarborSpecChecked}: fails a test during which any emulator saw a request or gave
 * an answer outside Harbor's swagger.yaml.
 */
public final class SpecViolationsCheck implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        GlobalSpecGuard.drain(); // what happened between tests belongs to no test
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
