package io.harborsync.config;

import io.harborsync.HarborSyncMain;
import io.harborsync.testsupport.JavaProcess;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configuration value of the wrong form (a duration like {@code soon}, a number like {@code abc}, a boolean like
 * {@code maybe}, a conflict policy like {@code whatever}, a URL that is none) stops the daemon and the commands that
 * use the configuration before Quarkus starts: one line naming the property and what it must be, exit code 2,
 * never the value itself and never a stack trace.
 */
class ConfigValueErrorsTest {

    /** property, wrong value, what the line says after the property name. */
    record Wrong(String property, String value, String says) {
        @Override
        public String toString() {
            return property + "=" + value;
        }
    }

    static Stream<Wrong> wrongValues() {
        return Stream.of(
                new Wrong("harbor-sync.http.connect-timeout", "soon", "must be a duration such as 500ms, 30s, 5m"),
                new Wrong("harbor-sync.http.breaker.open-for", "30 secs", "must be a duration"),
                new Wrong("harbor-sync.reconcile.interval", "soon", "must be off or a duration such as 30s, 5m or 1h"),
                new Wrong("harbor-sync.audit.interval", "every minute", "must be off or a duration"),
                new Wrong("harbor-sync.inbox.retry-interval", "never", "must be off or a duration"),
                // @Scheduled's scheduler looks at its triggers once a second: a shorter period would run once a second
                new Wrong("harbor-sync.reconcile.interval", "500ms", "must be off or a duration of at least 1s"),
                new Wrong("harbor-sync.inbox.retry-interval", "999ms", "must be off or a duration of at least 1s"),
                new Wrong("harbor-sync.ha.inbox-poll", "250ms", "must be off or a duration of at least 1s"),
                new Wrong("harbor-sync.proxy.failover.interval", "100ms", "must be a duration of at least 1s"),
                new Wrong("harbor-sync.audit.interval", "0ms", "must be off or a duration"),
                new Wrong("harbor-sync.http.page-size", "abc", "must be a whole number"),
                new Wrong("harbor-sync.inbox.max-pending", "10k", "must be a whole number"),
                new Wrong("harbor-sync.demo.h1-port", "18081.5", "must be a whole number"),
                new Wrong("harbor-sync.guard.max-delete-fraction", "a quarter", "must be a number"),
                new Wrong("harbor-sync.proxy.failover.enabled", "maybe", "must be true or false"),
                new Wrong("harbor-sync.proxy.failover.threshold", "three", "must be a whole number"),
                new Wrong("harbor-sync.proxy.failover.interval", "soon", "must be a duration"),
                new Wrong("harbor-sync.proxy.kubernetes.enabled", "si", "must be true or false"),
                new Wrong("harbor-sync.daemon.enabled", "maybe", "must be true or false"),
                new Wrong("harbor-sync.conflict-policy", "whatever", "must be active-site, newest, site:<name> or report-only"),
                new Wrong("harbor-sync.webhook.url", "harbor-sync:8080", "must be an http:// or https:// URL with a host"),
                new Wrong("harbor-sync.sites.h1.url", "core.h1.harbor.domain", "must be an http:// or https:// URL"),
                new Wrong("harbor-sync.sites.h1.auth", "cookie", "must be one of auto, basic, session"),
                new Wrong("harbor-sync.http.session-idle-timeout", "half an hour", "must be a duration"),
                new Wrong("harbor-sync.bootstrap.replication-url.h2", "not a url", "must be an http:// or https:// URL"),
                new Wrong("harbor-sync.lab.ready-timeout", "5 minutes", "must be a duration"),
                new Wrong("harbor-sync.members.group-type", "ldap", "must be a whole number"),
                new Wrong("harbor-sync.http.read-timeout", "${no.such.property}", "refers to a property that is not set"),
                new Wrong("quarkus.http.port", "http", "must be a whole number"),
                new Wrong("quarkus.datasource.pg.active", "yes please", "must be true or false"));
    }

    static Config config(Map<String, String> values) {
        return ConfigUtils.configBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }

    record Run(OptionalInt exit, String out, String err) {
    }

