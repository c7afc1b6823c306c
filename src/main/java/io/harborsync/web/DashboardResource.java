package io.harborsync.web;

import io.harborsync.http.Problem;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The operator dashboard at {@code /}. The page itself is public and holds no data: after the operator
 * enters the admin token (kept in the tab's sessionStorage, never in a URL or cookie), its script reads
 * {@code GET /status} and drives the admin API with {@code Authorization: Bearer}, refreshing itself.
 * Script and styles are files under /dashboard/ so that the policy below can forbid inline script.
 */
@Path("/")
public class DashboardResource {
    /** Seconds between refreshes of the data. */
    static final int REFRESH_SECONDS = 5;

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    @Inject
    Template dashboard;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The operator dashboard (HTML). Public and"
            + " empty: its data loads from /status once the admin token is entered, sent only as a bearer header")
    @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200",
            description = "The page")
    @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "500",
            description = "Unexpected error: a problem whose detail carries only an incident id",
            content = @org.eclipse.microprofile.openapi.annotations.media.Content(mediaType = Problem.MEDIA_TYPE,
                    schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(implementation = Problem.class)))
    public Response page() {
        return Response.ok(dashboard.data("refreshSeconds", REFRESH_SECONDS))
                .header("Content-Security-Policy", CSP)
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store")
                .build();
    }
}
