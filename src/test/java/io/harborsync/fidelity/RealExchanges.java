package io.harborsync.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.harborsync.testsupport.PlainHarborHttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recording of 2026-12-01 (src/test/resources/harbor/real-exchanges-v2.15.2.json, test data kept verbatim in
 * the project): the same request sequence sent to a real Harbor v2.15.2 and to the emulator of that day. Only the request and the real answer are used; the recorded emulator answer is history.
 */
final class RealExchanges {
    static final String RESOURCE = "/harbor/real-exchanges-v2.15.2.json";

    /** A recorded answer: status, headers with lower-case names, body as text. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
    }

    /** What was sent: {@code auth} names an account (its credentials are the replay's business), or is null. */
    record Sent(String method, String path, Map<String, String> headers, JsonNode body, String auth) {
    }

    /**
     * One step. Action steps ({@code action}) did something other than a REST call in the real run (a push with a
     * registry client, a pause for replication, noting a time or the newest audit id) and carry {@code ctx}: the
     * values known so far by name, real and recorded-emulator side.
     */
    record Step(String id, String desc, boolean action, JsonNode ctx, Sent request, Answer real) {
        /** The step id prefix: proj, mem, robot, dsync, ... */
        String area() { return id.contains(".") ? id.substring(0, id.indexOf('.')) : id; }
    }

    record Recording(Map<String, String> globals, List<Step> steps) {
    }

    private RealExchanges() {
    }

    static Recording load() {
        try (InputStream in = RealExchanges.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the test class path");
            JsonNode root = PlainHarborHttp.JSON.readTree(in);
            Map<String, String> globals = new LinkedHashMap<>();
            root.path("globals").fields().forEachRemaining(e -> globals.put(e.getKey(), e.getValue().asText()));
            List<Step> steps = new ArrayList<>();
            for (JsonNode s : root.path("results")) steps.add(step(s));
            return new Recording(globals, steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Step step(JsonNode s) {
        String id = s.path("id").asText();
        String desc = s.path("desc").asText();
        if (s.path("action").asBoolean(false)) return new Step(id, desc, true, s.path("ctx"), null, null);
        JsonNode q = s.path("request");
        Sent sent = new Sent(q.path("method").asText(), q.path("path").asText(), strings(q.path("headers"), false),
                q.hasNonNull("body") ? q.get("body") : NullNode.getInstance(),
                q.hasNonNull("auth") ? q.get("auth").asText() : null);
        JsonNode r = s.path("real");
        Answer real = new Answer(r.path("status").asInt(), strings(r.path("headers"), true), r.path("body").asText(""));
        return new Step(id, desc, false, null, sent, real);
    }

    private static Map<String, String> strings(JsonNode obj, boolean lowerCase) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(lowerCase ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey(), e.getValue().asText());
        }
        return m;
    }
}
