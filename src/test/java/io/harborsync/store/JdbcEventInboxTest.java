package io.harborsync.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcEventInboxTest {
    private DataSource ds;
    private EventInbox inbox;

    @BeforeEach
    void setUp() {
        ds = TestDb.fresh();
        inbox = new JdbcEventInbox(ds);
    }

    private static InboxEvent push(String site, String tag) {
        return new InboxEvent(999, site, "PUSH_ARTIFACT", "team-a", "app/web", "sha256:abc", tag, "robot$team-a+ci",
                "req-1", Instant.parse("2026-01-08T09:25:30Z"), Instant.parse("2026-01-08T09:25:31.5Z"), 7, "ignored");
    }

    @Test
    void addReturnsNewIdsAndPendingReadsThemBackOldestFirst() {
        long a = inbox.add(push("h1", "1.0"));
        long b = inbox.add(push("h2", "2.0"));
        assertThat(b).isGreaterThan(a);

        assertThat(inbox.pending(10)).containsExactly(
                new InboxEvent(a, "h1", "PUSH_ARTIFACT", "team-a", "app/web", "sha256:abc", "1.0", "robot$team-a+ci",
                        "req-1", Instant.parse("2026-01-08T09:25:30Z"), Instant.parse("2026-01-08T09:25:31.5Z"), 0, null),
                new InboxEvent(b, "h2", "PUSH_ARTIFACT", "team-a", "app/web", "sha256:abc", "2.0", "robot$team-a+ci",
                        "req-1", Instant.parse("2026-01-08T09:25:30Z"), Instant.parse("2026-01-08T09:25:31.5Z"), 0, null));
        assertThat(inbox.pending(1)).extracting(InboxEvent::id).containsExactly(a);
        assertThat(inbox.pending(0)).isEmpty();
        assertThat(inbox.pendingCount()).isEqualTo(2);
    }

    @Test
    void nullableFieldsStayNullAndAMissingReceivedAtBecomesNow() {
        Instant before = Instant.now().minusSeconds(1);
        long id = inbox.add(new InboxEvent(0, "h1", "REPLICATION", "team-a", null, null, null, null, null, null, null,
                0, null));
        InboxEvent e = inbox.pending(1).get(0);
        assertThat(e.id()).isEqualTo(id);
        assertThat(e.repository()).isNull();
        assertThat(e.digest()).isNull();
        assertThat(e.tag()).isNull();
        assertThat(e.occurredAt()).isNull();
        assertThat(e.receivedAt()).isAfter(before);
    }

    @Test
    void doneRemovesFromPending() {
        long a = inbox.add(push("h1", "1.0"));
        long b = inbox.add(push("h1", "2.0"));
        inbox.done(a);
        assertThat(inbox.pending(10)).extracting(InboxEvent::id).containsExactly(b);
        assertThat(inbox.pendingCount()).isEqualTo(1);
    }

    @Test
    void failedCountsAttemptsKeepsTheLastErrorAndStaysPending() {
        long a = inbox.add(push("h1", "1.0"));
        inbox.failed(a, "h2 unreachable");
        inbox.failed(a, "h2 answered 503");
        InboxEvent e = inbox.pending(10).get(0);
        assertThat(e.id()).isEqualTo(a);
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.lastError()).isEqualTo("h2 answered 503");
        assertThat(inbox.pendingCount()).isEqualTo(1);
    }

    @Test
    void aVeryLongErrorIsCut() {
        long a = inbox.add(push("h1", "1.0"));
        inbox.failed(a, "x".repeat(10_000));
        assertThat(inbox.pending(1).get(0).lastError()).hasSize(JdbcEventInbox.MAX_ERROR_LENGTH);
    }

    @Test
    void eventsSurviveANewInboxObjectOnTheSameDatabase() {
        long a = inbox.add(push("h1", "1.0"));
        long b = inbox.add(push("h1", "2.0"));
        inbox.done(a);
        inbox.failed(b, "boom");
        EventInbox restarted = new JdbcEventInbox(ds);
        assertThat(restarted.pendingCount()).isEqualTo(1);
        InboxEvent e = restarted.pending(10).get(0);
        assertThat(e.id()).isEqualTo(b);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(restarted.add(push("h2", "3.0"))).isGreaterThan(b);
    }

    @Test
    void retriesComeDueAtTheirTimeAndDeadLettersWaitForAnOperator() {
        java.time.Instant now = java.time.Instant.parse("2026-11-25T12:00:00Z");
        long a = inbox.add(push("h1", "1.0"));
        long b = inbox.add(push("h1", "2.0"));
        long c = inbox.add(push("h2", "3.0"));

        inbox.retryAt(a, "h2 unknown", now.plusSeconds(10));
        inbox.bury(b, "failed 8 times");
        assertThat(inbox.due(10, now)).extracting(InboxEvent::id).containsExactly(c);
        assertThat(inbox.due(10, now.plusSeconds(10))).extracting(InboxEvent::id).containsExactly(a, c);
        assertThat(inbox.get(a).orElseThrow().attempts()).isEqualTo(1);
        assertThat(inbox.get(a).orElseThrow().lastError()).isEqualTo("h2 unknown");

        assertThat(inbox.pendingCount()).as("dead letters are not pending work").isEqualTo(2);
        assertThat(inbox.pending(10)).extracting(InboxEvent::id).containsExactly(a, c);
        assertThat(inbox.dead(10)).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(b);
            assertThat(e.attempts()).isEqualTo(1);
        });

        assertThat(inbox.revive(b)).isTrue();
        assertThat(inbox.revive(b)).as("only a dead letter can be revived").isFalse();
        assertThat(inbox.revive(c)).isFalse();
        assertThat(inbox.dead(10)).isEmpty();
        assertThat(inbox.due(10, now)).extracting(InboxEvent::id).containsExactly(b, c);
        assertThat(inbox.get(b).orElseThrow().attempts()).as("a revived event starts counting again").isZero();
    }
}
