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

    @Test
    void settledEventsAreRemovedAfterTheirTimeAndNothingElseIs() {
        long a = inbox.add(push("h1", "1.0"));
        long b = inbox.add(push("h1", "2.0"));
        long c = inbox.add(push("h1", "3.0"));
        long d = inbox.add(push("h1", "4.0"));
        inbox.done(java.util.List.of(a, b));
        inbox.bury(d, "gave up");
        assertThat(inbox.purgeDone(Instant.now().minusSeconds(3600))).as("settled only just now").isZero();
        assertThat(inbox.purgeDone(Instant.now().plusSeconds(1))).isEqualTo(2);
        assertThat(inbox.get(a)).isEmpty();
        assertThat(inbox.get(b)).isEmpty();
        assertThat(inbox.pending(10)).extracting(InboxEvent::id).containsExactly(c);
        assertThat(inbox.dead(10)).extracting(InboxEvent::id).containsExactly(d);
    }

    @Test
    void doneOfManyMarksThemAllInOneGo() {
        long a = inbox.add(push("h1", "1.0"));
        long b = inbox.add(push("h1", "2.0"));
        long c = inbox.add(push("h1", "3.0"));
        inbox.done(java.util.List.of(a, c));
        inbox.done(java.util.List.of());
        assertThat(inbox.pending(10)).extracting(InboxEvent::id).containsExactly(b);
    }

    /**
     * Events that arrive while a commit is running are committed together by the next writer, each caller
     * getting its own id back: 1 + 9 events in 2 commits, not 10.
     */
    @Test
    void callersArrivingDuringACommitShareTheNextOne() throws Exception {
        java.util.concurrent.CountDownLatch firstCommitHeld = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        JdbcEventInbox gated = new JdbcEventInbox(commitHook(ds, () -> {
            if (commits.incrementAndGet() == 1) {
                firstCommitHeld.countDown();
                await(release);
            }
        }));
        java.util.concurrent.ConcurrentHashMap<String, Long> ids = new java.util.concurrent.ConcurrentHashMap<>();
        Thread first = new Thread(() -> ids.put("t0", gated.add(push("h1", "t0"))));
        first.start();
        await(firstCommitHeld);
        java.util.List<Thread> others = new java.util.ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            String tag = "t" + i;
            Thread t = new Thread(() -> ids.put(tag, gated.add(push("h1", tag))));
            others.add(t);
            t.start();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> gated.queued() == 9);
        release.countDown();
        first.join();
        for (Thread t : others) {
            t.join();
        }
        assertThat(commits).hasValue(2);
        assertThat(ids).hasSize(10);
        assertThat(new java.util.HashSet<>(ids.values())).hasSize(10);
        ids.forEach((tag, id) -> assertThat(inbox.get(id)).get().extracting(InboxEvent::tag).isEqualTo(tag));
        assertThat(inbox.pendingCount()).isEqualTo(10);
    }

    @Test
    void aFailedCommitIsTheCallersErrorAndStoresNothing() {
        EventInbox failing = new JdbcEventInbox(commitHook(ds, () -> {
            throw new IllegalStateException("disk full");
        }));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.add(push("h1", "1.0")))
                .isInstanceOf(StoreException.class).hasMessageContaining("PUSH_ARTIFACT event from h1");
        assertThat(inbox.pendingCount()).as("rolled back").isZero();
        assertThat(inbox.add(push("h1", "2.0"))).as("the store works on").isPositive();
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            if (!latch.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("latch not reached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The DataSource with {@code beforeCommit} run before every commit of its connections. */
    private static DataSource commitHook(DataSource ds, Runnable beforeCommit) {
        return intercepting(ds, (method, args) -> {
            if (method.getName().equals("commit")) {
                try {
                    beforeCommit.run();
                } catch (RuntimeException e) {
                    throw new java.sql.SQLException(e.getMessage(), e);
                }
            }
        });
    }

    /** A call on a connection, seen before it is made; it may throw to make the call fail. */
    private interface ConnectionCall {
        void before(java.lang.reflect.Method method, Object[] args) throws java.sql.SQLException;
    }

    /** The DataSource whose connections pass each call to {@code before} first. */
    private static DataSource intercepting(DataSource ds, ConnectionCall before) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, m, args) -> {
                    Object result = invoke(ds, m, args);
                    if (!m.getName().equals("getConnection")) {
                        return result;
                    }
                    java.sql.Connection c = (java.sql.Connection) result;
                    return java.lang.reflect.Proxy.newProxyInstance(java.sql.Connection.class.getClassLoader(),
                            new Class<?>[]{java.sql.Connection.class}, (p2, m2, a2) -> {
                                before.before(m2, a2);
                                return invoke(c, m2, a2);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // ------------------------------------------------------------------ the audit-log tail's hints with its cursor

    @Test
    void auditHintsAndTheCursorAreCommittedTogether() {
        CursorStore cursors = new JdbcCursorStore(ds);
        java.util.List<Long> ids = inbox.addWithCursor(java.util.List.of(
                InboxEvent.auditHint("h1", "team-a", "carol", Instant.parse("2026-01-08T09:25:30Z")),
                InboxEvent.auditHint("h1", "team-b", null, null)), "h1", 42);
        assertThat(ids).hasSize(2);
        assertThat(cursors.get("h1")).hasValue(42);
        assertThat(inbox.pending(10)).extracting(InboxEvent::id, InboxEvent::type, InboxEvent::site, InboxEvent::project,
                InboxEvent::operator).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ids.get(0), io.harborsync.model.EventType.AUDIT_LOG.name(), "h1", "team-a", "carol"),
                org.assertj.core.groups.Tuple.tuple(ids.get(1), io.harborsync.model.EventType.AUDIT_LOG.name(), "h1", "team-b", null));
        // no hints: the cursor still moves (an existing row is updated)
        assertThat(inbox.addWithCursor(java.util.List.of(), "h1", 50)).isEmpty();
        assertThat(cursors.get("h1")).hasValue(50);
        assertThat(inbox.pendingCount()).isEqualTo(2);
    }

    @Test
    void whenTheCursorWriteFailsTheHintsAreNotStoredEither() {
        CursorStore cursors = new JdbcCursorStore(ds);
        cursors.set("h1", 10);
        EventInbox failing = new JdbcEventInbox(failingOn(ds, "audit_cursor"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.addWithCursor(
                        java.util.List.of(InboxEvent.auditHint("h1", "team-a", null, null)), "h1", 42))
                .isInstanceOf(StoreException.class).hasMessageContaining("neither is stored");
        assertThat(inbox.pendingCount()).as("the hint inserted first is rolled back").isZero();
        assertThat(cursors.get("h1")).hasValue(10);
        // and on first contact (the cursor row is inserted, not updated)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.addWithCursor(
                java.util.List.of(InboxEvent.auditHint("h2", "team-a", null, null)), "h2", 7))
                .isInstanceOf(StoreException.class);
        assertThat(inbox.pendingCount()).isZero();
        assertThat(cursors.get("h2")).isEmpty();
    }

    @Test
    void whenTheInboxWriteFailsTheCursorDoesNotAdvance() {
        CursorStore cursors = new JdbcCursorStore(ds);
        cursors.set("h1", 10);
        EventInbox failing = new JdbcEventInbox(failingOn(ds, "inbox_event"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.addWithCursor(
                        java.util.List.of(InboxEvent.auditHint("h1", "team-a", null, null)), "h1", 42))
                .isInstanceOf(StoreException.class);
        assertThat(cursors.get("h1")).hasValue(10);
        assertThat(inbox.pendingCount()).isZero();
    }

    @Test
    void aCrashBeforeTheCommitStoresNeither() {
        CursorStore cursors = new JdbcCursorStore(ds);
        cursors.set("h1", 10);
        EventInbox dying = new JdbcEventInbox(commitHook(ds, () -> {
            throw new IllegalStateException("process killed");
        }));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dying.addWithCursor(
                java.util.List.of(InboxEvent.auditHint("h1", "team-a", null, null)), "h1", 42))
                .isInstanceOf(StoreException.class);
        assertThat(cursors.get("h1")).hasValue(10);
        assertThat(inbox.pendingCount()).isZero();
        // after the "restart" the same rows are read again and stored with the cursor
        inbox.addWithCursor(java.util.List.of(InboxEvent.auditHint("h1", "team-a", null, null)), "h1", 42);
        assertThat(cursors.get("h1")).hasValue(42);
        assertThat(inbox.pending(10)).extracting(InboxEvent::project).containsExactly("team-a");
    }

    /** The DataSource whose connections refuse to prepare any statement on {@code table}. */
    private static DataSource failingOn(DataSource ds, String table) {
        return intercepting(ds, (method, args) -> {
            if (method.getName().equals("prepareStatement") && ((String) args[0]).contains(table)) {
                throw new java.sql.SQLException("simulated failure writing " + table);
            }
        });
    }
}
