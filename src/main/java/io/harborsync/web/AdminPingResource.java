package io.harborsync.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** The smallest admin endpoint: lets an operator (and the tests) check the admin token. */
@Path("/admin/ping")
@AdminOnly
public class AdminPingResource {
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> ping() {
        return Map.of("status", "ok");
    }
}
