package io.harborsync.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ids are per site: the real Harbor's ids (a shared, long-lived instance) are not the fresh emulator's. The replay
 * learns which real id is which emulator id from the answers as it goes, as a client would: the {@code Location}
 * of a create, and the {@code id} / {@code *_id} fields of an answer paired with the same field of the emulator's
 * answer to the same request (list items paired by name). The first pairing of a real id wins. Later requests get
 * their ids translated: numeric path segments, id values in queries ({@code reference_id=704},
 * {@code q=ProjectID=704}, {@code q=id=[1701~]}) and {@code id}/{@code *_id} fields of bodies. Ids never learned
 * (99999999 for "missing") are sent as they are.
 */
final class IdMap {
    /** Fields that name an item in a list, so real and emulator items are paired by identity, not by position. */
    private static final List<String> ITEM_NAMES = List.of("name", "entity_name", "username", "project_name");
    /** Query parameters that are numbers but never ids. */
    private static final Set<String> NOT_IDS = Set.of("page", "page_size");
    /** A number inside a query value that follows '=' or '[' or '~' (raw or percent-encoded) and ends a term. */
    private static final Pattern QUERY_NUMBER = Pattern.compile(
            "(?i)(?<=%3D|%5B|%7E|=|\\[|~)(\\d+)(?=$|&|%5D|%7E|%2C|]|~|,)");

    private final Map<Long, Long> realToEmu = new LinkedHashMap<>();

    void learn(long real, long emu) {
        realToEmu.putIfAbsent(real, emu);
    }

    Map<Long, Long> pairs() { return Map.copyOf(realToEmu); }

    /** The last path segment of both {@code Location}s, when both are numeric. */
    void learnLocation(String real, String emu) {
        if (real == null || emu == null) return;
        String r = real.substring(real.lastIndexOf('/') + 1);
        String e = emu.substring(emu.lastIndexOf('/') + 1);
        if (r.matches("\\d+") && e.matches("\\d+")) learn(Long.parseLong(r), Long.parseLong(e));
    }

    /** Pairs the id fields of two answers to the same request, two levels deep. */
    void learnBodies(JsonNode real, JsonNode emu) {
        learnBodies(real, emu, 0);
    }

    private void learnBodies(JsonNode real, JsonNode emu, int depth) {
        if (real == null || emu == null || depth > 2) return;
        if (real.isObject() && emu.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = real.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode e = emu.get(f.getKey());
                if (e == null) continue;
                if (isIdField(f.getKey()) && f.getValue().isIntegralNumber() && e.isIntegralNumber()) {
                    learn(f.getValue().asLong(), e.asLong());
                } else if (f.getValue().isContainerNode()) {
                    learnBodies(f.getValue(), e, depth + 1);
                }
            }
        } else if (real.isArray() && emu.isArray()) {
            for (JsonNode r : real) {
                JsonNode e = partner(r, (ArrayNode) emu);
                if (e != null) learnBodies(r, e, depth + 1);
            }
            if (real.size() == 1 && emu.size() == 1 && partner(real.get(0), (ArrayNode) emu) == null
                    && nameOf(real.get(0)) == null) {
                learnBodies(real.get(0), emu.get(0), depth + 1);
            }
        }
    }

    private static JsonNode partner(JsonNode realItem, ArrayNode emu) {
        String name = nameOf(realItem);
        if (name == null) return null;
        for (JsonNode e : emu) {
            if (name.equals(nameOf(e))) return e;
        }
        return null;
    }

    private static String nameOf(JsonNode item) {
        if (!item.isObject()) return null;
        for (String k : ITEM_NAMES) {
            if (item.path(k).isTextual()) return k + "=" + item.get(k).asText();
        }
        return null;
    }

    private static boolean isIdField(String name) {
        return name.equals("id") || name.endsWith("_id");
    }

    // ------------------------------------------------------------------ translation of later requests

    long toEmu(long real) {
        return realToEmu.getOrDefault(real, real);
    }

    /** {@code /api/v2.0/projects/704?reference_id=704} with every known id translated. */
    String pathAndQuery(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("/", -1)) {
            if (sb.length() > 0 || !seg.isEmpty()) sb.append('/');
            sb.append(seg.matches("\\d+") ? String.valueOf(toEmu(Long.parseLong(seg))) : seg);
        }
        if (path.startsWith("/") && sb.length() == 0) sb.append('/');
        if (q < 0) return sb.toString();
        return sb + "?" + query(pathAndQuery.substring(q + 1));
    }

    String query(String raw) {
        StringBuilder out = new StringBuilder();
        for (String part : raw.split("&", -1)) {
            if (out.length() > 0) out.append('&');
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            if (eq < 0 || NOT_IDS.contains(key)) {
                out.append(part);
                continue;
            }
            Matcher m = QUERY_NUMBER.matcher(part.substring(eq));
            StringBuilder v = new StringBuilder();
            while (m.find()) m.appendReplacement(v, String.valueOf(toEmu(Long.parseLong(m.group(1)))));
            m.appendTail(v);
            out.append(key).append(v);
        }
        return out.toString();
    }

    /** A copy of a request body with the known ids of its {@code id}/{@code *_id} fields translated. */
    JsonNode body(JsonNode body) {
        if (body == null) return null;
        JsonNode copy = body.deepCopy();
        translate(copy);
        return copy;
    }

    private void translate(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (isIdField(f.getKey()) && f.getValue().isIntegralNumber()) {
                    f.setValue(LongNode.valueOf(toEmu(f.getValue().asLong())));
                } else {
                    translate(f.getValue());
                }
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(this::translate);
        }
    }
}
