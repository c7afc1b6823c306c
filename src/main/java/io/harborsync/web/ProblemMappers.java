package io.harborsync.web;

import io.harborsync.http.ProblemException;
import io.harborsync.http.Problem;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns every error of our REST endpoints into a {@link Problem}: our own {@link ProblemException}s, the
 * framework's 4xx (unknown path, wrong method, unsupported content type, unreadable JSON) and, as a 500,
 * anything unexpected. A 500 carries an incident id only; the exception is logged once, here.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return Problem.response(e.getResponse().getStatus(), e.detail(), path(uri));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return json instanceof JsonMappingException mapping && !(json instanceof JsonParseException)
                    ? wrongShape(mapping, uri) : unreadableJson(json, uri);
        }
        String path = path(uri);
        String detail = switch (status) {
            case 400 -> "the request is malformed";
            case 401 -> "authentication is required";
            case 403 -> "not allowed";
            case 404 -> "nothing here: " + path;
            case 405 -> "method not allowed on " + path + allowed(e);
            case 406 -> "no acceptable representation; this endpoint answers JSON";
            case 413 -> "the request body is too large";
            case 415 -> "content type " + contentType(headers) + " is not supported here";
            default -> Problem.reason(status);
        };
        Response problem = Problem.response(status, detail, path);
        if (status == 405 && e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            return Response.fromResponse(problem).header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW)).build();
        }
        return problem;
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        return Problem.response(400, "the request body is not valid JSON" + location(e), path(uri));
    }

    // Quarkus has its own mapper for MismatchedInputException (plain JSON body): ours takes over.
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return wrongShape(e, uri);
    }

    @ServerExceptionMapper
    public Response wrongShape(JsonMappingException e, UriInfo uri) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return Problem.response(400, "the request body has the wrong shape"
                + (field.isEmpty() ? "" : " at '" + field + "'") + location(e), path(uri));
    }

    /** Work that only the leader may do reached a replica that is not (or no longer) the leader. */
    @ServerExceptionMapper
    public Response notLeader(io.harborsync.ha.NotLeaderException e, UriInfo uri) {
        return Response.fromResponse(Problem.response(503, e.getMessage() + "; try again (the leader answers)",
                path(uri))).header("Retry-After", "2").build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String incident = UUID.randomUUID().toString();
        // Logged once, here. Request headers (Authorization) are never part of it.
        LOG.errorf(e, "unexpected error (incident %s) on %s", incident, path(uri));
        return Problem.response(500, "internal error; the server log has the details under incident " + incident,
                path(uri));
    }

    private static String location(JsonProcessingException e) {
        if (e.getLocation() == null || e.getLocation().getLineNr() < 0) {
            return "";
        }
        return " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static String allowed(WebApplicationException e) {
        if (e instanceof NotAllowedException && e.getResponse().getAllowedMethods() != null
                && !e.getResponse().getAllowedMethods().isEmpty()) {
            return "; allowed: " + String.join(", ", new java.util.TreeSet<>(e.getResponse().getAllowedMethods()));
        }
        return "";
    }

    private static String contentType(HttpHeaders headers) {
        String ct = headers == null ? null : headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        return ct == null ? "(none)" : sanitize(ct);
    }

    static String path(UriInfo uri) {
        return uri == null ? null : sanitize("/" + uri.getPath().replaceFirst("^/", ""));
    }

    /** Keeps echoed client input short and printable. */
    static String sanitize(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }
}
