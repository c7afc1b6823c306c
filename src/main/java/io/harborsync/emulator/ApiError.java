package io.harborsync.emulator;

/** A Harbor error answer: status plus the code/message that go into {"errors":[...]} (api-notes 1). */
final class ApiError extends RuntimeException {
    final int status;
    final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String m) { return new ApiError(400, "BAD_REQUEST", m); }
    static ApiError unauthorized() { return new ApiError(401, "UNAUTHORIZED", "unauthorized"); }
    static ApiError forbidden(String m) { return new ApiError(403, "FORBIDDEN", m); }
    static ApiError notFound(String m) { return new ApiError(404, "NOT_FOUND", m); }
    static ApiError conflict(String m) { return new ApiError(409, "CONFLICT", m); }
    static ApiError precondition(String m) { return new ApiError(412, "PRECONDITION", m); }
    static ApiError unprocessable(String m) { return new ApiError(422, "UNPROCESSABLE_ENTITY", m); }
}
