package io.harborsync.emulator;

import io.harborsync.testsupport.HarborSpec;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** A listener that throws does not break the emulator, and its failure is logged, not swallowed. */
class ExchangeListenerFailureTest {

    @Test
    void aFailingListenerIsLoggedAndTheClientStillGetsItsAnswer() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) lines.add(r.getLoggerName() + " " + java.text.MessageFormat.format(r.getMessage(), r.getParameters() == null ? new Object[0] : r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        HarborSpec.validator(); // the suite-wide check loads the spec on the first exchange otherwise (seconds)
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (HarborEmulator e = HarborEmulator.start(EmulatorOptions.defaults("h1"))) {
            e.addExchangeListener(ex -> {
                throw new IllegalStateException("validator crashed");
            });
            PlainHarborHttp c = new PlainHarborHttp(e);
            assertThat(c.get("projects?page=1").statusCode()).isEqualTo(200);
            assertThat(c.get("ping").statusCode()).isEqualTo(200);
        } finally {
            root.removeHandler(capture);
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(HarborEmulator.class.getName())
                .contains("Harbor emulator h1: exchange listener").contains("failed on GET /api/v2.0/projects")
                .contains("java.lang.IllegalStateException: validator crashed")
                .doesNotContain("Authorization").doesNotContain("Basic "));
    }
}
