package io.harborsync.testsupport;

import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.ExchangeListenerFactory;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.RecordedExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The suite-wide spec check covers test classes that carry no annotation at all, and a check that cannot run
 * fails the test instead of passing it unchecked. The sample classes below run in-process through JUnit's
 * EngineTestKit (only from here: they are enabled by a property set around that run).
 */
class SpecGuardCoverageTest {
    private static final String SAMPLE = "harbor-sync-test.coverage-sample";

    /** No annotation, no extension: just an emulator and a client, as any new test might be written. */
    @EnabledIfSystemProperty(named = SAMPLE, matches = "on")
    static class UnannotatedSample {
        static HarborEmulator emulator;

        @BeforeAll
        static void start() {
            HarborSpec.validator(); // loading the spec takes seconds: not inside a request's timeout
            emulator = HarborEmulator.start(EmulatorOptions.defaults("sample"));
        }

        @AfterAll
        static void stop() {
            emulator.close();
        }

        @Test
        void sendsARequestHarborsSpecForbids() {
            new PlainHarborHttp(emulator).get("projects?page_size=abc");
        }

        @Test
        void sendsOnlyWhatTheSpecAllows() {
            new PlainHarborHttp(emulator).get("projects?page_size=10");
        }
    }

    @SpecViolationsExpected
    @EnabledIfSystemProperty(named = SAMPLE, matches = "on")
    static class ExpectedSample extends UnannotatedSample {
    }

    private static EngineExecutionResults run(Class<?> sample) {
        System.setProperty(SAMPLE, "on");
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample))
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .execute();
        } finally {
            System.clearProperty(SAMPLE);
        }
    }

    private static String failure(Event e) {
        return e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("");
    }

    @Test
    void aViolationFailsATestOfAnUnannotatedClass() {
        assertThat(System.getProperty(ExchangeListenerFactory.PROPERTY)).isEqualTo(GlobalSpecGuard.class.getName());
        EngineExecutionResults r = run(UnannotatedSample.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        List<Event> failed = r.testEvents().failed().list();
        assertThat(failed.get(0).getTestDescriptor().getDisplayName()).startsWith("sendsARequestHarborsSpecForbids");
        assertThat(failure(failed.get(0))).contains("1 Harbor spec violation(s) during this test")
                .contains("sample: GET /api/v2.0/projects?page_size=abc");
    }

    @Test
    void aClassThatExpectsViolationsIsNotFailedForThem() {
        run(ExpectedSample.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    }

    @Test
    void aSpecThatCannotLoadIsAViolationNotASilentPass() {
        RecordedExchange ex = new RecordedExchange("GET", "/api/v2.0/projects", null, Map.of(), new byte[0], 200,
                Map.of(), "[]".getBytes());
        List<SpecGuard.Violation> v = SpecGuard.check(ex, () -> {
            throw new IllegalStateException("Harbor's swagger.yaml not found at /nowhere");
        });
        assertThat(v).singleElement().hasToString("GET /api/v2.0/projects: the Harbor spec check could not run:"
                + " java.lang.IllegalStateException: Harbor's swagger.yaml not found at /nowhere");

        GlobalSpecGuard.listener("h9", x -> {
            throw new NoClassDefFoundError("com/atlassian/oai/validator/OpenApiInteractionValidator");
        }).onExchange(ex);
        assertThat(GlobalSpecGuard.drain()).singleElement().asString()
                .startsWith("h9: GET /api/v2.0/projects: the Harbor spec check could not run: java.lang.NoClassDefFoundError");
    }

    @Test
    void expectViolationAlsoClearsTheSuiteWideRecord() {
        HarborSpec.validator();
        try (HarborEmulator e = HarborEmulator.start(EmulatorOptions.defaults("expecting"))) {
            SpecGuard guard = new SpecGuard().attachTo(e);
            new PlainHarborHttp(e).get("projects?page=x");
            new PlainHarborHttp(e).get("projects?page_size=y");
            guard.expectViolation("page=x");
            // the suite-wide record keeps what was not expected, so this test would still fail for page_size=y
            assertThat(GlobalSpecGuard.drain()).singleElement().asString().contains("page_size=y");
        }
    }
}
