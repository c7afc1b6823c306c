package io.harborsync.cli;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;
import io.harborsync.sites.Sites;
import io.harborsync.testsupport.CliRun;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code harbor-sync webhook-policies set-auth-header PROJECT NAME} against the running daemon (demo mode): the header
 * read from standard input lands on both sites and is printed nowhere; no input, an unknown policy and wrong
 * arguments are one line and exit 2.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class WebhookPoliciesCommandTest {
    @Inject
    Sites sites;
    @Inject
    CommandLine.IFactory factory;
    @TestHTTPResource("/")
    URL daemon;

    String p;
    InputStream stdin;

    @BeforeEach
    void setUp() {
        p = "clihook-" + UUID.randomUUID().toString().substring(0, 8);
        stdin = System.in;
        for (String site : List.of("h1", "h2")) {
            HarborClient c = sites.client(site);
            c.projects().create(new ProjectReq(p, false, null, null, null, null));
            c.webhookPolicies().create(p, new WebhookPolicy(null, "deploy hook", "", null,
                    List.of(new WebhookTarget("http", "http://cd.example.com/hook", null, false, "Default")),
                    List.of("PUSH_ARTIFACT"), true));
        }
    }

    @AfterEach
    void tearDown() {
        System.setIn(stdin);
    }

    CliRun admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", daemon.toString(), "--token", "test-admin-token"));
        return CliRun.of(io.harborsync.HarborSyncMain.commandLine(factory), all.toArray(String[]::new));
    }

    private static void stdin(String text) {
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theHeaderFromStandardInputLandsOnEverySiteAndIsNotPrinted() {
        String header = "Bearer cli-" + UUID.randomUUID();
        stdin(header + "\n");

        CliRun set = admin("webhook-policies", "set-auth-header", p, "deploy hook");

        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("auth header of webhook policy deploy hook in " + p + " set on h1, h2\n");
        assertThat(set.out() + set.err()).doesNotContain(header);
        for (String site : List.of("h1", "h2")) {
            assertThat(sites.client(site).webhookPolicies().find(p, "deploy hook").orElseThrow().targets().get(0)
                    .authHeader()).isEqualTo(header);
        }

        stdin(header + "\n");
        CliRun json = admin("webhook-policies", "set-auth-header", p, "deploy hook", "-o", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"complete\" : true").doesNotContain(header);
    }

    @Test
    void noInputAnUnknownPolicyAndWrongArgumentsAreOneLineAndExit2() {
        stdin("");
        CliRun empty = admin("webhook-policies", "set-auth-header", p, "deploy hook");
        assertThat(empty.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(empty.err()).contains("no secret on standard input");

        stdin("Bearer x\n");
        CliRun unknown = admin("webhook-policies", "set-auth-header", p, "nope");
        assertThat(unknown.exit()).as("the daemon's 404 is a refused argument").isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err().strip()).contains("nope").doesNotContain("\n").doesNotContain("Bearer x");

        for (String[] args : List.of(new String[]{"webhook-policies"},
                new String[]{"webhook-policies", "set-auth-header", p})) {
            CliRun r = admin(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err().strip()).startsWith("harbor-sync webhook-policies").doesNotContain("\n");
            assertThat(r.out()).isEmpty();
        }
    }
}
