package io.harborsync.proxy;

import io.harborsync.proxy.ProxySwitch.Reason;
import io.harborsync.proxy.ProxySwitch.Switch;
import io.harborsync.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Automatic failover with a fake clock and scripted health: switches once, does not flap. */
class FailoverTest {
    static final Duration TICK = Duration.ofSeconds(15);
    static final Duration DWELL = Duration.ofMinutes(10);

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final Map<String, Boolean> up = new HashMap<>(Map.of("h1", true, "h2", true));
    final RecordingBackend backend = new RecordingBackend();
    final ProxySwitch proxy = new ProxySwitch(List.of("h1", "h2"), "h1", backend, clock);

    Failover failover(boolean failback) {
        return new Failover(proxy, up::get, new Failover.Settings(3, DWELL, failback));
    }

    /** Ticks n times, one interval apart; returns the switches made. */
    List<Switch> ticks(Failover f, int n) {
        List<Switch> made = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            clock.advance(TICK);
            f.tick().ifPresent(made::add);
        }
        return made;
    }

    static final class RecordingBackend implements ProxyBackend {
        final List<String> pointed = new java.util.ArrayList<>();
        boolean broken;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Optional<String> object() {
            return Optional.empty();
        }

        @Override
        public Optional<String> readActive() {
            return Optional.empty();
        }

        @Override
        public void pointAt(String site) {
            if (broken) {
                throw new ProxyBackendException("test: API down", true, null);
            }
            pointed.add(site);
        }
    }

    @Test
    void failsOverOnceAfterThresholdFailuresAndStaysWithoutFailback() {
        Failover f = failover(false);
        ticks(f, 5); // both healthy: nothing
        up.put("h1", false);
        assertThat(ticks(f, 2)).as("two failed checks are not enough").isEmpty();
        List<Switch> made = ticks(f, 1);
        assertThat(made).singleElement().satisfies(s -> {
            assertThat(s.from()).isEqualTo("h1");
            assertThat(s.to()).isEqualTo("h2");
            assertThat(s.reason()).isEqualTo(Reason.FAILOVER);
            assertThat(s.by()).contains("h1 failed 3 health checks");
        });
        assertThat(backend.pointed).containsExactly("h2");

        assertThat(ticks(f, 100)).as("h1 still down: no more switches").isEmpty();
        up.put("h1", true);
        assertThat(ticks(f, 200)).as("h1 back, failback off: stays on h2 well past min-dwell").isEmpty();
        assertThat(proxy.active()).isEqualTo("h2");
    }

    @Test
    void aFlappingActiveSiteIsNotFailedOver() {
        Failover f = failover(true);
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            // never three failures in a row
            up.put("h1", i % 3 != 2 || random.nextBoolean());
            clock.advance(TICK);
            f.tick();
        }
        assertThat(proxy.history()).isEmpty();
    }

    @Test
    void noSwitchWithinMinDwellAndOnlyToASiteHealthyForThresholdChecks() {
        Failover f = failover(false);
        up.put("h1", false);
        assertThat(ticks(f, 3)).hasSize(1);
        // h2 fails at once; h1 recovered, but the last switch was moments ago
        up.put("h1", true);
        up.put("h2", false);
        long ticksInDwell = DWELL.dividedBy(TICK) - 4;
        assertThat(ticks(f, (int) ticksInDwell)).as("within min-dwell").isEmpty();
        List<Switch> after = ticks(f, 10);
        assertThat(after).singleElement().satisfies(s -> {
            assertThat(s.to()).isEqualTo("h1");
            assertThat(s.reason()).isEqualTo(Reason.FAILOVER);
            assertThat(s.at()).isAfterOrEqualTo(proxy.history().get(1).at().plus(DWELL));
        });
    }

    @Test
    void aTargetThatJustCameBackMustStayHealthyForThresholdChecks() {
        Failover f = failover(false);
        up.put("h2", false);
        ticks(f, 10);
        up.put("h1", false);
        ticks(f, 5); // h1 has failed 5 times, but h2 is down too: nowhere to go
        assertThat(proxy.history()).isEmpty();
        up.put("h2", true);
        assertThat(ticks(f, 2)).as("h2 healthy for two checks only").isEmpty();
        assertThat(ticks(f, 1)).singleElement().extracting(Switch::to).isEqualTo("h2");
    }

    @Test
    void failbackReturnsToThePreferredSiteOnlyAfterDwellAndThresholdHealthyChecks() {
        Failover f = failover(true);
        up.put("h1", false);
        assertThat(ticks(f, 3)).hasSize(1);
        up.put("h1", true);
        assertThat(ticks(f, (int) DWELL.dividedBy(TICK) - 1)).as("min-dwell holds failback too").isEmpty();
        List<Switch> back = ticks(f, 2);
        assertThat(back).singleElement().satisfies(s -> {
            assertThat(s.to()).isEqualTo("h1");
            assertThat(s.reason()).isEqualTo(Reason.FAILBACK);
        });
        assertThat(ticks(f, 200)).isEmpty();
        assertThat(backend.pointed).containsExactly("h2", "h1");
    }

    @Test
    void aManualSwitchMovesThePreferredSiteAndStartsTheDwell() {
        Failover f = failover(true);
        ticks(f, 3);
        proxy.switchTo("h2", Reason.MANUAL, "operator");
        assertThat(ticks(f, 100)).as("h2 is now preferred: no failback to h1").isEmpty();
        up.put("h2", false);
        assertThat(ticks(f, 3)).singleElement().extracting(Switch::to).isEqualTo("h1");
    }

    @Test
    void aBackendFailureIsRetriedAtTheNextTick() {
        Failover f = failover(false);
        up.put("h1", false);
        backend.broken = true;
        assertThat(ticks(f, 5)).isEmpty();
        assertThat(proxy.active()).as("nothing switched that the proxy did not").isEqualTo("h1");
        backend.broken = false;
        assertThat(ticks(f, 1)).singleElement().extracting(Switch::to).isEqualTo("h2");
    }

    @Test
    void aThrowingHealthCheckCountsAsFailed() {
        Failover f = new Failover(proxy, site -> {
            if (site.equals("h1")) {
                throw new IllegalStateException("boom");
            }
            return true;
        }, new Failover.Settings(3, DWELL, false));
        assertThat(ticks(f, 3)).singleElement().extracting(Switch::to).isEqualTo("h2");
    }
}
