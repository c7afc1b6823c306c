package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** JSON helpers. Field type checks answer 422 like go-swagger's body validation (api-notes 1). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Go's zero time.Time as Harbor prints it. */
    static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private Json() {
    }

    /** A field's text, or "" when it is absent or null. */
    static String textOr(JsonNode o, String f) { return textOr(o, f, ""); }

    static String textOr(JsonNode o, String f, String dflt) {
        return o == null || !o.hasNonNull(f) ? dflt : o.get(f).asText();
    }

    static ObjectNode obj() { return MAPPER.createObjectNode(); }
    static ArrayNode arr() { return MAPPER.createArrayNode(); }

    static String time(Instant t) { return TIME.format(t); }

    static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiError.badRequest("parsing body failed: " + e.getMessage());
        }
    }

    static ObjectNode errors(String code, String message) {
        ObjectNode root = obj();
        root.putArray("errors").addObject().put("code", code).put("message", message);
        return root;
    }

    /** Body must be a JSON object (go-swagger: 422 otherwise; a missing body is 422 "body is required"). */
    static ObjectNode requireObject(JsonNode n, String param) {
        if (n == null || n.isNull()) {
            throw ApiError.unprocessable(param + " in body is required");
        }
        if (!n.isObject()) {
            throw ApiError.unprocessable(param + " in body must be of type object: \"" + n.getNodeType().name().toLowerCase() + "\"");
        }
        return (ObjectNode) n;
    }

    private static ApiError wrongType(String param, String field, String type, JsonNode v) {
        return ApiError.unprocessable(param + "." + field + " in body must be of type " + type + ": \"" + v.getNodeType().name().toLowerCase() + "\"");
    }

    static String str(JsonNode o, String param, String field) {
        JsonNode v = o == null ? null : o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(param, field, "string", v);
        return v.asText();
    }

    static Boolean bool(JsonNode o, String param, String field) {
        JsonNode v = o == null ? null : o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw wrongType(param, field, "boolean", v);
        return v.asBoolean();
    }

    static Long lng(JsonNode o, String param, String field) {
        JsonNode v = o == null ? null : o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber()) throw wrongType(param, field, "integer", v);
        return v.asLong();
    }

    static ObjectNode object(JsonNode o, String param, String field) {
        JsonNode v = o == null ? null : o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw wrongType(param, field, "object", v);
        return (ObjectNode) v;
    }

    static ArrayNode array(JsonNode o, String param, String field) {
        JsonNode v = o == null ? null : o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw wrongType(param, field, "array", v);
        return (ArrayNode) v;
    }
}
