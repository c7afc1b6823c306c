package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a handler answers; the server adds X-Request-Id and Set-Cookie. */
final class Response {
    final int status;
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final byte[] body;

    private Response(int status, String contentType, byte[] body) {
        this.status = status;
        this.body = body == null ? new byte[0] : body;
        if (contentType != null) header("Content-Type", contentType);
    }

    static Response json(int status, JsonNode node) { return new Response(status, "application/json", Json.bytes(node)); }
    static Response ok(JsonNode node) { return json(200, node); }
    static Response text(int status, String text) { return new Response(status, "text/plain", text.getBytes(StandardCharsets.UTF_8)); }
    /** Harbor's 200 with no body (PUT, DELETE). */
    static Response empty() { return new Response(200, null, null); }
    static Response status(int status) { return new Response(status, null, null); }
    /** 201 + Location, no body (api-notes 4: create answers carry no body). */
    static Response created(String location) { return new Response(201, null, null).header("Location", location); }
    /** Harbor's error answers say their charset, its successful JSON does not (observations §1, "all error answers"). */
    static Response error(ApiError e) {
        return new Response(e.status, "application/json; charset=utf-8", Json.bytes(Json.errors(e.code, e.getMessage())));
    }

    Response header(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }
}
