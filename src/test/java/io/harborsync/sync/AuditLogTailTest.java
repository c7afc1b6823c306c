package io.harborsync.sync;

import io.harborsync.config.Sites;
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

    @Inject
    OwnWrites ownWrites;
}
