package io.harborsync.http;

import jakarta.ws.rs.WebApplicationException;

/** Thrown by our endpoints to answer with a {@link Problem} of the given status and detail. */
public class ProblemException extends WebApplicationException {
    private final String detail;

    public ProblemException(int status, String detail) {
        super(detail, null, status);
        this.detail = detail;
    }

    public String detail() {
        return detail;
    }
}
