package io.harborsync.web;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** The smallest admin endpoint: lets an operator (and the tests) check the admin token. */
@Path("/admin/ping")
@AdminOnly
@Tag(name = HarborSyncApi.ADMIN)
@SecurityRequirement(name = HarborSyncApi.ADMIN_TOKEN)
@APIResponse(responseCode = "401", ref = HarborSyncApi.ADMIN_UNAUTHORIZED_REF)
public class AdminPingResource {
    @GET
    @Operation(summary = "Check the admin token", description = "Answers {\"status\":\"ok\"} when the token is right.")
    @APIResponse(responseCode = "200", description = "The token is right")
    @APIResponse(responseCode = "400", ref = HarborSyncApi.UNKNOWN_QUERY_PARAMETER_REF)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> ping() {
        return Map.of("status", "ok");
    }
}
