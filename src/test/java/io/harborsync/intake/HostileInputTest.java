package io.harborsync.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded hostile input against {@code POST /webhooks/{site}} and the admin API. Every generated request is bad
 * (a well-formed event with the right secret is never generated), so every answer must be a 4xx problem and
 * nothing may reach the inbox. Requests go over a raw socket so that bytes no HTTP client would send (invalid
 * UTF-8 in paths and headers, lying lengths) can be sent too. Replay a run with {@code -Dhostile.seed=S};
 * {@code -Dhostile.requests=N} changes the number of requests.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class HostileInputTest {
    private static final String JSON = "application/json";
    private static final String CE = "application/cloudevents+json";
    private static final String ADMIN = "test-admin-token";
    private static final String TOKEN_HEADER = "Bearer " + ADMIN;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] SAMPLES = {"push-artifact.default.json", "delete-artifact.default.json",
            "delete-artifact-untagged.default.json", "push-artifact.cloudevents.json",
            "delete-artifact.cloudevents.json", "replication.default.json"};

    /** RFC 3986 characters and complete percent-escapes: what an HTTP server parses as a request target. */
    private static final java.util.regex.Pattern HTTP_TARGET =
            java.util.regex.Pattern.compile("(?:[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=]++|%[0-9A-Fa-f]{2})*+");

    @Inject
    Sites sites;
    @Inject
    AgroalDataSource db;

    @TestHTTPResource("/")
    URL base;

    private Random rnd;

    /** One request as bytes on the wire; {@code body == null} sends no body and no Content-Length. */
    record Req(String label, String method, String target, List<String> headers, byte[] body, boolean chunked,
               boolean problemRequired) {
        Req {
            // A request line that is not HTTP (raw space, control or non-ASCII bytes in the target) is refused by
            // the HTTP codec before any endpoint: a 4xx still, but not ours to shape as a problem.
            problemRequired = problemRequired && HTTP_TARGET.matcher(target).matches()
                    && headers.stream().allMatch(h -> h.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f));
        }
    }

    record Resp(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, UTF_8);
        }
    }

    private String secret(String site) {
        return sites.byName(site).flatMap(Site::webhookSecret).orElseThrow();
    }

    private long storedRows() throws Exception {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT COUNT(*) FROM inbox_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void everyHostileRequestIsA4xxProblemAndStoresNothing() throws Exception {
        long seed = Long.getLong("hostile.seed", System.nanoTime());
        int count = Integer.getInteger("hostile.requests", 1200);
        rnd = new Random(seed);
        List<Supplier<Req>> kinds = List.of(this::malformedJson, this::wrongTypeOrMissingField, this::invalidUtf8,
                this::deepNesting, this::badWebhookAuth, this::badAdminAuth, this::oddSiteOrProjectName,
                this::wrongContentType, this::wrongMethod, this::badAdminParameter);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> perKind = new TreeMap<>();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<Req> requests = new ArrayList<>();
        // The rare, heavy ones at fixed places; the rest drawn from the seed.
        requests.add(hugeBody(2 * 1024 * 1024, false, "/webhooks/h1"));
        requests.add(hugeBody(2 * 1024 * 1024, true, "/webhooks/h2"));
        requests.add(hugeBody(11 * 1024 * 1024, false, "/webhooks/h1"));
        requests.add(hugeBody(11 * 1024 * 1024, true, "/sync"));
        requests.addAll(foundBefore());
        while (requests.size() < count) {
            requests.add(kinds.get(rnd.nextInt(kinds.size())).get());
        }
        long before = storedRows();
        for (int i = 0; i < requests.size(); i++) {
            Req r = requests.get(i);
            perKind.merge(r.label().replaceFirst(":.*", "").replaceFirst(" \\d+ bytes.*", ""), 1, Integer::sum);
            String where = "request #" + i + " (" + r.label() + ", " + r.method() + " " + clip(r.target()) + ")";
            Resp resp;
            try {
                resp = send(r);
            } catch (IOException e) {
                failures.add(where + ": no answer: " + e);
                continue;
            }
            byStatus.merge(resp.status(), 1, Integer::sum);
            check(r, resp).ifPresent(f -> failures.add(where + ": " + f));
            long now = storedRows();
            if (now != before) {
                failures.add(where + ": stored " + (now - before) + " inbox row(s)");
                before = now;
            }
            if (failures.size() >= 25) {
                break;
            }
        }
        System.out.println("HostileInputTest: seed " + seed + ", " + requests.size() + " requests " + perKind);
        assertThat(failures).as("hostile input, seed %d (replay with -Dhostile.seed=%d)", seed, seed).isEmpty();

        // Still alive and still working.
        Resp live = send(new Req("live", "GET", "/q/health/live", List.of(), null, false, false));
        assertThat(live.status()).isEqualTo(200);
        assertThat(MAPPER.readTree(live.body()).path("status").asText()).isEqualTo("UP");
        long rows = storedRows();
        Resp ok = send(new Req("valid", "POST", "/webhooks/h1",
                List.of("Authorization: " + secret("h1"), "Content-Type: " + JSON),
                Samples.bytes("push-artifact.default.json"), false, false));
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(storedRows()).isEqualTo(rows + 1);

        Map<String, Object> figure = new java.util.LinkedHashMap<>();
        figure.put("requests", requests.size());
        figure.put("seed", Long.toString(seed));
        figure.put("perKind", perKind);
        figure.put("byStatus", byStatus);
        figure.put("failures", failures.size());
        figure.put("healthyAfterwards", "live UP, and a valid webhook was then stored");
        io.harborsync.testsupport.ReliabilityFigures.record("hostile-input", "webhook.HostileInputTest", figure);
    }

    /** Empty when the answer is right for a bad request: a 4xx, a problem without stack trace or secret. */
    private java.util.Optional<String> check(Req r, Resp resp) {
        int s = resp.status();
        if (s < 400 || s >= 500) {
            return java.util.Optional.of("status " + s + ": " + clip(resp.text()));
        }
        String body = resp.text();
        for (String secret : List.of(secret("h1"), secret("h2"), ADMIN, "Harbor12345")) {
            if (body.contains(secret)) {
                return java.util.Optional.of("the answer contains a secret");
            }
        }
        if (body.contains("Exception") || body.contains("\tat ") || body.contains("at io.")) {
            return java.util.Optional.of("stack trace text in the answer: " + clip(body));
        }
        if (!r.problemRequired() || r.method().equals("HEAD")) {
            return java.util.Optional.empty();
        }
        String ct = resp.headers().getOrDefault("content-type", "");
        if (!ct.startsWith("application/problem+json")) {
            return java.util.Optional.of("status " + s + " with content type '" + ct + "': " + clip(body));
        }
        try {
            JsonNode p = MAPPER.readTree(resp.body());
            if (p.path("status").asInt() != s || !p.path("title").isTextual()) {
                return java.util.Optional.of("not a problem for " + s + ": " + clip(body));
            }
        } catch (IOException e) {
            return java.util.Optional.of("problem body is not JSON: " + clip(body));
        }
        if (body.length() > 4096) {
            return java.util.Optional.of("problem body of " + body.length() + " characters echoes too much");
        }
        return java.util.Optional.empty();
    }

    // ---- generators -------------------------------------------------------------------------------------------

    private String site() {
        return rnd.nextBoolean() ? "h1" : "h2";
    }

    private String sample() {
        return SAMPLES[rnd.nextInt(SAMPLES.length)];
    }

    private static String contentTypeOf(String sample) {
        return sample.contains("cloudevents") ? CE : JSON;
    }

    private Req webhook(String label, String site, String contentType, byte[] body) {
        List<String> h = new ArrayList<>();
        h.add("Authorization: " + secret(site));
        if (contentType != null) {
            h.add("Content-Type: " + contentType);
        }
        return new Req(label, "POST", "/webhooks/" + site, h, body, false, true);
    }

    private Req malformedJson() {
        String name = sample();
        String text = Samples.text(name);
        String site = site();
        String body;
        String how;
        switch (rnd.nextInt(6)) {
            case 0 -> {
                how = "truncated";
                body = text.substring(0, rnd.nextInt(text.lastIndexOf('}')));
            }
            case 1 -> {
                how = "trailing garbage";
                String[] tails = {"x", "}", "{}", ",", "]", "null", "\"", "{\"type\":1}", "\u0000", "//", "0"};
                body = text.strip() + pick(tails);
            }
            case 2 -> {
                how = "bare value";
                String[] bare = {"1", "-0.5e3", "\"PUSH_ARTIFACT\"", "true", "false", "null", "[]", "[{}]",
                        "[" + text + "]", "\"" + text.replace("\"", "\\\"").replace("\n", "\\n") + "\""};
                body = pick(bare);
            }
            case 3 -> {
                how = "duplicate key";
                body = text.replaceFirst("\\{", "{\"type\":\"PUSH_ARTIFACT\",");
            }
            case 4 -> {
                how = "not JSON";
                String[] junk = {"type=PUSH_ARTIFACT", "<xml/>", "{'type':'PUSH_ARTIFACT'}", "{type:1}",
                        "{\"occur_at\":NaN}", "/* c */" + text, "{\"a\":1,}", "[1,2", "{\"a\"}", " ", "\n\n",
                        "\u00ef\u00bb\u00bf"};
                body = pick(junk);
            }
            default -> {
                how = "random bytes";
                byte[] b = new byte[1 + rnd.nextInt(512)];
                rnd.nextBytes(b);
                b[0] = (byte) '{';
                return webhook("malformed JSON: " + how, site, contentTypeOf(name), b);
            }
        }
        return webhook("malformed JSON: " + how + " " + name, site, contentTypeOf(name), body.getBytes(ISO_8859_1));
    }

    /** What the parser requires of a field: the bad values follow from it. */
    enum Need {REQUIRED_STRING, OPTIONAL_STRING, EPOCH_SECONDS, RFC3339, SPECVERSION, REQUIRED_OBJECT,
        OPTIONAL_OBJECT, NONEMPTY_ARRAY, DIGEST, PROJECT}

    private static Map<String, Need> fieldsOf(String sample) {
        Map<String, Need> m = new LinkedHashMap<>();
        boolean ce = sample.contains("cloudevents");
        String d = ce ? "data" : "event_data";
        m.put("type", Need.REQUIRED_STRING);
        m.put("operator", Need.OPTIONAL_STRING);
        if (ce) {
            m.put("specversion", Need.SPECVERSION);
            m.put("time", Need.RFC3339);
            m.put("requestid", Need.OPTIONAL_STRING);
        } else {
            m.put("occur_at", Need.EPOCH_SECONDS);
        }
        m.put(d, Need.REQUIRED_OBJECT);
        if (sample.startsWith("replication")) {
            m.put(d + ".replication", Need.REQUIRED_OBJECT);
            m.put(d + ".replication.job_status", Need.REQUIRED_STRING);
            m.put(d + ".replication.src_resource", Need.OPTIONAL_OBJECT);
            m.put(d + ".replication.dest_resource", Need.OPTIONAL_OBJECT);
            m.put(d + ".replication.src_resource.namespace", Need.PROJECT);
        } else {
            m.put(d + ".repository", Need.REQUIRED_OBJECT);
            m.put(d + ".repository.namespace", Need.PROJECT);
            m.put(d + ".repository.name", Need.OPTIONAL_STRING);
            m.put(d + ".repository.repo_full_name", Need.OPTIONAL_STRING);
            m.put(d + ".resources", Need.NONEMPTY_ARRAY);
            m.put(d + ".resources.0", Need.REQUIRED_OBJECT);
            m.put(d + ".resources.0.digest", Need.DIGEST);
            m.put(d + ".resources.0.tag", Need.OPTIONAL_STRING);
        }
        return m;
    }

    private JsonNode badValue(Need need) {
        List<JsonNode> v = new ArrayList<>(List.of(F.numberNode(0), F.numberNode(-1), F.numberNode(1.5), F.booleanNode(true),
                F.arrayNode(), F.arrayNode().add("x"), F.objectNode(), F.objectNode().put("a", 1)));
        switch (need) {
            case REQUIRED_STRING -> v.addAll(List.of(F.nullNode(), F.textNode(""), F.textNode("   ")));
            case OPTIONAL_STRING -> {
            }
            case EPOCH_SECONDS -> {
                v.removeIf(n -> n.isIntegralNumber());
                v.addAll(List.of(F.nullNode(), F.textNode("1767864330"), F.numberNode(1e30),
                        F.numberNode(new java.math.BigInteger("99999999999999999999999")), F.numberNode(Long.MAX_VALUE),
                        F.numberNode(Long.MIN_VALUE), F.numberNode(31556889864403199L), F.numberNode(-31557014167219200L),
                        F.numberNode(253402300800L)));
            }
            case RFC3339 -> v.addAll(List.of(F.nullNode(), F.textNode("yesterday"), F.textNode("2026-01-08"),
                    F.textNode("2026-01-08T09:25:30"), F.textNode("+999999999-12-31T23:59:59Z"),
                    F.textNode("-999999999-01-01T00:00:00+18:00"), F.textNode("2026-13-45T99:99:99Z"),
                    F.numberNode(1767864330)));
            case SPECVERSION -> v.addAll(List.of(F.nullNode(), F.textNode("0.3"), F.numberNode(1.0), F.textNode("1.0 "),
                    F.textNode("")));
            case REQUIRED_OBJECT -> {
                v.removeIf(JsonNode::isObject);
                v.addAll(List.of(F.nullNode(), F.textNode("{}")));
            }
            case OPTIONAL_OBJECT -> v.removeIf(JsonNode::isObject);
            case NONEMPTY_ARRAY -> {
                v.removeIf(n -> n.isArray() && !n.isEmpty());
                v.addAll(List.of(F.nullNode(), F.textNode("[]")));
            }
            case DIGEST -> v.addAll(List.of(F.nullNode(), F.textNode(""), F.textNode("sha256:"),
                    F.textNode("3081525539689648"), F.textNode("sha256:ab cd"), F.textNode("sha256:<script>"),
                    F.textNode("SHA256:abc"), F.textNode("sha256:" + "a".repeat(300))));
            case PROJECT -> v.addAll(List.of(F.textNode(""), F.textNode("../etc"), F.textNode("%2e%2e"),
                    F.textNode("team-a\u0000"), F.textNode("team-a'; DROP TABLE inbox_event;--"),
                    F.textNode("<script>alert(1)</script>"), F.textNode("team-a\r\nX-Injected: 1"),
                    F.textNode("Team-A"), F.textNode("a".repeat(256)), F.textNode("team a"), F.textNode("-team")));
        }
        if (need == Need.PROJECT) {
            v.removeIf(n -> n.isNull());
        }
        return v.get(rnd.nextInt(v.size()));
    }

    private static boolean isRequired(Need n) {
        return n != Need.OPTIONAL_STRING && n != Need.OPTIONAL_OBJECT;
    }

    private Req wrongTypeOrMissingField() {
        String name = sample();
        ObjectNode root;
        try {
            root = (ObjectNode) MAPPER.readTree(Samples.bytes(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Need> fields = fieldsOf(name);
        List<String> paths = new ArrayList<>(fields.keySet());
        String path = paths.get(rnd.nextInt(paths.size()));
        Need need = fields.get(path);
        String label;
        if (rnd.nextInt(4) == 0 && (isRequired(need) || path.endsWith(".name"))) {
            label = "missing " + path;
            remove(root, path);
            if (path.endsWith(".name")) {
                remove(root, path.replace(".name", ".repo_full_name")); // else the name follows from it
            }
            if (path.endsWith("src_resource.namespace")) {
                return wrongTypeOrMissingField(); // optional in Harbor's payload: not bad on its own
            }
        } else {
            JsonNode bad = badValue(need);
            label = "wrong " + path + " = " + clip(bad.toString());
            set(root, path, bad);
        }
        return webhook("wrong type/missing field: " + label + " in " + name, site(), contentTypeOf(name),
                root.toString().getBytes(UTF_8));
    }

    private static JsonNode parentOf(JsonNode root, String path) {
        String[] parts = path.split("\\.");
        JsonNode n = root;
        for (int i = 0; i < parts.length - 1; i++) {
            n = n.isArray() ? n.get(Integer.parseInt(parts[i])) : n.get(parts[i]);
        }
        return n;
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static void remove(ObjectNode root, String path) {
        JsonNode p = parentOf(root, path);
        if (p instanceof ArrayNode a) {
            a.remove(Integer.parseInt(leaf(path)));
        } else {
            ((ObjectNode) p).remove(leaf(path));
        }
    }

    private static void set(ObjectNode root, String path, JsonNode value) {
        JsonNode p = parentOf(root, path);
        if (p instanceof ArrayNode a) {
            a.set(Integer.parseInt(leaf(path)), value);
        } else {
            ((ObjectNode) p).set(leaf(path), value);
        }
    }

    private Req invalidUtf8() {
        String name = sample();
        byte[] text = Samples.bytes(name);
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        byte[] seq = bad[rnd.nextInt(bad.length)];
        // inside a string value: the quote after a random position
        String s = new String(text, ISO_8859_1);
        int from = rnd.nextInt(s.length() / 2);
        int q = s.indexOf("\":", from);
        int at = q < 0 ? s.indexOf('"') + 1 : s.indexOf('"', q + 2) + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(text, 0, at);
        out.writeBytes(seq);
        out.write(text, at, text.length - at);
        return webhook("invalid UTF-8: " + hex(seq) + " at " + at + " of " + name, site(), contentTypeOf(name),
                out.toByteArray());
    }

    private Req deepNesting() {
        int depth = 1000 + rnd.nextInt(9001);
        String name = sample();
        String body;
        String how;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                how = depth + " arrays";
                body = "[".repeat(depth) + "]".repeat(depth);
            }
            case 1 -> {
                how = depth + " objects";
                body = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            }
            case 2 -> {
                how = depth + " arrays in the payload";
                body = Samples.text(name).replaceFirst("\"operator\"\\s*:\\s*\"[^\"]*\"",
                        "\"operator\":" + "[".repeat(depth) + "]".repeat(depth));
            }
            default -> {
                how = depth + " unclosed arrays";
                body = "[".repeat(depth * 10);
            }
        }
        return webhook("deep nesting: " + how, site(), contentTypeOf(name), body.getBytes(UTF_8));
    }

    private Req hugeBody(int size, boolean chunked, String target) {
        StringBuilder sb = new StringBuilder(size + 200);
        sb.append("{\"type\":\"PUSH_ARTIFACT\",\"occur_at\":1767864330,\"operator\":\"");
        while (sb.length() < size) {
            sb.append("abcdefghijklmnopqrstuvwxyz0123456789");
        }
        sb.append("\"}");
        List<String> h = new ArrayList<>(List.of("Content-Type: " + JSON));
        // the webhook with its right secret; /sync (which reads no body) without a token
        if (target.startsWith("/webhooks/")) {
            h.add("Authorization: " + secret(target.substring(10)));
        }
        // Over quarkus.http.limits.max-body-size (10 MiB) with a Content-Length, Vert.x answers a bare 413 before
        // any endpoint runs: known, not shaped as a problem (still checked to be a 4xx).
        boolean ours = chunked || size <= 10 * 1024 * 1024;
        return new Req("huge body: " + size + " bytes" + (chunked ? " chunked" : ""), "POST", target, h,
                sb.toString().getBytes(UTF_8), chunked, ours);
    }

    /** The inputs that once got a 500, a 2xx or a stored row, sent in every run whatever the seed. */
    private List<Req> foundBefore() throws RuntimeException {
        List<Req> out = new ArrayList<>();
        String push = Samples.text("push-artifact.default.json");
        // 500: a time beyond what the store's timestamp takes (DateTimeException when stored)
        for (String t : new String[]{"31556889864403199", "9223372036854775807", "-9223372036854775808"}) {
            out.add(webhook("found: occur_at " + t, "h1", JSON, push.replace("1767864330", t).getBytes(UTF_8)));
        }
        out.add(webhook("found: time in year 999999999", "h2", CE, Samples.text("push-artifact.cloudevents.json")
                .replace("2026-01-08T09:25:30Z", "+999999999-12-31T23:59:59Z").getBytes(UTF_8)));
        // 200 and stored: UTF-8 that Jackson decodes without complaint (beyond U+10FFFF, overlong, surrogate),
        // here in resource_url, a field the parser never reads
        for (byte[] seq : new byte[][]{{(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] b = push.getBytes(UTF_8);
            int at = push.indexOf("h1.harbor.domain");
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(b, 0, at);
            o.writeBytes(seq);
            o.write(b, at, b.length - at);
            out.add(webhook("found: invalid UTF-8 " + hex(seq), "h1", JSON, o.toByteArray()));
        }
        // 200 and stored: a project name Harbor cannot have
        out.add(webhook("found: namespace ../etc", "h1", JSON, push.replace("\"namespace\": \"team-a\"",
                "\"namespace\": \"../etc\"").getBytes(UTF_8)));
        // 200, a real sync: JAX-RS read anything but "true" as false; "team-a;x=1" was team-a (matrix parameter)
        for (String t : new String[]{"/sync?dryRun=1", "/sync?dryRun=yes", "/sync?dryRun=",
                "/sync/projects/team-a?dryRun=on", "/sync/projects/team-a;x=1?dryRun=true",
                "/sync/projects/team-a;dryRun=true"}) {
            out.add(new Req("found: " + t, "POST", t, List.of("Authorization: " + TOKEN_HEADER), null, false, true));
        }
        return out;
    }

    private String longValue(int n) {
        StringBuilder sb = new StringBuilder(n);
        while (sb.length() < n) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private Req badWebhookAuth() {
        String site = site();
        String other = site.equals("h1") ? "h2" : "h1";
        String s = secret(site);
        String name = sample();
        int variant = rnd.nextInt(14);
        List<String> auth = switch (variant) {
            case 0 -> List.of();
            case 1 -> List.of("Authorization:");
            case 2 -> List.of("Authorization: " + s + "x");
            case 3 -> List.of("Authorization: " + s.substring(1));
            case 4 -> List.of("Authorization: " + secret(other));
            case 5 -> List.of("Authorization: Bearer " + s);
            case 6 -> List.of("Authorization: " + (s.toUpperCase(Locale.ROOT).equals(s) ? s + "x" : s.toUpperCase(Locale.ROOT)));
            case 7 -> List.of("Authorization: Bearer " + ADMIN);
            case 8 -> List.of("Authorization: " + longValue(8000 + rnd.nextInt(8000)));
            case 9 -> List.of("Authorization: " + s.substring(0, s.length() / 2) + " " + s.substring(s.length() / 2));
            case 10 -> List.of("Authorization: " + s + "\u00ff\u00fe");
            case 11 -> List.of("Authorization: " + secret(other), "Authorization: " + s);
            case 12 -> List.of("Authorization: Basic " + java.util.Base64.getEncoder()
                    .encodeToString(("admin:" + s).getBytes(UTF_8)));
            default -> List.of("X-Authorization: " + s);
        };
        List<String> h = new ArrayList<>(auth);
        h.add("Content-Type: " + contentTypeOf(name));
        return new Req("bad webhook auth: variant " + variant + " for " + site, "POST", "/webhooks/" + site, h, Samples.bytes(name), false, true);
    }

    private static final String[] ADMIN_TARGETS = {"/sync", "/sync?dryRun=true", "/sync/projects/team-a",
            "/status", "/admin/ping"};

    private Req badAdminAuth() {
        String target = pick(ADMIN_TARGETS);
        String method = target.startsWith("/sync") ? "POST" : "GET";
        List<String> auth = switch (rnd.nextInt(16)) {
            case 0 -> List.of();
            case 1 -> List.of("Authorization:");
            case 2 -> List.of("Authorization: Bearer");
            case 3 -> List.of("Authorization: Bearer ");
            case 4 -> List.of("Authorization: Bearer wrong");
            case 5 -> List.of("Authorization: " + ADMIN);
            case 6 -> List.of("Authorization: Bearer " + ADMIN + "x");
            case 7 -> List.of("Authorization: Bearer test admin token");
            case 8 -> List.of("Authorization: Bearer " + ADMIN + " " + ADMIN);
            case 9 -> List.of("Authorization: Basic " + java.util.Base64.getEncoder()
                    .encodeToString(("admin:" + ADMIN).getBytes(UTF_8)));
            case 10 -> List.of("Authorization: Bearer " + ADMIN.toUpperCase(Locale.ROOT));
            case 11 -> List.of("Authorization: Bearer " + secret(site()));
            case 12 -> List.of("Authorization: Bearer " + longValue(8000 + rnd.nextInt(8000)));
            case 13 -> List.of("Authorization: Bearer\t" + ADMIN.substring(1));
            case 14 -> List.of("Authorization: Bearer " + ADMIN + "\u00ff");
            default -> List.of("Authorization: BearerBearer " + ADMIN);
        };
        byte[] body = rnd.nextBoolean() ? null : Samples.bytes(sample());
        List<String> h = new ArrayList<>(auth);
        if (body != null) {
            h.add("Content-Type: " + JSON);
        }
        return new Req("bad admin auth: " + (auth.isEmpty() ? "none" : clip(auth.get(0))), method, target, h, body,
                false, true);
    }

    private static final String[] ODD_NAMES = {"h3", "H1", "h1%20", "%20h1", "%2e%2e", "..%2f..%2fetc%2fpasswd",
            "%00", "h1%00", "'h1'", "%22h1%22", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "h1%0d%0aX-Injected:%201",
            "h1%0aSet-Cookie:x=1", "%252e%252e", "h3;drop", "h3;dryRun=false?dryRun=true", "h1%2fextra", "%C3%A9", "%C0%AF", "%FF", "h1%",
            "%zz", "h1%3F", "%E2%80%AE1h", "' OR '1'='1", "h1\"", "h%31x", "Team-A", "a..b", "-a", "a_", ";h1", "h3;x=1"};

    private Req oddSiteOrProjectName() {
        String name = rnd.nextInt(8) == 0 ? longValue(300 + rnd.nextInt(3000)) : pick(ODD_NAMES);
        if (rnd.nextBoolean()) {
            String site = rnd.nextBoolean() ? "h1" : "h2";
            String sample = sample();
            // the right secret of a real site, a valid body: only the site name is wrong
            List<String> h = List.of("Authorization: " + secret(site), "Content-Type: " + contentTypeOf(sample));
            return new Req("odd site name: " + clip(name), "POST", "/webhooks/" + name, h, Samples.bytes(sample),
                    false, true);
        }
        if (isProjectName(name) || name.startsWith("%2e%2e")) {
            // Only bad names here. %2e%2e is a dot segment: /sync/projects/%2e%2e is /sync (RFC 3986 5.2.4),
            // a valid call with the token, so it is sent to the webhook endpoint only.
            name = "X" + name.replace("%2e", "");
        }
        String q = rnd.nextBoolean() ? "" : "?dryRun=true";
        return new Req("odd project name: " + clip(name), "POST", "/sync/projects/" + name + q,
                List.of("Authorization: Bearer " + ADMIN), null, false, true);
    }

    private static final String[] CONTENT_TYPES = {null, "", "text/plain", "application/xml", "text/json",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx",
            "application/json-patch+json", "application/*", "*/*", ";;;", "/", "application/", "a/b/c",
            "application/json\u00ff", "app\u0000lication/json", "application/octet-stream"};

    private Req wrongContentType() {
        String name = sample();
        String ct;
        if (rnd.nextInt(5) == 0) {
            // the other format's content type on a Default payload: read as CloudEvents, which it is not
            if (name.contains("cloudevents")) {
                name = "push-artifact.default.json";
            }
            ct = CE;
        } else {
            ct = pick(CONTENT_TYPES);
        }
        String site = site();
        List<String> h = new ArrayList<>(List.of("Authorization: " + secret(site)));
        if (ct != null) {
            h.add("Content-Type: " + ct);
        }
        return new Req("wrong content type: '" + (ct == null ? "none" : clip(ct)) + "'", "POST", "/webhooks/" + site, h,
                Samples.bytes(name), false, true);
    }

    private Req wrongMethod() {
        String[][] cases = {{"/webhooks/h1", "GET"}, {"/webhooks/h2", "PUT"}, {"/webhooks/h1", "DELETE"},
                {"/webhooks/h1", "PATCH"}, {"/sync", "GET"}, {"/sync", "PUT"}, {"/sync", "DELETE"},
                {"/sync/projects/team-a", "GET"}, {"/sync/projects/team-a", "DELETE"}, {"/status", "POST"},
                {"/status", "DELETE"}, {"/admin/ping", "POST"}, {"/admin/ping", "PUT"}, {"/status", "HEAD"},
                {"/webhooks/h1", "HEAD"}, {"/sync", "FOO"}, {"/webhooks/h1", "TRACE"}};
        String[] c = cases[rnd.nextInt(cases.length)];
        List<String> h = new ArrayList<>();
        // HEAD of a GET endpoint is GET without the body: with the token it is a valid call
        if (rnd.nextBoolean() && !(c[1].equals("HEAD") && !c[0].startsWith("/webhooks/"))) {
            h.add("Authorization: " + (c[0].startsWith("/webhooks/") ? secret(c[0].substring(10)) : "Bearer " + ADMIN));
        }
        byte[] body = null;
        if (!c[1].equals("GET") && !c[1].equals("HEAD") && rnd.nextBoolean()) {
            String name = sample();
            h.add("Content-Type: " + contentTypeOf(name));
            body = Samples.bytes(name);
        }
        return new Req("wrong method: " + c[1], c[1], c[0], h, body, false, true);
    }

    private Req badAdminParameter() {
        String[] values = {"yes", "1", "0", "on", "off", "maybe", "", "tru", "true;", "%00", "true%0d%0a",
                "%3Cscript%3E", "truefalse", "null", "[true]"};
        String param = rnd.nextBoolean() ? "dryRun" : "force";
        String target = (rnd.nextBoolean() ? "/sync" : "/sync/projects/team-a") + "?" + param + "=" + pick(values);
        if (param.equals("force")) {
            target += "&dryRun=true"; // a bad force alone is refused too; with dryRun nothing could change anyway
        }
        return new Req("bad admin parameter: " + clip(target), "POST", target,
                List.of("Authorization: Bearer " + ADMIN), null, false, true);
    }

    private static boolean isProjectName(String encoded) {
        try {
            String name = java.net.URLDecoder.decode(encoded, UTF_8);
            return name.length() <= 255 && name.matches("[a-z0-9]+(?:[._-][a-z0-9]+)*"); // Harbor's rule
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private <T> T pick(T[] a) {
        return a[rnd.nextInt(a.length)];
    }

    // ---- the wire -----------------------------------------------------------------------------------------------

    private Resp send(Req r) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            StringBuilder head = new StringBuilder();
            head.append(r.method()).append(' ').append(r.target()).append(" HTTP/1.1\r\n");
            head.append("Host: localhost:").append(base.getPort()).append("\r\n");
            head.append("Connection: close\r\n");
            for (String h : r.headers()) {
                head.append(h).append("\r\n");
            }
            if (r.body() != null) {
                head.append(r.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + r.body().length + "\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            IOException writeFailed = null;
            try {
                // ISO-8859-1: every char below 256 is that byte, so headers can carry bytes no client would send
                out.write(head.toString().getBytes(ISO_8859_1));
                if (r.body() != null) {
                    if (r.chunked()) {
                        for (int off = 0; off < r.body().length; off += 65536) {
                            int n = Math.min(65536, r.body().length - off);
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
                            out.write(r.body(), off, n);
                            out.write("\r\n".getBytes(ISO_8859_1));
                        }
                        out.write("0\r\n\r\n".getBytes(ISO_8859_1));
                    } else {
                        out.write(r.body());
                    }
                }
                out.flush();
            } catch (IOException e) {
                writeFailed = e; // the server may answer (413) and close before the whole body is sent
            }
            try {
                return read(socket.getInputStream(), r.method().equals("HEAD"));
            } catch (IOException e) {
                if (writeFailed != null) {
                    e.addSuppressed(writeFailed);
                }
                throw e;
            }
        }
    }

    private static Resp read(InputStream in, boolean head) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("connection closed without an answer");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
        }
        if (head || code == 204 || code == 304) {
            return new Resp(code, headers, new byte[0]);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line(in).split(";")[0].strip(), 16); n > 0;
                 n = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Resp(code, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(ISO_8859_1);
    }

    private static String clip(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 120 ? clean.substring(0, 120) + "..." : clean;
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02X", x));
        }
        return sb.toString();
    }
}
