package io.harborsync.harbor;

import io.harborsync.config.Site;
import io.harborsync.testsupport.EmulatorExtension;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * However many threads of the daemon talk to a site, no more than harbor-sync.http.max-concurrency
 * requests are in flight to it at once; the rest wait for a slot and still succeed.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class SiteConcurrencyTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    static final int CALLERS = 16;
    static final Duration LATENCY = Duration.ofMillis(150);
    final ExecutorService callers = Executors.newFixedThreadPool(CALLERS);

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
        h1.emulator().faults().latency(Duration.ZERO);
    }

    private int peakWith(int maxConcurrency) {
        HarborClient client = HarborClientFactory.create(new Site("h1", h1.emulator().baseUrl(), "admin", "Harbor12345",
                        Optional.empty(), Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(10), 100,
                maxConcurrency, CircuitBreaker.Settings.OFF, Clock.systemUTC());
        // Each request takes a while, so 16 callers at once would overlap without a bound.
        h1.emulator().faults().latency(LATENCY);
        assertThat(h1.emulator().awaitIdle(Duration.ofSeconds(5))).isTrue();
        h1.emulator().resetPeakConcurrency();
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> client.projects().list().size(), callers));
        }
        calls.forEach(c -> assertThat(c.join()).isNotNegative());
        return h1.emulator().peakConcurrency();
    }

    @Test
    void requestsToOneSiteNeverExceedTheBound() {
        assertThat(peakWith(3)).isEqualTo(3);
    }

    @Test
    void aHigherBoundLetsMoreThroughSoTheBoundIsWhatLimits() {
        int low = peakWith(3);
        int high = peakWith(6);
        assertThat(low).isEqualTo(3);
        assertThat(high).isGreaterThan(3).isLessThanOrEqualTo(6);
        io.harborsync.testsupport.ReliabilityFigures.record("site-concurrency", "harbor.SiteConcurrencyTest",
                java.util.Map.of("callers", CALLERS, "latencyMs", LATENCY.toMillis(), "lowBound", 3,
                        "peakAtLowBound", low, "highBound", 6, "peakAtHighBound", high));
    }

    @Test
    void aBoundBelowOneIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                HarborClientFactory.create(new Site("h1", h1.emulator().baseUrl(), "admin", "x", Optional.empty(),
                        Optional.empty()), Duration.ofSeconds(1), Duration.ofSeconds(1), 100, 0,
                        CircuitBreaker.Settings.OFF, Clock.systemUTC()));
    }
}
