package io.harborsync.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.fidelity.RealExchanges.Answer;
import io.harborsync.testsupport.PlainHarborHttp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What of an answer the daemon depends on, compared real vs replayed: status; body kind; the keys of an object (or
 * of a list's first item) and one level below; the headers {@code HarborClient} reads ({@code Content-Type},
 * {@code X-Total-Count}, {@code Link} and {@code Location} with the ids translated, the {@code X-Request-Id} echo);
 * the Harbor error code; and whether the emulator's answer leaves swagger.yaml where the real one does not (the
 * spec guard's finding, see {@link #spec}). Values inside bodies (ids, times, digests, secrets) are deliberately not
 * compared.
 */
final class Comparison {
    static final String STATUS = "status";
    static final String BODY_KIND = "body kind";
    static final String KEYS = "keys";
    static final String CONTENT_TYPE = "Content-Type";
    static final String TOTAL_COUNT = "X-Total-Count";
    static final String LINK = "Link";
    static final String LOCATION = "Location";
    static final String REQUEST_ID = "X-Request-Id echo";
    static final String ERROR_CODE = "error code";
    static final String SPEC = "answer outside the spec";
    private static final String CHECK_FAILED = "the Harbor spec check could not run";

    /** One field that differs. {@code real} and {@code emu} are short, secret-free descriptions. */
    record Diff(String field, String real, String emu) {
    }

    private Comparison() {
    }

    static List<Diff> compare(Answer real, Answer emu, IdMap ids, String sentRequestId) {
        List<Diff> out = new ArrayList<>();
        add(out, STATUS, String.valueOf(real.status()), String.valueOf(emu.status()));
        JsonNode rb = parse(real.body());
        JsonNode eb = parse(emu.body());
        add(out, BODY_KIND, kind(real.body(), rb), kind(emu.body(), eb));
        String rk = keys(rb);
        String ek = keys(eb);
        if (!Objects.equals(rk, ek)) out.add(keyDiff(rb, eb));
        add(out, CONTENT_TYPE, real.header("content-type"), emu.header("content-type"));
        add(out, TOTAL_COUNT, real.header("x-total-count"), emu.header("x-total-count"));
        add(out, LINK, link(real.header("link"), ids), link(emu.header("link"), null));
        add(out, LOCATION, location(real.header("location"), ids), location(emu.header("location"), null));
        if (sentRequestId != null) {
            add(out, REQUEST_ID, String.valueOf(sentRequestId.equals(real.header("x-request-id"))),
                    String.valueOf(sentRequestId.equals(emu.header("x-request-id"))));
        }
        add(out, ERROR_CODE, errorCode(rb), errorCode(eb));
        return out;
    }

    /**
     * The emulator's answer breaks swagger.yaml where the real answer does not (validator message keys). The reverse
     * is no difference of its own: where real Harbor leaves the spec, the keys or status above show it.
     */
    static List<Diff> spec(List<String> realViolations, List<String> emuViolations) {
        TreeSet<String> real = specKeys(realViolations);
        TreeSet<String> emu = specKeys(emuViolations);
        if (real.containsAll(emu)) return List.of();
        return List.of(new Diff(SPEC, real.isEmpty() ? "(inside)" : String.join(" ", real), String.join(" ", emu)));
    }

    /** The validator's message keys ({@code validation.response.body.schema.type}), or that the check could not run. */
    static TreeSet<String> specKeys(List<String> violations) {
        TreeSet<String> keys = new TreeSet<>();
        for (String v : violations) {
            keys.add(v.startsWith(CHECK_FAILED) ? "check could not run" : v.contains(" ") ? v.substring(0, v.indexOf(' ')) : v);
        }
        return keys;
    }

