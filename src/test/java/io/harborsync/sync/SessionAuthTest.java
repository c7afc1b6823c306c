package io.harborsync.sync;

import io.harborsync.config.Site;
import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.HarborCpu;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon with a user account (issue 18): its reconciles really use Harbor's session (the modelled Harbor CPU per
 * request is the session's, not the ~100 ms of a user's Basic auth), and a session Harbor loses in the middle of a
 * read, which Harbor answers as anonymous (the public projects only, no 401), never makes the private projects look
 * deleted: the client notices the made-up session, logs in again and resends, and the run takes the site as unknown.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class SessionAuthTest {
    SyncFixture f;

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        f.emulators.values().forEach(e -> e.addUser("alice"));
        HarborClient h1 = f.client("h1");
        for (int i = 0; i < 6; i++) {
            String name = (i == 0 ? "open-" : "closed-") + i;
            h1.projects().create(new ProjectReq(name, i == 0, Map.of(), CveAllowlist.portable(null, List.of()), null, null));
            h1.members().add(name, new MemberReq(2, new UserEntity(null, "alice"), null));
            f.emulator("h1").pushArtifact(name, "app", null, "v1");
        }
    }

    @AfterEach
    void close() {
        f.close();
    }

    private HarborClient client(String site, Site.Auth auth) {
        return HarborClientFactory.create(new Site(site, f.emulator(site).baseUrl(), "admin", "Harbor12345",
                        Optional.empty(), Optional.empty(), auth), Duration.ofSeconds(2), Duration.ofSeconds(10), 100,
                CircuitBreaker.Settings.OFF, Clock.systemUTC());
    }

    private HarborCpu.Totals reconcileCost(Site.Auth auth) {
        f.clients.put("h1", client("h1", auth));
        f.clients.put("h2", client("h2", auth));
        f.emulators.values().forEach(e -> e.resetHarborCpu());
        SyncReport r = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        assertThat(r.unknownSites()).isEmpty();
        assertThat(r.failed()).isEmpty();
        f.emulators.values().forEach(e -> e.awaitIdle(Duration.ofSeconds(5)));
        Map<HarborCpu.Account, Long> sum = new java.util.EnumMap<>(HarborCpu.Account.class);
        f.emulators.values().forEach(e -> e.harborCpu().byAccount().forEach((a, n) -> sum.merge(a, n, Long::sum)));
        return new HarborCpu.Totals(sum);
    }

    @Test
    void aUserAccountsReconcileCostsHarborTheSessionsCpuNotAPasswordCheckPerRequest() {
        HarborCpu.Totals session = reconcileCost(Site.Auth.AUTO);
        assertThat(session.requests()).isGreaterThan(50);
        assertThat(session.requests(HarborCpu.Account.BASIC_USER)).isZero();
        assertThat(session.requests(HarborCpu.Account.LOGIN)).as("one login per site").isEqualTo(2);
        assertThat(session.millisPerRequest()).as("%s", session).isLessThanOrEqualTo(5.0);

        HarborCpu.Totals basic = reconcileCost(Site.Auth.BASIC); // the same sites, now in agreement: reads only
        assertThat(basic.requests(HarborCpu.Account.BASIC_USER)).isEqualTo(basic.requests());
        assertThat(basic.millisPerRequest()).isEqualTo(100.0);
    }

    @Test
    void aSessionHarborLosesDuringTheReadMakesTheSiteUnknownAndNothingIsDeleted() {
        SyncReport first = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        assertThat(first.unknownSites()).isEmpty();
        Map<String, Object> h1Before = f.dump("h1");
        Map<String, Object> h2Before = f.dump("h2");
        List<BaseRecord> baseBefore = base();

        // Harbor's session store is lost after the 3rd API request of the next run's read of h1
        AtomicInteger requests = new AtomicInteger();
        ExchangeListener loseSessions = ex -> {
            if (ex.rawPath().startsWith("/api/v2.0/") && requests.incrementAndGet() == 3) {
                f.emulator("h1").forgetSessions();
            }
        };
        f.emulator("h1").addExchangeListener(loseSessions);
        long lostBefore = f.clients.get("h1").sessionsLost();
        SyncReport r;
        try {
            r = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        } finally {
            f.emulator("h1").removeExchangeListener(loseSessions);
        }
        assertThat(f.clients.get("h1").sessionsLost()).isEqualTo(lostBefore + 1);
        assertThat(r.unknownSites()).singleElement().asString().startsWith("h1: ")
                .contains(HarborClient.NOT_AUTHENTICATED).contains("login session");
        assertThat(r.planned()).isEmpty();
        assertThat(r.done()).isEmpty();
        assertThat(f.dump("h1")).isEqualTo(h1Before);
        assertThat(f.dump("h2")).isEqualTo(h2Before);
        assertThat(base()).isEqualTo(baseBefore);

        SyncReport next = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        assertThat(next.unknownSites()).as("the new session is trusted again").isEmpty();
        assertThat(next.failed()).isEmpty();
    }

    private List<BaseRecord> base() {
        List<BaseRecord> all = new ArrayList<>();
        for (Kind k : KindRegistry.standard().kinds()) {
            all.addAll(f.store.list(k.id(), ""));
        }
        return all;
    }
}
