package io.harborsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.emulator.HarborEmulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Minimal JSON-over-HTTP test client (no cookie jar, like the daemon must be: api-notes 1 CSRF). */
public final class PlainHarborHttp {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String authorization;

    public PlainHarborHttp(HarborEmulator emulator) {
        this(emulator.baseUrl(), emulator.adminAuthorization());
    }

    public PlainHarborHttp(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public PlainHarborHttp as(String user, String password) { return new PlainHarborHttp(base, basic(user, password)); }

    public PlainHarborHttp anonymous() { return new PlainHarborHttp(base, null); }

    /** path relative to /api/v2.0 unless it starts with '/'. */
    public HttpRequest.Builder request(String method, String path, Object body) {
        String full = path.startsWith("/") ? path : HarborSpec.BASE_PATH + "/" + path;
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : toJson(body));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + full)).timeout(Duration.ofSeconds(10)).method(method, pub);
        if (body != null) b.header("Content-Type", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        return b;
    }

    public HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) { return send(request("GET", path, null)); }
    public HttpResponse<String> head(String path) { return send(request("HEAD", path, null)); }
    public HttpResponse<String> delete(String path) { return send(request("DELETE", path, null)); }
    public HttpResponse<String> post(String path, Object body) { return send(request("POST", path, body)); }
    public HttpResponse<String> put(String path, Object body) { return send(request("PUT", path, body)); }
    public HttpResponse<String> patch(String path, Object body) { return send(request("PATCH", path, body)); }

    /** The message of Harbor's error body {"errors":[{"code","message"}]}. */
    public static String message(HttpResponse<String> r) {
        return json(r).get("errors").get(0).get("message").asText();
    }

    /** An object's field names in their order. */
    public static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jackson's JSON text of a value (maps, lists, nodes). */
    public static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a project as admin and returns its id (from Location). */
    public long createProject(String name, boolean isPublic) {
        HttpResponse<String> r = post("projects", java.util.Map.of("project_name", name, "metadata",
                java.util.Map.of("public", String.valueOf(isPublic))));
        if (r.statusCode() != 201) throw new AssertionError("create project " + name + ": " + r.statusCode() + " " + r.body());
        String loc = r.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));
    }
}
