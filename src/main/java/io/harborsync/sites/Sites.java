package io.harborsync.sites;

import io.harborsync.config.SiteResolver;
import io.harborsync.config.ConfigProblem;
import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.demo.DemoHarbors;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Harbor sites this daemon works on, and one {@link HarborClient} per site. Configured sites win;
 * with none configured, demo mode starts two emulated Harbors and uses them. Creation fails with a
 * {@link ConfigProblem} on invalid configuration, which the entry point reports as one line.
 */
@ApplicationScoped
public class Sites {
    private static final Logger LOG = Logger.getLogger(Sites.class);

    @Inject
    HarborSyncConfig config;

    /** Every client's write fence: only the leader writes (issue 17). */
    @Inject
    io.harborsync.ha.Leadership leadership;

    private List<Site> sites;
    private final Map<String, HarborClient> clients = new LinkedHashMap<>();
    private DemoHarbors demo;

    @PostConstruct
    void init() {
        List<Site> configured = SiteResolver.resolve(config.sites());
        if (configured.isEmpty() && !config.daemon().enabled()) {
            // A one-shot command without sites: no demo Harbors (they would take the running demo's ports).
            sites = List.of();
            return;
        }
        if (configured.isEmpty()) {
            demo = DemoHarbors.start(config.demo().h1Port(), config.demo().h2Port());
            configured = demo.sites();
        }
        sites = configured;
        CircuitBreaker.Settings breaker = breakerSettings(config.http().breaker());
        if (config.http().maxConcurrency() < 1) {
            throw new ConfigProblem("harbor-sync.http.max-concurrency must be at least 1, got "
                    + config.http().maxConcurrency());
        }
        java.time.Duration idle = config.http().sessionIdleTimeout();
        if (idle.isNegative() || idle.isZero()) {
            throw new ConfigProblem("harbor-sync.http.session-idle-timeout must be positive, got " + idle);
        }
        for (Site s : sites) {
            clients.put(s.name(), HarborClientFactory.create(s, config.http().connectTimeout(),
                    config.http().readTimeout(), config.http().pageSize(), config.http().maxConcurrency(), breaker,
                    Clock.systemUTC(), leadership, idle, System::nanoTime));
        }
        LOG.infof("harbor-sync works on %d sites: %s", sites.size(), sites);
    }

    public static CircuitBreaker.Settings breakerSettings(HarborSyncConfig.Breaker b) {
        if (b.failureThreshold() < 0) {
            throw new ConfigProblem("harbor-sync.http.breaker.failure-threshold must be 0 (off) or more, got "
                    + b.failureThreshold());
        }
        if (b.openFor().isNegative() || b.openFor().isZero()) {
            throw new ConfigProblem("harbor-sync.http.breaker.open-for must be positive, got " + b.openFor());
        }
        return new CircuitBreaker.Settings(b.failureThreshold(), b.openFor());
    }

    @PreDestroy
    void close() {
        if (demo != null) {
            demo.close();
        }
    }

    public List<Site> all() {
        return sites;
    }

    public Optional<Site> byName(String name) {
        return sites.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public HarborClient client(String site) {
        HarborClient c = clients.get(site);
        if (c == null) {
            throw new IllegalArgumentException("unknown site " + site);
        }
        return c;
    }

    /** True when the sites are emulators started by this process. */
    public boolean isDemo() {
        return demo != null;
    }

    public Optional<DemoHarbors> demo() {
        return Optional.ofNullable(demo);
    }
}
