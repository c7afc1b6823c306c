package io.harborsync.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem: the body of every 4xx/5xx answer of harbor-sync's own endpoints, sent as
 * {@value #MEDIA_TYPE}. {@code type} is {@code about:blank} (the status says it all) unless a more
 * specific problem type is given; {@code title} is then the status' reason phrase. {@code detail} is
 * written for the operator: it says what is wrong and, where possible, what to do. It never carries
 * exception text or secrets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details: what is wrong and, where possible, what to do")
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Problem of(int status, String detail, String instance) {
        return new Problem("about:blank", reason(status), status, detail, instance);
    }

    /** The problem as a response; serialised here so that no provider or content negotiation can change it. */
    public Response toResponse() {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            body = ("{\"title\":\"" + reason(status) + "\",\"status\":" + status + "}").getBytes();
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    /** The problem's JSON body, for answers written outside JAX-RS (a Vert.x handler). */
    public byte[] json() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            return ("{\"title\":\"" + reason(status) + "\",\"status\":" + status + "}").getBytes();
        }
    }

    public static Response response(int status, String detail, String instance) {
        return of(status, detail, instance).toResponse();
    }

    public static String reason(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        if (s != null) {
            return s.getReasonPhrase();
        }
        return switch (status) {
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
