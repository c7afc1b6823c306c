package io.harborsync.intake;

import io.harborsync.sync.OwnWrites;
import io.harborsync.sync.SyncService;
import io.harborsync.model.Scope;
import io.harborsync.sites.Sites;
import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.testsupport.PlainHarborHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Member changes send no webhook. A Harbor newer than v2.15.2 logs them in /auditlog-exts, and the
 * tail turns such a row into a reconcile of the project it names. Sites here are configured like
 * real Harbors (emulators started outside the daemon), not demo mode.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
@TestProfile(AuditLogTailTest.ConfiguredSites.class)
class AuditLogTailTest {
    public static class ConfiguredSites implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(Emulators.class));
        }
    }

    /** Two emulated Harbors that log member changes, as newer Harbor releases do. */
    public static class Emulators implements QuarkusTestResourceLifecycleManager {
        static HarborEmulator h1;
        static HarborEmulator h2;

        @Override
        public Map<String, String> start() {
            h1 = HarborEmulator.start(EmulatorOptions.defaults("h1").withMemberAuditEvents(true));
            h2 = HarborEmulator.start(EmulatorOptions.defaults("h2").withMemberAuditEvents(true));
            Map<String, String> cfg = io.harborsync.testsupport.EmulatorSites.properties(h1, h2);
            cfg.put("harbor-sync.sites.h1.webhook-secret", "secret-h1");
            cfg.put("harbor-sync.sites.h2.webhook-secret", "secret-h2");
            return cfg;
        }

        @Override
        public void stop() {
            h1.close();
            h2.close();
        }
    }

    @Inject
    Sites sites;
    @Inject
    AuditLogTail tail;
    @Inject
    SyncService sync;

    @Test
    void aMemberAddedOnOneSiteReachesTheOtherThroughTheAuditLog() {
        assertThat(sites.isDemo()).isFalse();
        HarborClient h1 = sites.client("h1");
        HarborClient h2 = sites.client("h2");
        h1.projects().create(new ProjectReq("team-log", false, null, null, null, null));
        sync.run(Scope.ALL, false, false);
        tail.poll(); // first look: takes the cursor, replays no history

        for (HarborEmulator e : new HarborEmulator[]{Emulators.h1, Emulators.h2}) {
            e.addUser("alice");
        }
        Emulators.h1.addUser("carol", "Carol-pass-1");
        h1.members().add("team-log", new MemberReq(1, new UserEntity(null, "carol"), null));
        var carol = new PlainHarborHttp(Emulators.h1).as("carol", "Carol-pass-1");
        assertThat(carol.post("/api/v2.0/projects/team-log/members",
                Map.of("role_id", 2, "member_user", Map.of("username", "alice"))).statusCode()).isEqualTo(201);
        assertThat(h2.members().find("team-log", "alice", false)).as("no webhook for members").isEmpty();

        assertThat(tail.poll()).containsExactly("team-log");
        assertThat(h2.members().find("team-log", "alice", false)).get().satisfies(m -> assertThat(m.roleId()).isEqualTo(2));
        // our own writes are in h2's log now; they are not read back as changes to react to
        assertThat(tail.poll()).isEmpty();
    }

    /**
     * Small installations give the daemon the admin account that people use too. A project a person creates with
     * exactly the daemon's credentials is a change like any other: the next poll finds it and it reaches h2. The
     * daemon's own writes on h2 leave rows by that same account, which the journal of its writes recognises: the
     * poll after that reads nothing but the audit logs, and the sites stay as they are.
     */
    @Test
    void aProjectCreatedAsTheDaemonsOwnAccountIsFoundAtTheNextPollAndTheEchoIsNot() {
        tail.poll(); // takes the cursors if this runs first; rows of the other test are handled either way
        var account = sites.byName("h1").orElseThrow();
        var asDaemonAccount = new PlainHarborHttp(Emulators.h1).as(account.username(), account.password());
        Emulators.h1.addUser("dave");
        Emulators.h2.addUser("dave");
        assertThat(asDaemonAccount.post("/api/v2.0/projects", Map.of("project_name", "team-admin",
                "metadata", Map.of("public", "false", "auto_scan", "true"))).statusCode()).isEqualTo(201);
        assertThat(asDaemonAccount.post("/api/v2.0/projects/team-admin/members",
                Map.of("role_id", 2, "member_user", Map.of("username", "dave"))).statusCode()).isEqualTo(201);

        assertThat(tail.poll()).containsExactly("team-admin");
        HarborClient h2 = sites.client("h2");
        assertThat(h2.projects().find("team-admin")).get()
                .satisfies(p -> assertThat(p.metadata()).containsEntry("auto_scan", "true"));
        assertThat(h2.members().find("team-admin", "dave", false)).get().satisfies(m -> assertThat(m.roleId()).isEqualTo(2));

        java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.harborsync.emulator.ExchangeListener l1 = x -> requests.add("h1 " + x.method() + " " + x.rawPath());
        io.harborsync.emulator.ExchangeListener l2 = x -> requests.add("h2 " + x.method() + " " + x.rawPath());
        long recognisedBefore = ownWrites.recognised();
        Emulators.h1.addExchangeListener(l1);
        Emulators.h2.addExchangeListener(l2);
        try {
            assertThat(tail.poll()).as("the daemon's own project and member on h2 are no news").isEmpty();
            assertThat(tail.poll()).isEmpty();
        } finally {
            Emulators.h1.removeExchangeListener(l1);
            Emulators.h2.removeExchangeListener(l2);
        }
        assertThat(requests).as("nothing but the audit logs is read, nothing written").isNotEmpty()
                .allMatch(r -> r.matches("h[12] GET .*/auditlog-exts"));
        assertThat(ownWrites.recognised()).as("h2's create project and create member rows")
                .isGreaterThanOrEqualTo(recognisedBefore + 2);
        assertThat(h2.members().find("team-admin", "dave", false)).get().satisfies(m -> assertThat(m.roleId()).isEqualTo(2));
        assertThat(sites.client("h1").projects().find("team-admin")).isPresent();
    }

    /**
     * The fast deletion path (issue 18): an artifact deletion in a site's audit log is the same work as its
     * DELETE_ARTIFACT webhook, so the tail stores it as such and the worker reconciles that artifact alone (no
     * project read). The webhook Harbor sends for the same deletion about 2 s later is then taken as done, read-free.
     */
    @Test
    void anArtifactDeletionInTheAuditLogIsReconciledAloneAndItsWebhookAfterwardsCostsNoRead() {
        HarborClient h2 = sites.client("h2");
        String digest = "sha256:" + "e".repeat(64);
        artifactOnBothWithMember("team-del", digest, "gina", "Gina-pass-1");

        var gina = new PlainHarborHttp(Emulators.h1).as("gina", "Gina-pass-1");
        assertThat(gina.delete("/api/v2.0/projects/team-del/repositories/app/artifacts/" + digest).statusCode())
                .isEqualTo(200);
        java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.harborsync.emulator.ExchangeListener l1 = x -> requests.add("h1 " + x.method() + " " + x.rawPath());
        io.harborsync.emulator.ExchangeListener l2 = x -> requests.add("h2 " + x.method() + " " + x.rawPath());
        Emulators.h1.addExchangeListener(l1);
        Emulators.h2.addExchangeListener(l2);
        long byAuditLogBefore = worker.deletionsStartedByAuditLog();
        long byWebhookBefore = worker.deletionsStartedByWebhook();
        try {
            assertThat(tail.poll()).containsExactly("team-del");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> h2.artifacts().find("team-del", "app", digest).isEmpty());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> inbox.pending(10_000).stream().noneMatch(e -> "team-del".equals(e.project())));
            assertThat(requests).as("the artifact alone: read on each site, deleted on h2; the project is not read")
                    .contains("h2 DELETE /api/v2.0/projects/team-del/repositories/app/artifacts/" + digest)
                    .noneMatch(r -> r.contains("/members") || r.endsWith("/repositories"));

            // Harbor's webhook for the same deletion (its occur_at in seconds) comes after: the same deletion, no read
            requests.clear();
            long skippedBefore = worker.duplicatesSkipped();
            String webhook = "{\"type\":\"DELETE_ARTIFACT\",\"occur_at\":" + java.time.Instant.now().getEpochSecond()
                    + ",\"operator\":\"gina\",\"event_data\":{\"resources\":[{\"digest\":\"" + digest
                    + "\",\"tag\":\"v1\",\"resource_url\":\"h1/team-del/app:v1\"}],\"repository\":{\"name\":\"app\","
                    + "\"namespace\":\"team-del\",\"repo_full_name\":\"team-del/app\",\"repo_type\":\"private\"}}}";
            io.restassured.RestAssured.given().header("Authorization", "secret-h1")
                    .contentType(io.restassured.http.ContentType.JSON).body(webhook).post("/webhooks/h1").then()
                    .statusCode(200);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> worker.duplicatesSkipped() > skippedBefore);
            assertThat(inbox.pending(10_000)).noneMatch(e -> "team-del".equals(e.project()));
            assertThat(requests).as("the webhook of a deletion already reconciled reads nothing").isEmpty();
            assertThat(worker.deletionsStartedByAuditLog()).as("the audit row started it").isEqualTo(byAuditLogBefore + 1);
            assertThat(worker.deletionsStartedByWebhook()).as("the webhook started nothing")
                    .isEqualTo(byWebhookBefore);
        } finally {
            Emulators.h1.removeExchangeListener(l1);
            Emulators.h2.removeExchangeListener(l2);
        }
    }

    /**
     * A drain that something else asks for (a finished deletion, the HA inbox poll) may run while the tail stores a
     * deletion. It must not list the deletion between the tail's commit and the tail's mark: it would start it as a
     * webhook's (in the benchmark's poll-only run, 7 to 12 of 500 deletions were counted so).
     */
    @Test
    void aDrainRunningWhileTheTailStoresADeletionCountsItAsTheAuditLogs() {
        HarborClient h2 = sites.client("h2");
        String digest = "sha256:" + "f".repeat(64);
        artifactOnBothWithMember("team-race", digest, "hank", "Hank-pass-1");

        java.util.List<Thread> drains = new java.util.concurrent.CopyOnWriteArrayList<>();
        AuditLogTail racing = new AuditLogTail(); // the bean's fields are behind its client proxy
        racing.sites = sites;
        racing.cursors = cursors;
        racing.ownWrites = ownWrites;
        racing.worker = worker;
        racing.executor = executor;
        racing.inbox = (io.harborsync.store.EventInbox) java.lang.reflect.Proxy.newProxyInstance(
                io.harborsync.store.EventInbox.class.getClassLoader(),
                new Class<?>[]{io.harborsync.store.EventInbox.class}, (p, m, args) -> {
                    Object result;
                    try {
                        result = m.invoke(inbox, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (m.getName().equals("addWithCursor") && ((java.util.List<?>) args[0]).stream()
                            .anyMatch(e -> digest.equals(((io.harborsync.store.InboxEvent) e).digest()))) {
                        // committed, not yet marked: another drain comes now and gets as far as it can
                        Thread drain = new Thread(worker::drain, "racing-drain");
                        drains.add(drain);
                        drain.start();
                        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                                .until(() -> !drain.isAlive() || worker.waitsForAuditStore(drain));
                    }
                    return result;
                });
        racing.poll(); // a new process: reads the overlap behind the cursors once
        assertThat(new PlainHarborHttp(Emulators.h1).as("hank", "Hank-pass-1")
                .delete("/api/v2.0/projects/team-race/repositories/app/artifacts/" + digest).statusCode()).isEqualTo(200);

        long byAuditLogBefore = worker.deletionsStartedByAuditLog();
        long byWebhookBefore = worker.deletionsStartedByWebhook();
        assertThat(racing.poll()).contains("team-race");
        assertThat(drains).hasSize(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> !drains.get(0).isAlive() && h2.artifacts().find("team-race", "app", digest).isEmpty());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> inbox.pending(10_000).stream().noneMatch(e -> "team-race".equals(e.project())));
        assertThat(worker.deletionsStartedByAuditLog()).as("the audit row started it").isEqualTo(byAuditLogBefore + 1);
        assertThat(worker.deletionsStartedByWebhook()).as("no webhook came").isEqualTo(byWebhookBefore);
    }

    /**
     * The sites' audit logs are read side by side (issue 18, figure 4b): a deletion on one site is not held up by
     * the other's audit page. Each site's read is answered only once the other's has arrived; read one after the
     * other, the first would wait for ever (here: 10 s, and the test fails).
     */
    @Test
    void theSitesAuditLogsAreReadSideBySide() {
        tail.poll(); // takes the cursors, or reads the rows of the other tests
        java.util.concurrent.CountDownLatch h1Asked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch h2Asked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean oneAfterTheOther = new java.util.concurrent.atomic.AtomicBoolean();
        Emulators.h1.faults().add(io.harborsync.emulator.Fault.on("GET", "/api/v2.0/auditlog-exts").before(() -> {
            h1Asked.countDown();
            io.harborsync.testsupport.Hold.until(h2Asked, oneAfterTheOther);
        }).times(1));
        Emulators.h2.faults().add(io.harborsync.emulator.Fault.on("GET", "/api/v2.0/auditlog-exts").before(() -> {
            h2Asked.countDown();
            io.harborsync.testsupport.Hold.until(h1Asked, oneAfterTheOther);
        }).times(1));

        tail.poll();

        assertThat(h1Asked.getCount() + h2Asked.getCount()).as("both sites' logs were read").isZero();
        assertThat(oneAfterTheOther).as("each site's audit page in flight with the other's").isFalse();
    }


    /**
     * A project with one artifact {@code app@digest} on both sites, in sync, and {@code user} (made on h1) its
     * maintainer on h1; the tail has read everything up to now.
     */
    private void artifactOnBothWithMember(String project, String digest, String user, String password) {
        HarborClient h1 = sites.client("h1");
        h1.projects().create(new ProjectReq(project, false, null, null, null, null));
        sync.run(Scope.ALL, false, false);
        Emulators.h1.pushArtifact(project, "app", digest, "v1");
        Emulators.h2.pushArtifact(project, "app", digest, "v1");
        Emulators.h1.addUser(user, password);
        h1.members().add(project, new MemberReq(1, new UserEntity(null, user), null));
        sync.run(Scope.ALL, false, false);
        tail.poll(); // takes the cursors, or reads the rows of the other tests and of the runs above
    }

    @Inject
    OwnWrites ownWrites;

    @Inject
    io.harborsync.store.EventInbox inbox;
    @Inject
    io.harborsync.store.CursorStore cursors;
    @Inject
    EventWorker worker;
    @Inject
    io.harborsync.sync.EngineExecutor executor;

    /**
     * The tail stores its hints in the transaction that advances its cursor. A daemon that dies after that commit
     * and before its worker ran finds the hint in the inbox after the restart (the worker drains at start) and
     * reconciles the project; a commit that fails leaves the cursor where it was, and the same rows give the hint
     * at the next poll.
     */
    @Test
    void aHintStoredWithItsCursorSurvivesACrashBeforeTheReconcileAndAFailedStoreKeepsTheCursor() {
        HarborClient h1 = sites.client("h1");
        HarborClient h2 = sites.client("h2");
        h1.projects().create(new ProjectReq("team-crash", false, null, null, null, null));
        sync.run(Scope.ALL, false, false);
        tail.poll(); // takes the cursors, or reads the rows of the other tests and of the run above
        for (HarborEmulator e : new HarborEmulator[]{Emulators.h1, Emulators.h2}) {
            e.addUser("erin");
            e.addUser("frank");
        }

        // someone adds erin on h1; the tail reads h1's log and commits hint + cursor, then the process "dies"
        h1.members().add("team-crash", new MemberReq(2, new UserEntity(null, "erin"), null));
        long before = cursors.get("h1").orElseThrow();
        var site1 = sites.byName("h1").orElseThrow();
        assertThat(tail.pollSite(site1, h1)).containsExactly("team-crash");
        assertThat(cursors.get("h1").orElseThrow()).as("the cursor moved with the hint").isGreaterThan(before);
        assertThat(inbox.pending(10_000)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(io.harborsync.model.EventType.AUDIT_LOG.name());
            assertThat(e.site()).isEqualTo("h1");
            assertThat(e.project()).isEqualTo("team-crash");
        });
        assertThat(h2.members().find("team-crash", "erin", false)).as("not reconciled before the crash").isEmpty();

        // the restart: the worker's drain at start finds the hint and reconciles its project
        worker.drain();
        assertThat(h2.members().find("team-crash", "erin", false)).get().satisfies(m -> assertThat(m.roleId()).isEqualTo(2));
        assertThat(inbox.pending(10_000)).as("settled like a webhook event")
                .noneMatch(e -> "team-crash".equals(e.project()));

        // the inbox write fails: nothing is stored, the cursor stays, and the next poll reads the row again
        FailingInbox failing = new FailingInbox(inbox);
        AuditLogTail restarted = new AuditLogTail();
        restarted.sites = sites;
        restarted.cursors = cursors;
        restarted.ownWrites = ownWrites;
        restarted.inbox = failing.proxy();
        restarted.worker = worker;
        restarted.executor = executor;
        restarted.poll(); // a new process: reads the overlap behind the cursors once
        h1.members().add("team-crash", new MemberReq(3, new UserEntity(null, "frank"), null));
        long cursorBefore = cursors.get("h1").orElseThrow();
        failing.fail = true;
        assertThat(restarted.poll()).as("nothing stored, nothing reconciled").isEmpty();
        assertThat(cursors.get("h1").orElseThrow()).as("the cursor did not advance").isEqualTo(cursorBefore);
        assertThat(h2.members().find("team-crash", "frank", false)).isEmpty();
        failing.fail = false;
        assertThat(restarted.poll()).contains("team-crash");
        assertThat(cursors.get("h1").orElseThrow()).isGreaterThan(cursorBefore);
        assertThat(h2.members().find("team-crash", "frank", false)).get().satisfies(m -> assertThat(m.roleId()).isEqualTo(3));
    }

    /** The inbox, except that storing hints with a cursor fails while {@link #fail} is set. */
    static final class FailingInbox {
        private final io.harborsync.store.EventInbox real;
        volatile boolean fail;

        FailingInbox(io.harborsync.store.EventInbox real) {
            this.real = real;
        }

        io.harborsync.store.EventInbox proxy() {
            return (io.harborsync.store.EventInbox) java.lang.reflect.Proxy.newProxyInstance(
                    io.harborsync.store.EventInbox.class.getClassLoader(),
                    new Class<?>[]{io.harborsync.store.EventInbox.class}, (p, m, args) -> {
                        if (fail && m.getName().equals("addWithCursor")) {
                            throw new io.harborsync.store.StoreException("simulated: the database is gone", null);
                        }
                        try {
                            return m.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
