package io.harborsync.sites;

import io.harborsync.config.ConfigProblem;
import io.harborsync.config.Site;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.OverallHealth;
import io.harborsync.harbor.HarborModel.SystemInfo;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.health.api.HealthType;
import io.smallrye.health.registry.HealthRegistries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * One readiness check per site in /q/health/ready: reachable, Harbor itself healthy, and our
 * credentials accepted (systeminfo shows harbor_version only to authenticated callers).
 */
@ApplicationScoped
public class SiteReadinessChecks {
    @Inject
    io.harborsync.config.HarborSyncConfig config;

    @Inject
    Sites sites;

    @Inject
    io.harborsync.ha.Leadership leadership;

    void register(@Observes StartupEvent ev) {
        if (!config.daemon().enabled()) {
            return; // a one-shot command, not the daemon
        }
        try {
            HealthRegistry readiness = HealthRegistries.getRegistry(HealthType.READINESS);
            for (Site site : sites.all()) {
                // Health checks run on the event loop; the Harbor client blocks, so hop to a worker thread.
                AsyncHealthCheck check = () -> Uni.createFrom().item(() -> check(site))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                readiness.register("site-" + site.name(), check);
            }
            // UP on every replica (each takes webhooks in); its data says which one leads
            readiness.register("leadership", (org.eclipse.microprofile.health.HealthCheck) () -> {
                io.harborsync.ha.Leadership.View v = leadership.view();
                HealthCheckResponseBuilder b = HealthCheckResponse.named("leadership").up()
                        .withData("role", v.role().name().toLowerCase(java.util.Locale.ROOT))
                        .withData("replica", v.replica());
                v.leader().ifPresent(l -> b.withData("leader", l.id()));
                return b.build();
            });
        } catch (RuntimeException e) {
            if (ConfigProblem.in(e).isEmpty()) {
                throw e;
            }
            // invalid configuration: the entry point reports it and exits
        }
    }

    /** One health check of a site (also what automatic failover asks, see io.harborsync.proxy). */
    public HealthCheckResponse check(Site site) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("site " + site.name())
                .withData("url", site.url().toString());
        HarborClient client = sites.client(site.name());
        try {
            OverallHealth health = client.health();
            SystemInfo info = client.systemInfo();
            b.withData("harbor", String.valueOf(health.status()));
            if (info.harborVersion() == null) {
                // bad credentials are anonymous on real Harbor, not 401 (observations §2, auth.wrongpw.sysinfo)
                return b.down().withData("error", site.name() + ": " + HarborClient.NOT_AUTHENTICATED)
                        .withData("account", site.username()).build();
            }
            b.withData("version", info.harborVersion());
            return health.healthy() ? b.up().build() : b.down().build();
        } catch (HarborException.Unauthorized e) {
            // a user's login session refused (wrong password): the same words as Basic auth's anonymous answer
            return b.down().withData("error", site.name() + ": " + HarborClient.NOT_AUTHENTICATED)
                    .withData("account", site.username()).build();
        } catch (HarborException e) {
            return b.down().withData("error", e.getMessage()).build();
        }
    }
}
