package io.harborsync.web;

import io.harborsync.http.Secrets;
import io.harborsync.http.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/** Guards {@link AdminOnly} endpoints: {@code Authorization: Bearer <harbor-sync.admin-token>}, compared in constant time. */
public class AdminAuthFilter {
    static final String CHALLENGE = "Bearer realm=\"harbor-sync admin\"";

    @Inject
    AdminToken adminToken;

    @ServerRequestFilter
    @AdminOnly
    public Optional<Response> requireAdminToken(ContainerRequestContext request) {
        String instance = ProblemMappers.sanitize(request.getUriInfo().getRequestUri().getRawPath());
        Optional<String> expected = adminToken.get();
        if (expected.isEmpty()) {
            return Optional.of(unauthorized("harbor-sync.admin-token is not set, so the admin API refuses every call;"
                    + " set it and send it as 'Authorization: Bearer <token>'", instance));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return Optional.of(unauthorized("missing 'Authorization: Bearer <harbor-sync.admin-token>'", instance));
        }
        String given = bearer(header);
        if (given == null) {
            return Optional.of(unauthorized("the Authorization header must use the Bearer scheme", instance));
        }
        if (!Secrets.constantTimeEquals(expected.get(), given)) {
            return Optional.of(unauthorized("wrong admin token", instance));
        }
        return Optional.empty();
    }

    /** The token of a {@code Bearer} header (scheme case-insensitive), or null. */
    static String bearer(String header) {
        String h = header.strip();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).strip();
        }
        return null;
    }

    private static Response unauthorized(String detail, String instance) {
        return Response.fromResponse(Problem.response(401, detail, instance))
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build();
    }
}
