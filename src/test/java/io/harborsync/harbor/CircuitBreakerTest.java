package io.harborsync.harbor;

import io.harborsync.config.Site;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.CircuitBreaker.State;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A site that keeps failing is left alone: after the threshold calls fail fast without reaching Harbor,
 * as unknown-state errors; after the open period one trial decides. Time comes from a clock the test moves.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class CircuitBreakerTest {
    @RegisterExtension
    static EmulatorExtension h2 = EmulatorExtension.named("h2");

    static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    static final Fault PROJECTS_DOWN = Fault.on("GET", "/api/v2.0/projects.*").status(503);

    final AtomicInteger requests = new AtomicInteger();
    final io.harborsync.emulator.ExchangeListener counter = ex -> requests.incrementAndGet();
    MutableClock clock;
    HarborClient client;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        client = HarborClientFactory.create(new Site("h2", h2.emulator().baseUrl(), "admin", "Harbor12345",
                        Optional.empty(), Optional.empty(), Site.Auth.BASIC), Duration.ofSeconds(2), Duration.ofSeconds(5), 100,
                new CircuitBreaker.Settings(4, Duration.ofSeconds(30)), clock);
        h2.emulator().addExchangeListener(counter);
    }

    @AfterEach
    void tearDown() {
        h2.emulator().removeExchangeListener(counter);
    }

    /** Requests the emulator has answered so far (waits for the listeners of those in flight). */
    private int requestsSeen() {
        assertThat(h2.emulator().awaitIdle(Duration.ofSeconds(5))).isTrue();
        return requests.get();
    }

    private void failUntilOpen() {
        h2.emulator().faults().add(PROJECTS_DOWN);
        // a read is tried twice before it fails: each listing here is two failed requests
        for (int i = 1; i <= 2; i++) {
            assertThrows(HarborException.ServerError.class, client.projects()::list);
            assertThat(client.breakerState().consecutiveFailures()).isEqualTo(2 * i);
        }
        assertThat(client.breakerState().state()).isEqualTo(State.OPEN);
    }

    @Test
    void reachingTheThresholdOpensItAndCallsFailFastWithoutReachingHarbor() {
        failUntilOpen();
        assertThat(client.breakerState().nextTry()).isEqualTo(START.plusSeconds(30));
        int seen = requestsSeen();
        assertThat(seen).isEqualTo(4);

        h2.emulator().faults().clear(); // Harbor is back, but the breaker does not know before the open period ends
        HarborException e = assertThrows(HarborException.CircuitOpen.class, client.projects()::list);
        assertThat(e.isUnknownState()).isTrue();
        assertThat(e.getMessage())
                .isEqualTo("h2: list projects failed CIRCUIT_OPEN: circuit open after 4 failures in a row "
                        + "(last: HTTP 503 UNKNOWN), next try at 2026-03-01T10:00:30Z")
                .doesNotContain("Harbor12345");
        assertThrows(HarborException.CircuitOpen.class, () -> client.projects().create(new ProjectReq("p-open", false, null, null, null, null)));
        clock.advance(Duration.ofSeconds(29));
        assertThrows(HarborException.CircuitOpen.class, client::health);
        assertThat(requestsSeen()).as("nothing reached the emulator while open").isEqualTo(seen);
    }

    @Test
    void afterTheOpenPeriodOneTrialAndItsSuccessClosesIt() {
        failUntilOpen();
        h2.emulator().faults().clear();
        clock.advance(Duration.ofSeconds(30));
        int before = requestsSeen();
        assertThat(client.projects().list()).isNotNull();
        assertThat(requestsSeen()).isEqualTo(before + 1);
        assertThat(client.breakerState()).isEqualTo(new CircuitBreaker.Snapshot(State.CLOSED, 0, null, null));
        client.health();
        assertThat(requestsSeen()).isEqualTo(before + 2);
    }

    @Test
    void aFailedTrialOpensItAgainForAnotherPeriod() {
        failUntilOpen();
        clock.advance(Duration.ofSeconds(31));
        int before = requestsSeen();
        // the trial, still 503: it opens the breaker again, so its retry is not sent and the 503 is what fails
        assertThrows(HarborException.ServerError.class, client.projects()::list);
        assertThat(requestsSeen()).isEqualTo(before + 1);
        CircuitBreaker.Snapshot s = client.breakerState();
        assertThat(s.state()).isEqualTo(State.OPEN);
        assertThat(s.consecutiveFailures()).isEqualTo(5);
        assertThat(s.nextTry()).isEqualTo(START.plusSeconds(61));
        assertThrows(HarborException.CircuitOpen.class, client.projects()::list);
        assertThat(requestsSeen()).isEqualTo(before + 1);
    }

    @Test
    void whileTheTrialRunsOtherCallsFailFast() throws Exception {
        failUntilOpen();
        h2.emulator().faults().clear();
        clock.advance(Duration.ofSeconds(30));
        String p = "p-" + UUID.randomUUID().toString().substring(0, 8);
        // a slow trial: the second caller must not become a second trial
        h2.emulator().faults().add(Fault.on("POST", "/api/v2.0/projects").delay(Duration.ofMillis(800)).times(1));
        var trial = java.util.concurrent.CompletableFuture.runAsync(
                () -> client.projects().create(new ProjectReq(p, false, null, null, null, null)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> client.breakerState().state() == State.HALF_OPEN);
        HarborException e = assertThrows(HarborException.CircuitOpen.class, client::health);
        assertThat(e.getMessage()).contains("a trial call is running");
        trial.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(client.breakerState().state()).isEqualTo(State.CLOSED);
        assertThat(client.projects().exists(p)).isTrue();
    }

    @Test
    void notFoundAndConflictAreAnswersNotFailures() {
        String p = "p-" + UUID.randomUUID().toString().substring(0, 8);
        client.projects().create(new ProjectReq(p, false, null, null, null, null));
        h2.emulator().faults().add(PROJECTS_DOWN);
        assertThrows(HarborException.ServerError.class, client.projects()::list); // two failed requests
        // a 404 and a 409 are Harbor telling us something: the run of failures is broken, it stays closed
        assertThrows(HarborException.NotFound.class, () -> client.projects().delete("no-such-" + p));
        assertThat(client.breakerState().consecutiveFailures()).isZero();
        assertThrows(HarborException.ServerError.class, client.projects()::list);
        assertThrows(HarborException.Conflict.class, () -> client.projects().create(new ProjectReq(p, false, null, null, null, null)));
        assertThat(client.breakerState().consecutiveFailures()).isZero();
        for (int i = 0; i < 10; i++) {
            assertThrows(HarborException.NotFound.class, () -> client.projects().delete("no-such-" + p));
        }
        assertThat(client.breakerState().state()).isEqualTo(State.CLOSED);
    }

    @Test
    void droppedConnectionsAndAuthFailuresCount() {
        h2.emulator().faults().add(Fault.on("GET", "/api/v2.0/health").dropConnection().times(2));
        h2.emulator().faults().add(Fault.on("GET", "/api/v2.0/systeminfo").status(401).times(1));
        assertThrows(HarborException.Unreachable.class, client::health);
        assertThrows(HarborException.Unreachable.class, client::health);
        assertThrows(HarborException.Unauthorized.class, client::systemInfo);
        assertThrows(HarborException.Forbidden.class, () -> {
            h2.emulator().faults().add(Fault.on("GET", "/api/v2.0/health").status(403).times(1));
            client.health();
        });
        assertThat(client.breakerState().state()).isEqualTo(State.OPEN);
        assertThat(client.breakerState().lastFailure()).isEqualTo("HTTP 403 FORBIDDEN");
    }
}
