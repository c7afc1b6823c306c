package io.harborsync.sync;

import io.harborsync.model.Scope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.emulator.Fault;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.logging.json.runtime.JsonFormatter;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each applied or failed operation is one log line whose MDC names its site, kind and key, so that JSON logs
 * (quarkus.log.console.json.enabled=true, formatted by Quarkus' JsonFormatter) carry them as fields; the fields are
 * cleared after the operation.
 */
@io.quarkus.test.junit.QuarkusTest // the Harbor client is a Quarkus REST client
@io.harborsync.testsupport.HarborSpecChecked
class OperationLogTest {
    static final class Capture extends Handler {
        final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            ExtLogRecord ext = (ExtLogRecord) r;
            ext.copyMdc(); // as an async handler would: the fields as they were when the line was logged
            records.add(ext);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    final Capture capture = new Capture();
    final Logger logger = Logger.getLogger(PlanExecutor.class.getName());
    SyncFixture f;

    @BeforeEach
    void setUp() {
        logger.addHandler(capture);
        logger.setLevel(Level.INFO);
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(capture);
        if (f != null) {
            f.close();
        }
    }

    ExtLogRecord line(String prefix) {
        return capture.records.stream().filter(r -> r.getFormattedMessage().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line '" + prefix + "...' in "
                        + capture.records.stream().map(ExtLogRecord::getFormattedMessage).toList()));
    }

    @Test
    void anAppliedAndAFailedOperationAreLoggedWithSiteKindAndKey() throws Exception {
        f.emulators.values().forEach(e -> e.addUser("dora"));
        f.client("h1").projects().create(new ProjectReq("logs-a", false, null, null, null, null));
        f.client("h1").members().add("logs-a", new MemberReq(2, new UserEntity(null, "dora"), null));
        // the member's copy on h2 fails: its add answers 500
        f.emulator("h2").faults().add(Fault.on("POST", "/api/v2.0/projects/logs-a/members").status(500));

        SyncReport r = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        assertThat(r.failed()).extracting(SyncReport.Item::key).contains("logs-a/u:dora");

        ExtLogRecord applied = line("applied create project logs-a on h2");
        assertThat(applied.getLevel()).isEqualTo(org.jboss.logmanager.Level.INFO);
        assertThat(applied.getMdc(PlanExecutor.MDC_SITE)).isEqualTo("h2");
        assertThat(applied.getMdc(PlanExecutor.MDC_KIND)).isEqualTo("project");
        assertThat(applied.getMdc(PlanExecutor.MDC_KEY)).isEqualTo("logs-a");

        ExtLogRecord failed = line("failed create member logs-a/u:dora on h2");
        assertThat(failed.getLevel()).isEqualTo(org.jboss.logmanager.Level.WARN);
        assertThat(failed.getMdc(PlanExecutor.MDC_KEY)).isEqualTo("logs-a/u:dora");
        assertThat(failed.getMdc(PlanExecutor.MDC_KIND)).isEqualTo("member");

        assertThat(MDC.get(PlanExecutor.MDC_SITE)).as("cleared after the operation").isNull();
        assertThat(MDC.get(PlanExecutor.MDC_KEY)).isNull();

        // what the daemon writes with quarkus.log.console.json.enabled=true
        String json = new JsonFormatter().format(applied);
        JsonNode l = new ObjectMapper().readTree(json);
        assertThat(json.strip()).as("one line").doesNotContain("\n");
        assertThat(l.path("message").asText()).startsWith("applied create project logs-a on h2");
        assertThat(l.path("mdc").path("site").asText()).isEqualTo("h2");
        assertThat(l.path("mdc").path("kind").asText()).isEqualTo("project");
        assertThat(l.path("mdc").path("key").asText()).isEqualTo("logs-a");
        for (ExtLogRecord rec : capture.records) {
            assertThat(new JsonFormatter().format(rec)).as("no secret in a log line").doesNotContain("Harbor12345");
        }
    }

    @Test
    void aDryRunAppliesAndLogsNothing() {
        f.client("h1").projects().create(new ProjectReq("logs-b", false, null, null, null, null));
        SyncReport r = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, true, false);
        assertThat(r.planned()).isNotEmpty();
        assertThat(capture.records).isEmpty();
    }
}