    static Run run(Map<String, String> values, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Config config = config(values);
        OptionalInt exit = HarborSyncMain.beforeQuarkus(args, () -> config, new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongValues")
    void theDaemonAndTheCommandsStopWithOneLineNamingTheProperty(Wrong w) {
        for (String[] args : List.of(new String[0], new String[]{"bootstrap", "--dry-run"}, new String[]{"lab", "up"})) {
            Run r = run(Map.of(w.property(), w.value()), args);
            assertThat(r.exit()).as(String.join(" ", args)).hasValue(HarborSyncMain.CONFIG_ERROR);
            assertThat(r.err()).startsWith("configuration error: " + w.property() + " " + w.says())
                    .endsWith("\n").doesNotContain("Exception", "\tat ");
            assertThat(r.err().strip()).as("one line").doesNotContain("\n");
            assertThat(r.err().substring(r.err().indexOf(w.property()) + w.property().length()))
                    .as("the value is not repeated").doesNotContain(w.value());
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void valuesOfTheRightFormPassAndQuarkusStarts() {
        Map<String, String> fine = Map.ofEntries(
                Map.entry("harbor-sync.http.connect-timeout", "PT5S"),
                Map.entry("harbor-sync.http.read-timeout", "45s"),
                Map.entry("harbor-sync.http.breaker.open-for", "2m"),
                Map.entry("harbor-sync.reconcile.interval", "off"),
                Map.entry("harbor-sync.audit.interval", "250ms"), // the audit-log tail's own timer goes below a second
                Map.entry("harbor-sync.inbox.retry-interval", "1s"),
                Map.entry("harbor-sync.ha.inbox-poll", "1000ms"),
                Map.entry("harbor-sync.proxy.failover.interval", "2s"),
                Map.entry("harbor-sync.http.page-size", " 50 "),
                Map.entry("harbor-sync.guard.max-delete-fraction", "0.5"),
                Map.entry("harbor-sync.proxy.failover.enabled", "TRUE"),
                Map.entry("harbor-sync.proxy.kubernetes.enabled", "false"),
                Map.entry("harbor-sync.conflict-policy", "site:h2"),
                Map.entry("harbor-sync.webhook.url", "http://harbor-sync.harbor-sync.svc:8080"),
                Map.entry("harbor-sync.sites.h1.url", "https://core.h1.harbor.domain"),
                Map.entry("harbor-sync.sites.h1.password", "abc"),
                Map.entry("harbor-sync.sites.h1.auth", "Session"),
                Map.entry("harbor-sync.http.session-idle-timeout", "20m"),
                Map.entry("harbor-sync.bootstrap.replication-url.h2", "https://h2.example:8443"),
                Map.entry("harbor-sync.lab.ready-timeout", "10m"),
                Map.entry("harbor-sync.proxy-cache.registries", "docker.io,ghcr.io"),
                Map.entry("quarkus.http.port", "18080"));
        for (String[] args : List.of(new String[0], new String[]{"bootstrap"})) {
            Run r = run(fine, args);
            assertThat(r.exit()).as(r.err()).isEmpty();
            assertThat(r.err()).isEmpty();
        }
        assertThat(ConfigCheck.problems(config(fine), io.harborsync.HarborSyncMain.CONFIG_MAPPINGS)).isEmpty();
    }

    @Test
    void everyWrongValueIsReportedInNameOrder() {
        Map<String, String> values = Map.of("harbor-sync.http.page-size", "abc", "harbor-sync.audit.interval", "soon",
                "harbor-sync.proxy.failover.enabled", "maybe");
        assertThat(ConfigCheck.problems(config(values), io.harborsync.HarborSyncMain.CONFIG_MAPPINGS)).containsExactly(
                "harbor-sync.audit.interval must be off or a duration such as 30s, 5m or 1h",
                "harbor-sync.http.page-size must be a whole number",
                "harbor-sync.proxy.failover.enabled must be true or false");
    }

    @Test
    void aDaemonCommandDoesNotNeedTheConfigurationToBeRight() {
        Run r = run(Map.of("harbor-sync.http.page-size", "abc"), "status", "--help");
        assertThat(r.exit()).hasValue(0);
        assertThat(r.out()).contains("--url");
    }

    /** The real main, as its own JVM: system properties and environment variables are read, System.exit(2). */
    @Test
    void mainExitsWith2AndOneLine() throws Exception {
        JavaProcess.Result daemon = JavaProcess.run("io.harborsync.HarborSyncMain",
                Map.of("harbor-sync.reconcile.interval", "soon", "harbor-sync.sites.h1.password", "do-not-print-me"),
                Map.of(), 120);
        assertThat(daemon.exit()).as(daemon.err()).isEqualTo(2);
        assertThat(daemon.err()).isEqualTo("configuration error: harbor-sync.reconcile.interval must be off or a"
                + " duration such as 30s, 5m or 1h\n");
        assertThat(daemon.out()).isEmpty();

        JavaProcess.Result command = JavaProcess.run("io.harborsync.HarborSyncMain", Map.of(),
                Map.of("HARBOR_SYNC_HTTP_PAGE_SIZE", "abc"), 120, "bootstrap", "--dry-run");
        assertThat(command.exit()).as(command.err()).isEqualTo(2);
        assertThat(command.err()).isEqualTo("configuration error: harbor-sync.http.page-size must be a whole number\n");
        assertThat(command.out()).isEmpty();
    }
}
