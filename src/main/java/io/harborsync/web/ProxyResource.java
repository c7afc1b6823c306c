package io.harborsync.web;

import io.harborsync.http.ProblemException;
import io.harborsync.http.Problem;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.Map;

/** The active site behind core.harbor.domain, and switching it by hand (failover, maintenance). */
@Path("/proxy")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = HarborSyncApi.PROXY)
@SecurityRequirement(name = HarborSyncApi.ADMIN_TOKEN)
@APIResponse(responseCode = "401", ref = HarborSyncApi.ADMIN_UNAUTHORIZED_REF)
public class ProxyResource {
    private static final Logger LOG = Logger.getLogger(ProxyResource.class);

    @Inject
    ActiveSite activeSite;

    /** {@code PUT /proxy/active} body. */
    public record SwitchRequest(String site) {
    }

    @GET
    @Operation(summary = "The active site", description = "Where core.harbor.domain points (and what the active-site"
            + " conflict policy prefers), the known sites, the backend, the failover settings and the last switches.")
    @APIResponse(responseCode = "200", description = "The proxy state")
    @APIResponse(responseCode = "400", ref = HarborSyncApi.UNKNOWN_QUERY_PARAMETER_REF)
    public Map<String, Object> state() {
        return activeSite.snapshot();
    }

    @PUT
    @Path("active")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch the active site (manual failover or failback)",
            description = "With harbor-sync.proxy.kubernetes.enabled=true the Contour HTTPProxy is patched first; the"
                    + " daemon's active site changes only when that worked.")
    @APIResponse(responseCode = "200", description = "The proxy state after the switch")
    @APIResponse(responseCode = "400", description = "The body is not {\"site\":\"<name>\"}, the site is unknown, or a query"
            + " parameter was given (this endpoint takes none)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is not application/json", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "The Kubernetes API refused the switch; the active site is unchanged",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The Kubernetes API is unreachable; the active site is unchanged",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
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
