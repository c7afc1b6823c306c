package io.harborsync.intake;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tail's own timer (issue 18's fast poll): Quarkus' scheduler looks at its triggers once a second, so a 250 ms
 * {@code harbor-sync.audit.interval} polled once a second (the benchmark's fast-poll latency was 959 ms at p50).
 */
class AuditLogTailTimerTest {
    private static final long MS = 1_000_000L;

    @Test
    void theIntervalIsADurationBelowASecondOrOff() {
        // the tail's period is harbor-sync.audit.interval as the configuration check reads a schedule
        assertThat(io.harborsync.config.ConfigCheck.period("250ms")).contains(Duration.ofMillis(250));
        assertThat(io.harborsync.config.ConfigCheck.period("0.25s")).contains(Duration.ofMillis(250));
        assertThat(io.harborsync.config.ConfigCheck.period(" 30s ")).contains(Duration.ofSeconds(30));
        assertThat(io.harborsync.config.ConfigCheck.period("off")).isEqualTo(Optional.empty());
        assertThat(io.harborsync.config.ConfigCheck.period("DISABLED")).isEmpty();
    }

    @Test
    void aPollWithinItsPeriodIsFollowedOnePeriodAfterItWasDue() {
        assertThat(AuditLogTail.nextStart(1000 * MS, 1060 * MS, 250 * MS)).isEqualTo(1250 * MS);
        assertThat(AuditLogTail.nextStart(1000 * MS, 1249 * MS, 250 * MS)).isEqualTo(1250 * MS);
    }

    @Test
    void aPollThatOverranSkipsTheStartsItMissedInsteadOfRunningThemBackToBack() {
        // due at 1000, ended at 1600: the starts at 1250 and 1500 are gone, the next is 1750
        assertThat(AuditLogTail.nextStart(1000 * MS, 1600 * MS, 250 * MS)).isEqualTo(1750 * MS);
        // ended exactly on a start: the one after it
        assertThat(AuditLogTail.nextStart(1000 * MS, 1500 * MS, 250 * MS)).isEqualTo(1750 * MS);
    }
}
