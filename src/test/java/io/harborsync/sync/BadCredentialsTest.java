package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Kind;
import io.harborsync.config.Site;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.store.BaseRecord;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A site whose password was rotated: real Harbor answers bad credentials as anonymous, 200 with the public
 * projects only (observations §2, steps auth.wrongpw.list, auth.wrongpw.repos, auth.none.getpublic). The daemon
 * must take that site as unknown for the whole run, never read the missing private projects as deleted.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class BadCredentialsTest {
    SyncFixture f;
    Reconciler sync;

    @BeforeEach
    void twoSitesInStep() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        f.emulators.values().forEach(e -> e.addUser("alice"));
        HarborClient h1 = f.client("h1");
        for (String name : List.of("open-a", "closed-b", "closed-c")) {
            h1.projects().create(new ProjectReq(name, name.startsWith("open"), Map.of(), CveAllowlist.portable(null, List.of()),
                    null, null));
            h1.members().add(name, new MemberReq(2, new UserEntity(null, "alice"), null));
        }
        f.emulator("h1").pushArtifact("open-a", "app", null, "v1");
        f.emulator("h1").pushArtifact("closed-b", "app", null, "v1");
        sync = f.reconciler(SyncSettings.defaults("h1"));
        SyncReport first = sync.run(Scope.ALL, false, false);
        assertThat(first.failed()).isEmpty();
        assertThat(first.unknownSites()).isEmpty();
        // h1's password is rotated and the daemon still has the old one
        f.clients.put("h1", HarborClientFactory.create(new Site("h1", f.emulator("h1").baseUrl(), "admin", "Old-Passw0rd",
                        Optional.empty(), Optional.empty(), Site.Auth.BASIC), Duration.ofSeconds(2), Duration.ofSeconds(10), 100,
                CircuitBreaker.Settings.OFF, Clock.systemUTC()));
        sync = f.reconciler(SyncSettings.defaults("h1"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aFullReconcileTakesTheSiteAsUnknownAndDeletesNothing() {
        Map<String, Object> h1Before = f.dump("h1");
        Map<String, Object> h2Before = f.dump("h2");
        List<BaseRecord> baseBefore = base();

        assertH1UnknownAndNothingTouched(sync.run(Scope.ALL, false, false), h2Before, baseBefore);
        assertThat(f.dump("h1")).isEqualTo(h1Before);
    }

    /** h1 is reported unknown for its credentials (never naming the password), nothing planned, done or moved. */
    private void assertH1UnknownAndNothingTouched(SyncReport r, Map<String, Object> h2Before,
                                                  List<BaseRecord> baseBefore) {
        assertThat(r.unknownSites()).singleElement().asString()
                .startsWith("h1: ").contains(HarborClient.NOT_AUTHENTICATED).doesNotContain("Old-Passw0rd");
        assertThat(r.planned()).isEmpty();
        assertThat(r.done()).isEmpty();
        assertThat(f.dump("h2")).isEqualTo(h2Before);
        assertThat(base()).isEqualTo(baseBefore);
    }

    @Test
    void withALoginSessionTheOldPasswordIsRefusedAtLoginAndTheSiteIsUnknown() {
        // the default for a user account: a session, whose login answers 401 to a wrong password
        f.clients.put("h1", HarborClientFactory.create(new Site("h1", f.emulator("h1").baseUrl(), "admin", "Old-Passw0rd",
                        Optional.empty(), Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(10), 100,
                CircuitBreaker.Settings.OFF, Clock.systemUTC()));
        sync = f.reconciler(SyncSettings.defaults("h1"));
        Map<String, Object> h2Before = f.dump("h2");
        List<BaseRecord> baseBefore = base();

        assertH1UnknownAndNothingTouched(sync.run(Scope.ALL, false, false), h2Before, baseBefore);
    }

    @Test
    void aSingleProjectReconcileOfAPublicProjectTakesTheSiteAsUnknown() {
        Map<String, Object> h2Before = f.dump("h2");
        List<BaseRecord> baseBefore = base();
        // the anonymous read of a public project answers 200 on real Harbor (auth.none.getpublic)
        assertThat(f.client("h1").projects().find("open-a")).isPresent();

        SyncReport r = sync.run(Scope.project("open-a"), false, false);

        assertThat(r.unknownSites()).singleElement().asString()
                .startsWith("h1: ").contains(HarborClient.NOT_AUTHENTICATED);
        assertThat(r.planned()).isEmpty();
        assertThat(f.dump("h2")).isEqualTo(h2Before);
        assertThat(base()).isEqualTo(baseBefore);
    }

    private List<BaseRecord> base() {
        List<BaseRecord> all = new ArrayList<>();
        for (Kind k : KindRegistry.standard().kinds()) {
            all.addAll(f.store.list(k.id(), ""));
        }
        return all;
    }
}
