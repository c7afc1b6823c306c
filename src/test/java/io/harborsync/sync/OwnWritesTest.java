package io.harborsync.sync;

import io.harborsync.model.Keys;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.store.InboxEvent;
import io.harborsync.sync.OwnWrites.Action;
import io.harborsync.sync.OwnWrites.Resource;
import io.harborsync.sync.OwnWrites.Write;
import io.harborsync.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal of the daemon's own writes on its own: matching, consumption, windows, bounds, threads. */
class OwnWritesTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final OwnWrites journal = new OwnWrites(clock);

    private static Write artifactDelete(String site, String digest) {
        return new Write(site, Resource.ARTIFACT, Keys.artifact("team-b", "app/web", digest), Action.DELETE);
    }

    @Test
    void aWebhookOfAnExpectedDeletionIsRecognisedOnceSoAPersonsLaterDeletionIsNot() {
        Write w = artifactDelete("h2", DIGEST);
        journal.expect(w);
        clock.advance(Duration.ofSeconds(2));
        assertThat(journal.consumeWebhook(w, clock.instant())).isTrue();
        // the same event once more (a second delivery, or a person's deletion of the same key): not ours
        assertThat(journal.consumeWebhook(w, clock.instant())).isFalse();
        assertThat(journal.recognised()).isEqualTo(1);
    }

    @Test
    void onlyTheSameSiteResourceKeyAndOperationMatch() {
        journal.expect(artifactDelete("h2", DIGEST));
        Instant now = clock.instant();
        assertThat(journal.consumeWebhook(artifactDelete("h1", DIGEST), now)).as("other site").isFalse();
        assertThat(journal.consumeWebhook(artifactDelete("h2", "sha256:" + "b".repeat(64)), now)).as("other key").isFalse();
        assertThat(journal.consumeWebhook(new Write("h2", Resource.ARTIFACT, Keys.artifact("team-b", "app/web", DIGEST),
                Action.CREATE), now)).as("other operation").isFalse();
        assertThat(journal.consumeWebhook(artifactDelete("h2", DIGEST), now)).isTrue();
    }

    @Test
    void aWebhookReceivedBeforeTheWriteOrAfterTheWindowIsNotOurs() {
        Write w = artifactDelete("h2", DIGEST);
        Instant before = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        journal.expect(w);
        assertThat(journal.consumeWebhook(w, before)).as("received before we wrote").isFalse();
        assertThat(journal.consumeWebhook(w, clock.instant().plus(OwnWrites.WEBHOOK_WINDOW).plusSeconds(1)))
                .as("received after the window").isFalse();
        // worked off late (a backlog), but received in time: still ours
        Instant inTime = clock.instant().plusSeconds(3);
        clock.advance(Duration.ofMinutes(3));
        assertThat(journal.consumeWebhook(w, inTime)).isTrue();
    }

    @Test
    void anAuditRowIsLookedForUntilTheSecondCompleteReadAfterTheWrite() {
        Write project = new Write("h1", Resource.PROJECT, "team-a", Action.CREATE);
        Write late = new Write("h1", Resource.PROJECT, "team-late", Action.CREATE);
        journal.auditReadStarted("h1");
        journal.expect(project); // written while a read runs: that read, or the next two, may see its row
        journal.expect(late);
        journal.auditReadCompleted("h1");
        journal.auditReadStarted("h1");
        assertThat(journal.consumeAudit(project)).isTrue();
        assertThat(journal.consumeAudit(project)).as("consumed").isFalse();
        journal.auditReadCompleted("h1");
        journal.auditReadStarted("h1");
        journal.auditReadCompleted("h1");
        assertThat(journal.consumeAudit(late)).as("two reads after the write found no row: it is not coming").isFalse();
        assertThat(journal.size()).isZero();
    }

    @Test
    void anArtifactDeletionExpectsItsWebhookAndItsAuditRowEachOnce() {
        Write w = artifactDelete("h2", DIGEST);
        journal.expect(w);
        assertThat(journal.consumeWebhook(w, clock.instant())).isTrue();
        assertThat(journal.size()).as("the audit row is still to come").isEqualTo(1);
        assertThat(journal.consumeAudit(w)).isTrue();
        assertThat(journal.consumeAudit(w)).isFalse();
        assertThat(journal.size()).isZero();
    }

    @Test
    void onlyArtifactDeletionsWaitForAWebhook() {
        Write tag = new Write("h2", Resource.TAG, OwnWrites.tagKey("team-b", "app/web", "1.0"), Action.CREATE);
        journal.expect(tag);
        assertThat(journal.consumeWebhook(tag, clock.instant())).isFalse();
        assertThat(journal.consumeAudit(tag)).isTrue();
    }

    @Test
    void aCancelledWriteIsNotExpected() {
        Write w = artifactDelete("h2", DIGEST);
        journal.expect(w).cancel();
        assertThat(journal.consumeWebhook(w, clock.instant())).isFalse();
        assertThat(journal.consumeAudit(w)).isFalse();
        assertThat(journal.size()).isZero();
    }

    @Test
    void entriesExpireAfterTheMaximumAgeEvenWhenNothingConsumesThem() {
        journal.expect(artifactDelete("h2", DIGEST));
        journal.expect(new Write("h2", Resource.PROJECT, "team-b", Action.DELETE));
        assertThat(journal.size()).isEqualTo(2);
        clock.advance(OwnWrites.MAX_AGE.plusSeconds(1));
        assertThat(journal.size()).isZero();
        assertThat(journal.consumeAudit(new Write("h2", Resource.PROJECT, "team-b", Action.DELETE))).isFalse();
    }

    @Test
    void theJournalIsBoundedTheOldestGoFirst() {
        int over = 250;
        for (int i = 0; i < OwnWrites.CAPACITY + over; i++) {
            journal.expect(new Write("h1", Resource.PROJECT, "p-" + i, Action.CREATE));
        }
        assertThat(journal.size()).isEqualTo(OwnWrites.CAPACITY);
        assertThat(journal.evicted()).isEqualTo(over);
        assertThat(journal.consumeAudit(new Write("h1", Resource.PROJECT, "p-0", Action.CREATE))).isFalse();
        assertThat(journal.consumeAudit(new Write("h1", Resource.PROJECT, "p-" + (OwnWrites.CAPACITY + over - 1),
                Action.CREATE))).isTrue();
    }

    @Test
    void concurrentWritersAndConsumersMatchEachWriteExactlyOnce() throws Exception {
        OwnWrites shared = new OwnWrites(); // the system clock: the threads' receipts follow their writes
        int spaces = 4;
        int perSpace = 500;
        ExecutorService pool = Executors.newFixedThreadPool(spaces * 3);
        CountDownLatch start = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger[] matched = new java.util.concurrent.atomic.AtomicInteger[spaces];
        List<Future<?>> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            for (int t = 0; t < spaces; t++) {
                int space = t;
                matched[t] = new java.util.concurrent.atomic.AtomicInteger();
                all.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perSpace; i++) {
                        shared.expect(artifactDelete("h1", "sha256:" + space + "-" + i));
                    }
                    return null;
                }));
                // two consumers race for the same writes (say, a delivery and its retry): each write matches once
                for (int c = 0; c < 2; c++) {
                    all.add(pool.submit(() -> {
                        start.await();
                        while (matched[space].get() < perSpace && System.nanoTime() < deadline) {
                            for (int i = 0; i < perSpace; i++) {
                                if (shared.consumeWebhook(artifactDelete("h1", "sha256:" + space + "-" + i),
                                        Instant.now())) {
                                    matched[space].incrementAndGet();
                                }
                            }
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
            for (java.util.concurrent.atomic.AtomicInteger m : matched) {
                assertThat(m).hasValue(perSpace);
            }
            assertThat(shared.recognised()).isEqualTo(spaces * perSpace);
            assertThat(shared.size()).as("every audit row is still expected").isEqualTo(spaces * perSpace);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ events and rows as writes

    @Test
    void aDeletionWebhookIsAnArtifactDeletionOtherEventsAreNoWriteOfOurs() {
        InboxEvent delete = new InboxEvent(1, "h1", "DELETE_ARTIFACT", "team-b", "app/web", DIGEST, "1.0", "admin",
                null, null, Instant.now(), 0, null);
        assertThat(OwnWrites.of(delete)).contains(artifactDelete("h1", DIGEST));
        InboxEvent push = new InboxEvent(2, "h1", "PUSH_ARTIFACT", "team-b", "app/web", DIGEST, "1.0", "admin",
                null, null, Instant.now(), 0, null);
        assertThat(OwnWrites.of(push)).isEmpty();
    }

    private static AuditLogExt row(String type, String op, String resource, String description) {
        return new AuditLogExt(7L, "admin", resource, type, op, description, true, "2026-12-01T10:00:00Z");
    }

    @Test
    void auditRowsAsHarborWritesThem() {
        assertThat(OwnWrites.of("h1", row("project", "create", "team-a", "create project: team-a")))
                .contains(new Write("h1", Resource.PROJECT, "team-a", Action.CREATE));
        assertThat(OwnWrites.of("h1", row("artifact", "delete", "team-b/app/web@" + DIGEST, "delete artifact")))
                .contains(artifactDelete("h1", DIGEST));
        assertThat(OwnWrites.of("h1", row("repository", "delete", "team-b/app/web", "delete repository")))
                .contains(new Write("h1", Resource.REPOSITORY, Keys.repository("team-b", "app/web"), Action.DELETE));
        assertThat(OwnWrites.of("h1", row("tag", "create", "team-b/app/web:1.0", "create tag")))
                .contains(new Write("h1", Resource.TAG, OwnWrites.tagKey("team-b", "app/web", "1.0"), Action.CREATE));
        assertThat(OwnWrites.of("h1", row("member", "delete", "devs", "delete group member devs in project team-a")))
                .contains(new Write("h1", Resource.MEMBER, Keys.member("team-a", "devs", true), Action.DELETE));
        assertThat(OwnWrites.of("h1", row("member", "create", "alice", "create user member alice in project team-a")))
                .contains(new Write("h1", Resource.MEMBER, Keys.member("team-a", "alice", false), Action.CREATE));
        // robots the daemon copies: their rows name the robot by its full name (observations §3)
        assertThat(OwnWrites.of("h1", row("robot", "create", "robot$x", "create robot")))
                .contains(new Write("h1", Resource.ROBOT, "robot$x", Action.CREATE));
        assertThat(OwnWrites.of("h1", row("robot", "delete", "robot$team-a+ci", "delete robot")))
                .contains(new Write("h1", Resource.ROBOT, "robot$team-a+ci", Action.DELETE));
        // a push (the daemon never pushes) keys as repo:tag, a user row is no write of ours
        assertThat(OwnWrites.of("h1", row("artifact", "create", "team-b/app/web:1.0", "push artifact"))).isEmpty();
        assertThat(OwnWrites.of("h1", row("user", "create", "bob", "create user"))).isEmpty();
        assertThat(OwnWrites.of("h1", row("member", "create", "alice", "something else"))).isEmpty();
    }
}
