package io.harborsync.store;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcSecretAlignmentsTest {
    @Test
    void aRecordReplacesTheKeysSitesAndLeavesOtherKeysAlone() {
        SecretAlignments alignments = new JdbcSecretAlignments(TestDb.fresh());
        assertThat(alignments.all()).isEmpty();
        alignments.record("robot:ci", Map.of("h1", 18L, "h2", 3L));
        alignments.record("p/robot:ci", Map.of("h1", 22L));
        // proven again on h1 only (h2 failed): h2's old proof no longer holds for the new secret
        alignments.record("robot:ci", Map.of("h1", 18L));
        assertThat(alignments.all()).isEqualTo(Map.of(
                "robot:ci", Map.of("h1", 18L),
                "p/robot:ci", Map.of("h1", 22L)));
    }

    @Test
    void forgetRemovesOnlyThatRobotAndAnEmptyRecordKeepsNothing() {
        SecretAlignments alignments = new JdbcSecretAlignments(TestDb.fresh());
        alignments.record("robot:ci", Map.of("h1", 18L, "h2", 3L));
        alignments.record("robot:deploy", Map.of("h1", 19L, "h2", 4L));
        alignments.forget("robot:ci");
        alignments.forget("robot:never-recorded");
        assertThat(alignments.all()).isEqualTo(Map.of("robot:deploy", Map.of("h1", 19L, "h2", 4L)));
        alignments.record("robot:deploy", Map.of());
        assertThat(alignments.all()).isEmpty();
    }

    @Test
    void alignmentsSurviveANewStoreObjectOnTheSameDatabase() {
        DataSource ds = TestDb.fresh();
        new JdbcSecretAlignments(ds).record("robot:ci", Map.of("h1", 18L));
        assertThat(new JdbcSecretAlignments(ds).all()).isEqualTo(Map.of("robot:ci", Map.of("h1", 18L)));
    }
}
