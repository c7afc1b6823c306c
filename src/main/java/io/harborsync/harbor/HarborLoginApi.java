package io.harborsync.harbor;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Harbor's UI login, outside the REST API v2.0 (src/core/controllers/base.go, {@code Login}): a form POST that
 * answers 200 with the {@code sid} cookie of a new session, 401 (empty) for wrong credentials or a robot, 403 without
 * a valid CSRF token. A GET passes Harbor's CSRF middleware, which hands out a token and its cookie whatever the
 * route then answers (it takes only POST). Built over the same TLS trust and timeouts as {@link HarborApi}, without
 * an error mapper: every answer comes back as it is and {@link HarborSession} reads it.
 */
@Path("/c/login")
public interface HarborLoginApi {

    @GET
    Response page();

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response login(@HeaderParam("Cookie") String cookie,
                   @HeaderParam(HarborSession.CSRF_HEADER) String csrfToken,
                   @HeaderParam("Origin") String origin,
                   @HeaderParam("Referer") String referer,
                   @FormParam("principal") String principal,
                   @FormParam("password") String password);
}
