package io.harborsync.web;

import io.harborsync.proxy.ActiveSite;
import io.harborsync.proxy.ProxyBackendException;
import io.harborsync.proxy.ProxySwitch;
import io.harborsync.proxy.UnknownSiteException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.util.Map;

/** The active site behind core.harbor.domain, and switching it by hand (failover, maintenance). */
@Path("/proxy")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class ProxyResource {
    private static final Logger LOG = Logger.getLogger(ProxyResource.class);

    @Inject
    ActiveSite activeSite;

    /** {@code PUT /proxy/active} body. */
    public record SwitchRequest(String site) {
    }

    @GET
    public Map<String, Object> state() {
        return activeSite.snapshot();
    }

    @PUT
    @Path("active")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> switchTo(SwitchRequest body, @Context HttpServerRequest request) {
        if (body == null || body.site() == null || body.site().isBlank()) {
            throw new ProblemException(400, "the body must be {\"site\":\"<name>\"} with one of the sites "
                    + activeSite.proxy().sites());
        }
        String by = "admin API from " + (request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress());
        switchTo(activeSite.proxy(), body.site(), by);
        return activeSite.snapshot();
    }

    /** The switch with its failures as problems: unknown site 400, proxy refused 502, unreachable 503. */
    static void switchTo(ProxySwitch proxy, String site, String by) {
        try {
            proxy.switchTo(site, ProxySwitch.Reason.MANUAL, by);
        } catch (UnknownSiteException e) {
            throw new ProblemException(400, "unknown site '" + ProblemMappers.sanitize(site) + "'; the sites are "
                    + e.known());
        } catch (ProxyBackendException e) {
            // The message names the object and an HTTP status, nothing of the API server's answer.
            LOG.warnf("proxy: switch to %s (%s) failed: %s", site, by, e.getMessage());
            throw new ProblemException(e.unreachable() ? 503 : 502, "the active site is still " + proxy.active()
                    + ": " + e.getMessage());
        }
    }
}
