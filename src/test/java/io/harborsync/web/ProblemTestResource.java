package io.harborsync.web;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** Test-only endpoints (src/test: not in the daemon) that provoke each kind of error. */
@Path("/test-only/problems")
public class ProblemTestResource {
    public record Thing(String name, int count, List<String> tags) {
    }

    @POST
    @Path("/echo")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Thing echo(Thing thing) {
        return thing;
    }

    @GET
    @Path("/boom")
    public String boom() {
        throw new IllegalStateException("secret-internal-detail at db password=hunter2");
    }

    @GET
    @Path("/npe")
    public String npe() {
        String s = null;
        return s.trim();
    }
}
