package io.harborsync.proxy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.harborsync.config.ConfigProblem;
import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.sites.SiteReadinessChecks;
import io.harborsync.proxy.ProxySwitch.Reason;
import io.harborsync.proxy.ProxySwitch.Switch;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one home of "which site is active" (where core.harbor.domain points, where users write) at run
 * time. Starts from the proxy object when the Kubernetes backend is on and the object can be read, else
 * from {@code harbor-sync.active-site} (default: the first site by name). The sync engine's
 * {@code active-site} conflict policy reads it for every reconcile, so it follows a switch at once.
 */
@ApplicationScoped
public class ActiveSite implements io.harborsync.sites.ActiveSiteName {
    @jakarta.inject.Inject
    io.harborsync.metrics.Metrics metrics;

    private static final Logger LOG = Logger.getLogger(ActiveSite.class);

    @Inject
    HarborSyncConfig config;
    @Inject
    ProxyConfig proxyConfig;
    @Inject
    Sites sites;
    /** Only the leader switches the proxy (a follower forwards the call: issue 17). */
    @Inject
    io.harborsync.ha.Leadership leadership;
    @Inject
    Instance<KubernetesClient> kubernetes;
    @Inject
    SiteReadinessChecks readiness;

    private volatile ProxySwitch proxy;
    private volatile Failover failover;

    /** The active site's name. */
    @Override
    public String name() {
        return proxy().active();
    }

    /** @see ProxySwitch#switchTo */
    public Optional<Switch> switchTo(String site, Reason reason, String by) {
        leadership.checkBatch(); // a replica that lost leadership (frozen, cut off) must not switch it back
        return proxy().switchTo(site, reason, by);
    }

    public ProxySwitch proxy() {
        ProxySwitch p = proxy;
        if (p == null) {
            synchronized (this) {
                if (proxy == null) {
                    proxy = create();
                }
                p = proxy;
            }
        }
        return p;
    }

    private ProxySwitch create() {
        List<String> names = sites.all().stream().map(Site::name).sorted().toList();
        String configured = config.activeSite().orElse(names.get(0));
        if (!names.contains(configured)) {
            throw new ConfigProblem("harbor-sync.active-site: '" + configured + "' is not one of the sites " + names);
        }
        for (String site : proxyConfig.namespaces().keySet()) {
            if (!names.contains(site)) {
                throw new ConfigProblem("harbor-sync.proxy.namespaces: '" + site + "' is not one of the sites " + names);
            }
        }
        ProxyBackend backend = ProxyBackend.NONE;
        String initial = configured;
        if (proxyConfig.kubernetes().enabled()) {
            ProxyConfig.Kubernetes k = proxyConfig.kubernetes();
            backend = new HttpProxyBackend(kubernetes.get(), k.namespace(), k.name(), k.childName(),
                    HttpProxyBackend.namespaces(names, proxyConfig.namespaces()));
            initial = fromProxy(backend, configured);
        }
        LOG.infof("proxy: active site %s (backend %s%s)", initial, backend.name(),
                backend.object().map(o -> ", " + o).orElse(""));
        ProxySwitch created = new ProxySwitch(names, initial, backend, Clock.systemUTC());
        created.onSwitch(s -> metrics.proxySwitched(s.from(), s.to(), s.reason().id()));
        return created;
    }

    /** The site the proxy points at; the configured one when it cannot tell (the daemon must still start). */
    private static String fromProxy(ProxyBackend backend, String configured) {
        try {
            Optional<String> site = backend.readActive();
            if (site.isEmpty()) {
                LOG.warnf("proxy: %s includes no namespace of a known site (harbor-sync.proxy.namespaces);"
                        + " assuming %s is active", backend.object().orElseThrow(), configured);
            }
            return site.orElse(configured);
        } catch (ProxyBackendException e) {
            LOG.warnf("proxy: %s; assuming %s is active", e.getMessage(), configured);
            return configured;
        }
    }

    private Failover failover() {
        Failover f = failover;
        if (f == null) {
            synchronized (this) {
                if (failover == null) {
                    ProxyConfig.Failover c = proxyConfig.failover();
                    Failover.Settings settings;
                    try {
                        settings = new Failover.Settings(c.threshold(), c.minDwell(), c.failback());
                    } catch (IllegalArgumentException e) {
                        throw new ConfigProblem("harbor-sync.proxy.failover: " + e.getMessage());
                    }
                    failover = new Failover(proxy(), this::healthy, settings);
                }
                f = failover;
            }
        }
        return f;
    }

    private boolean healthy(String site) {
        return readiness.check(sites.byName(site).orElseThrow()).getStatus() == HealthCheckResponse.Status.UP;
    }

    @Scheduled(every = "${harbor-sync.proxy.failover.interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void checkHealth() {
        if (!proxyConfig.failover().enabled() || !config.daemon().enabled() || !leadership.isLeader()) {
            return; // the leader watches the sites and switches; the followers would only fight it
        }
        try {
            failover().tick();
        } catch (RuntimeException e) {
            LOG.warnf("proxy: health check round failed: %s", e.getMessage());
        }
    }

    /** The state for GET /proxy and the proxy section of /status. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>(proxy().snapshot());
        Map<String, Object> auto = new LinkedHashMap<>();
        auto.put("enabled", proxyConfig.failover().enabled());
        if (proxyConfig.failover().enabled()) {
            auto.putAll(failover().snapshot());
        }
        out.put("failover", auto);
        return out;
    }
}
