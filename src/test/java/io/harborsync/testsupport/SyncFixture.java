package io.harborsync.testsupport;

import io.harborsync.config.Site;
import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborModel;
import io.harborsync.model.Keys;
import io.harborsync.sync.OwnWrites;
import io.harborsync.sync.SyncTestAccess;
import io.harborsync.store.BaseStore;
import io.harborsync.sync.Reconciler;
import io.harborsync.sync.SyncSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * N emulated Harbors (each watched by the suite's GlobalSpecGuard), with a product HarborClient for
 * each and a reconciler over them. Close it to stop the emulators and fail on any spec violation.
 */
public final class SyncFixture implements AutoCloseable {
    public final Map<String, HarborEmulator> emulators = new LinkedHashMap<>();
    public final Map<String, HarborClient> clients = new LinkedHashMap<>();
    /** Clients for the test's own "user" changes: patient, whatever timeout the daemon's clients get. */
    public final Map<String, HarborClient> users = new LinkedHashMap<>();
    public final Map<String, PlainHarborHttp> http = new LinkedHashMap<>();
    public BaseStore store;
    /** The reconcilers' journal of their own writes (what the daemon's event worker and audit tail consult). */
    public final OwnWrites ownWrites = new OwnWrites();

    public SyncFixture(BaseStore store, String... names) {
        this(store, Duration.ofSeconds(10), names);
    }

    /** @param readTimeout of the product clients: short when a test injects timeouts */
    public SyncFixture(BaseStore store, Duration readTimeout, String... names) {
        this(store, readTimeout, java.util.function.UnaryOperator.identity(), names);
    }

    /** @param options how the emulators differ from the defaults (e.g. a newer Harbor's member audit rows) */
    public SyncFixture(BaseStore store, Duration readTimeout, java.util.function.UnaryOperator<EmulatorOptions> options,
                       String... names) {
        this.store = store;
        for (String name : names) {
            HarborEmulator e = HarborEmulator.start(options.apply(EmulatorOptions.defaults(name)));
            emulators.put(name, e);
            http.put(name, new PlainHarborHttp(e));
            // No circuit breaker: the model histories take sites down and up again between runs with no time
            // passing, and check each run's decisions; a breaker would keep a recovered site unknown for its
            // open period. CircuitBreakerTest covers the breaker.
            clients.put(name, HarborClientFactory.create(new Site(name, e.baseUrl(), "admin", "Harbor12345",
                    Optional.empty(), Optional.empty()), Duration.ofSeconds(2), readTimeout, 100,
                    CircuitBreaker.Settings.OFF, Clock.systemUTC()));
            users.put(name, HarborClientFactory.create(new Site(name, e.baseUrl(), "admin", "Harbor12345",
                    Optional.empty(), Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(10), 100,
                    CircuitBreaker.Settings.OFF, Clock.systemUTC()));
        }
    }

    public HarborEmulator emulator(String site) {
        return emulators.get(site);
    }

    public HarborClient client(String site) {
        return clients.get(site);
    }

    public Reconciler reconciler(SyncSettings settings) {
        return new Reconciler(clients, store, settings, Clock.systemUTC(), ownWrites);
    }

    /**
     * What a site holds of what is synced, keyed like the engine keys it and without ids, so that two
     * sites can be compared with equals. Read with the patient "user" client.
     */
    public Map<String, Object> dump(String site) {
        HarborClient c = users.get(site);
        Map<String, Object> out = new java.util.TreeMap<>();
        for (HarborModel.Project p : c.projects().list()) {
            HarborModel.Project full = c.projects().get(p.name());
            out.put(Keys.project(p.name()), SyncTestAccess.projectValue(full,
                    c.quotas().ofProject(full.projectId()).map(HarborModel.Quota::hardStorage).orElse(null)));
            for (HarborModel.Member m : c.members().list(p.name())) {
                out.put(Keys.member(p.name(), m.entityName(), m.isGroup()), m.roleId());
            }
            for (HarborModel.Repository r : c.repositories().list(p.name())) {
                String repo = r.name().substring(p.name().length() + 1);
                out.put(Keys.repository(p.name(), repo), "exists");
                for (HarborModel.Artifact a : c.artifacts().list(p.name(), repo)) {
                    out.put(Keys.artifact(p.name(), repo, a.digest()), new java.util.TreeSet<>(a.tagNames()));
                }
            }
        }
        return out;
    }

    /** Every exchange so far was inside Harbor's spec (GlobalSpecGuard watches all emulators). */
    public void assertSpecClean() {
        List<String> v = GlobalSpecGuard.drain();
        if (!v.isEmpty()) {
            throw new AssertionError(v.size() + " Harbor spec violation(s):\n  " + String.join("\n  ", v));
        }
    }

    @Override
    public void close() {
        try {
            assertSpecClean();
        } finally {
            emulators.values().forEach(HarborEmulator::close);
        }
    }
}