    private static void add(List<Diff> out, String field, String real, String emu) {
        if (!Objects.equals(real, emu)) out.add(new Diff(field, real == null ? "(none)" : real, emu == null ? "(none)" : emu));
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return PlainHarborHttp.JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static String kind(String raw, JsonNode parsed) {
        if (raw == null || raw.isBlank()) return "empty";
        if (parsed == null) return "text";
        if (parsed.isObject()) return "object";
        if (parsed.isArray()) return "array";
        return "scalar";
    }

    /**
     * The key set compared: an object's keys plus, for each object-valued key, {@code key.sub} (for a list of
     * objects {@code key[].sub} from its first item); for a list, the same of its first item prefixed {@code []}.
     * An empty list has no keys ({@code []}); a list of scalars neither.
     */
    static String keys(JsonNode n) {
        if (n == null) return null;
        TreeSet<String> out = new TreeSet<>();
        if (n.isArray()) {
            if (n.isEmpty()) return "(empty list)";
            collect(n.get(0), "[].", 0, out);
        } else {
            collect(n, "", 0, out);
        }
        return String.join(",", out);
    }

    private static void collect(JsonNode n, String prefix, int depth, TreeSet<String> out) {
        if (!n.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.add(prefix + f.getKey());
            if (depth > 0) continue;
            JsonNode v = f.getValue();
            if (v.isObject()) collect(v, prefix + f.getKey() + ".", depth + 1, out);
            else if (v.isArray() && !v.isEmpty()) collect(v.get(0), prefix + f.getKey() + "[].", depth + 1, out);
        }
    }

    private static Diff keyDiff(JsonNode rb, JsonNode eb) {
        String rk = keys(rb);
        String ek = keys(eb);
        if (rk == null || ek == null || rk.startsWith("(") || ek.startsWith("(")) {
            return new Diff(KEYS, rk == null ? "(no JSON)" : rk.isEmpty() ? "(none)" : rk, ek == null ? "(no JSON)" : ek.isEmpty() ? "(none)" : ek);
        }
        TreeSet<String> onlyReal = new TreeSet<>(List.of(rk.split(",")));
        TreeSet<String> onlyEmu = new TreeSet<>(List.of(ek.split(",")));
        onlyReal.removeAll(List.of(ek.split(",")));
        onlyEmu.removeAll(List.of(rk.split(",")));
        onlyReal.remove("");
        onlyEmu.remove("");
        return new Diff(KEYS, "only real: " + (onlyReal.isEmpty() ? "-" : String.join(" ", onlyReal)),
                "only emulator: " + (onlyEmu.isEmpty() ? "-" : String.join(" ", onlyEmu)));
    }

    /** The Harbor error code of an {@code {"errors":[{"code":…}]}} body, else null. */
    static String errorCode(JsonNode n) {
        if (n == null || !n.isObject() || !n.path("errors").isArray() || n.path("errors").isEmpty()) return null;
        return n.path("errors").get(0).path("code").asText(null);
    }

    /** {@code rel=url} per link, sorted; the real side's ids translated so that they read as the emulator's. */
    private static String link(String header, IdMap ids) {
        if (header == null) return null;
        TreeSet<String> rels = new TreeSet<>();
        for (String part : header.split(",")) {
            String p = part.trim();
            int lt = p.indexOf('<');
            int gt = p.indexOf('>');
            int rel = p.indexOf("rel=");
            if (lt < 0 || gt < lt || rel < 0) {
                rels.add("unparsable:" + p);
                continue;
            }
            String url = p.substring(lt + 1, gt);
            int api = url.indexOf("/api/");
            if (api > 0) url = url.substring(api); // absolute or relative: the daemon follows either
            rels.add(p.substring(rel + 4).replace("\"", "") + "=" + (ids == null ? url : ids.pathAndQuery(url)));
        }
        return String.join(" ", rels);
    }

    private static String location(String header, IdMap ids) {
        if (header == null) return null;
        String path = header;
        int api = path.indexOf("/api/");
        if (api > 0) path = path.substring(api);
        return ids == null ? path : ids.pathAndQuery(path);
    }
}
