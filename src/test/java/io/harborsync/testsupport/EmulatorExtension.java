package io.harborsync.testsupport;

import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.UnaryOperator;

/**
 * {@code @RegisterExtension static EmulatorExtension h1 = EmulatorExtension.named("h1");} starts one emulator with a
 * {@link SpecGuard} for the test class and fails a test that caused spec violations.
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    private final EmulatorOptions options;
    private final SpecGuard guard = new SpecGuard();
    private HarborEmulator emulator;

    private EmulatorExtension(EmulatorOptions options) {
        this.options = options;
    }

    public static EmulatorExtension named(String name) {
        return new EmulatorExtension(EmulatorOptions.defaults(name));
    }

    public static EmulatorExtension named(String name, UnaryOperator<EmulatorOptions> customize) {
        return new EmulatorExtension(customize.apply(EmulatorOptions.defaults(name)));
    }

    public HarborEmulator emulator() {
        if (emulator == null) throw new IllegalStateException("emulator not started (register the extension as static)");
        return emulator;
    }

    public SpecGuard guard() { return guard; }

    /** A plain JDK client for this emulator, authenticated as admin. */
    public PlainHarborHttp client() { return new PlainHarborHttp(emulator()); }

    @Override
    public void beforeAll(ExtensionContext context) {
        HarborSpec.validator(); // load before the first test so its time is not charged to a timeout
        emulator = HarborEmulator.start(options);
        guard.attachTo(emulator);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (context.getExecutionException().isEmpty()) guard.assertClean();
        } finally {
            guard.reset();
            emulator.faults().clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (emulator != null) emulator.close();
        emulator = null;
    }
}
