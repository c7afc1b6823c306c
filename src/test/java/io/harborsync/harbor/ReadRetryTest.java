package io.harborsync.harbor;

import io.harborsync.config.Site;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.MutableClock;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A read that meets a transient failure (5xx, dropped connection) is sent once more before the resource is
 * unknown; a write never is, and neither is an answer about the resource or about our credentials.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class ReadRetryTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    final List<String> seen = new CopyOnWriteArrayList<>();
    final io.harborsync.emulator.ExchangeListener recorder = ex -> seen.add(ex.method() + " " + ex.rawPath() + " " + ex.status());
    HarborClient client;
    String project;

    @BeforeEach
    void setUp() {
        client = HarborClientFactory.create(new Site("h1", h1.emulator().baseUrl(), "admin", "Harbor12345",
                        Optional.empty(), Optional.empty(), Site.Auth.BASIC), Duration.ofSeconds(2), Duration.ofSeconds(5), 100,
                new CircuitBreaker.Settings(10, Duration.ofSeconds(30)), new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
        project = "r-" + UUID.randomUUID().toString().substring(0, 8);
        client.projects().create(new ProjectReq(project, false, null, null, null, null));
        h1.emulator().addExchangeListener(recorder);
    }

    @AfterEach
    void tearDown() {
        h1.emulator().removeExchangeListener(recorder);
        h1.emulator().faults().clear();
    }

    private List<String> exchanges() {
        assertThat(h1.emulator().awaitIdle(Duration.ofSeconds(5))).isTrue();
        return List.copyOf(seen);
    }

    @Test
    void aPageThatFailsOnceIsReadAgain() {
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/projects/" + project + "/members").status(503).times(1));
        assertThat(client.members().list(project)).isNotEmpty();
        assertThat(exchanges()).filteredOn(x -> x.contains("/members"))
                .containsExactly("GET /api/v2.0/projects/" + project + "/members 503",
                        "GET /api/v2.0/projects/" + project + "/members 200");
        assertThat(client.breakerState().consecutiveFailures()).isZero();
    }

    @Test
    void aDroppedConnectionOnAGetIsSentAgain() {
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/projects/" + project + "/metadatas/?").dropConnection().times(1));
        assertThat(client.projects().metadata(project)).isNotNull();
        assertThat(exchanges()).filteredOn(x -> x.contains("/metadatas")).hasSize(2);
    }

    @Test
    void twoFailuresInARowMakeTheReadFailWithTheLastOne() {
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/projects/" + project + "/members").status(502).times(1));
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/projects/" + project + "/members").status(503).times(1));
        HarborException e = assertThrows(HarborException.ServerError.class, () -> client.members().list(project));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.isUnknownState()).isTrue();
        assertThat(exchanges()).filteredOn(x -> x.contains("/members")).hasSize(2);
    }

    @Test
    void aWriteIsNeverSentTwice() {
        h1.emulator().faults().add(Fault.on("PUT", "/api/v2.0/projects/" + project).status(503).times(1));
        assertThrows(HarborException.ServerError.class,
                () -> client.projects().updateSettings(project, java.util.Map.of("severity", "high"), null));
        assertThat(exchanges()).filteredOn(x -> x.startsWith("PUT ")).hasSize(1);
    }

    @Test
    void anAnswerAboutTheResourceOrTheCredentialsIsNotRetried() {
        assertThat(client.projects().find("no-such-" + project)).isEmpty();
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/projects/" + project + "/members").status(401).times(1));
        assertThrows(HarborException.Unauthorized.class, () -> client.members().list(project));
        assertThat(exchanges()).filteredOn(x -> x.startsWith("GET ")).hasSize(2);
    }
}
