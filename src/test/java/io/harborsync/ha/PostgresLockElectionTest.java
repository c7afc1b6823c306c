package io.harborsync.ha;

import io.harborsync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL advisory-lock election against a real server (HARBOR_SYNC_TEST_PG_URL or -Dstore.test.pg-url; the
 * CI starts one with .ci/postgres.sh). The replicas' ticks are driven by the test, so "frozen" is exact: a replica
 * that stops ticking is what SIGSTOP makes of a process.
 */
class PostgresLockElectionTest {
    static final Duration LEASE = Duration.ofSeconds(2);

    String url;
    String user;
    String lock;
    final List<PostgresLockElection> elections = new ArrayList<>();

    @BeforeEach
    void server() {
        TestPostgres.assumeAvailable();
        url = TestPostgres.url();
        user = TestPostgres.user();
        lock = "test-" + UUID.randomUUID(); // its own lock: tests never meet each other's
    }

    @AfterEach
    void close() {
        elections.forEach(PostgresLockElection::close);
    }

    static final class Seen implements Election.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void acquired() {
            events.add("acquired");
        }

        @Override
        public void lost(String why) {
            events.add("lost: " + why);
        }

        @Override
        public void leaderSeen(String identity) {
            events.add("other");
        }

        boolean leads() {
            return !events.isEmpty() && events.get(events.size() - 1).equals("acquired");
        }
    }

    PostgresLockElection election(String id, Seen seen) {
        PostgresLockElection e = new PostgresLockElection(url, user, "", lock, id, LEASE, Duration.ofMillis(100));
        e.listen(seen);
        elections.add(e);
        return e;
    }

    @Test
    void oneOfTwoReplicasLeadsAndTheOtherTakesOverWhenItStops() {
        Seen sa = new Seen();
        Seen sb = new Seen();
        PostgresLockElection a = election("a", sa);
        PostgresLockElection b = election("b", sb);
        a.tick();
        b.tick();
        assertThat(sa.events).containsExactly("acquired");
        assertThat(sb.events).containsExactly("other");
        assertThat(a.leaderUntilNanos() - System.nanoTime()).as("leads for about a lease").isPositive()
                .isLessThanOrEqualTo(LEASE.toNanos());
        assertThat(b.leaderUntilNanos()).isEqualTo(Long.MIN_VALUE);

        long before = a.leaderUntilNanos();
        a.tick(); // the renewal moves the certain end forward
        assertThat(a.leaderUntilNanos()).isGreaterThan(before);
        b.tick();
        assertThat(sb.events).as("still held").containsOnly("other");

        a.close(); // gives the lock back at once: no need to wait for a lease
        assertThat(sa.events).last().isEqualTo("lost: stopped");
        b.tick();
        assertThat(sb.leads()).isTrue();
    }

    @Test
    void aFrozenLeaderLosesItsLockAfterTheLeaseAndKnowsItBeforeItSendsAnything() {
        Seen sa = new Seen();
        Seen sb = new Seen();
        PostgresLockElection a = election("a", sa);
        PostgresLockElection b = election("b", sb);
        a.tick();
        long frozenAt = System.nanoTime();
        // a is frozen from here on: no more ticks. Its socket stays open; only the server's idle timeout ends it.
        await().atMost(LEASE.multipliedBy(4)).pollInterval(Duration.ofMillis(100)).until(() -> {
            b.tick();
            return sb.leads();
        });
        long tookOver = System.nanoTime();
        assertThat(tookOver - frozenAt).as("not before a's lease ran out").isGreaterThanOrEqualTo(LEASE.toNanos());
        // a wakes up: before anything else its certain end is already behind it, so no write leaves it
        assertThat(a.leaderUntilNanos() - System.nanoTime()).isNegative();
        assertThat(a.leaderUntilNanos()).isLessThanOrEqualTo(tookOver);
        a.tick(); // and its first renewal finds the session gone
        assertThat(sa.events).last().asString().startsWith("lost: the PostgreSQL session holding the lock failed");
        assertThat(a.leaderUntilNanos()).isEqualTo(Long.MIN_VALUE);
        a.tick();
        assertThat(sa.events).as("the lock is b's now").last().isEqualTo("other");
    }

    @Test
    void aLeaderWhoseSessionIsEndedStepsDownAndAnotherTakesOver() throws SQLException {
        Seen sa = new Seen();
        Seen sb = new Seen();
        PostgresLockElection a = election("a", sa);
        PostgresLockElection b = election("b", sb);
        a.tick();
        try (Connection admin = DriverManager.getConnection(url, user, "");
             var s = admin.createStatement()) {
            // what a restarted server or a network cut does to the leader's session
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'harbor-sync election a'");
        }
        // the backend ends (and its lock goes) a moment after it was told to
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            b.tick();
            return sb.leads();
        });
        a.tick();
        assertThat(sa.events).last().asString().startsWith("lost:");
    }
}
