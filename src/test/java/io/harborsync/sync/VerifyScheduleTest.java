package io.harborsync.sync;

import io.harborsync.model.Scope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which reconciles are verify passes (issue 18): the daemon's rule, as SyncService applies it to every run. */
class VerifyScheduleTest {
    private static final Instant T = Instant.parse("2026-12-02T05:00:00Z");
    private static final Duration DAY = Duration.ofHours(24);

    @Test
    void theFirstFullReconcileOfAProcessIsAVerifyPassThenOneAfterEachInterval() {
        assertThat(SyncService.quickCheckOf(true, false, Scope.ALL, null, DAY, T)).isEqualTo(QuickCheckMode.VERIFY);
        assertThat(SyncService.quickCheckOf(true, false, Scope.ALL, T, DAY, T.plus(Duration.ofHours(23))))
                .isEqualTo(QuickCheckMode.ON);
        assertThat(SyncService.quickCheckOf(true, false, Scope.ALL, T, DAY, T.plus(DAY))).isEqualTo(QuickCheckMode.VERIFY);
    }

    @Test
    void projectAndArtifactReconcilesUseTheMarksUnlessAVerifyIsAsked() {
        assertThat(SyncService.quickCheckOf(true, false, Scope.project("team"), null, DAY, T)).isEqualTo(QuickCheckMode.ON);
        assertThat(SyncService.quickCheckOf(true, true, Scope.project("team"), T, DAY, T)).isEqualTo(QuickCheckMode.VERIFY);
        assertThat(SyncService.quickCheckOf(true, true, Scope.ALL, T, DAY, T)).isEqualTo(QuickCheckMode.VERIFY);
        // an artifact scope never lists repositories: QuickCheck.of turns any mode off for it
        assertThat(SyncService.quickCheckOf(true, false, Scope.artifacts(Set.of("team/app@sha256:" + "a".repeat(64))),
                T, DAY, T)).isEqualTo(QuickCheckMode.ON);
    }

    @Test
    void switchedOffItIsOffWhateverIsAsked() {
        assertThat(SyncService.quickCheckOf(false, true, Scope.ALL, null, DAY, T)).isEqualTo(QuickCheckMode.OFF);
        assertThat(SyncService.quickCheckOf(false, false, Scope.project("team"), T, DAY, T)).isEqualTo(QuickCheckMode.OFF);
    }
}
