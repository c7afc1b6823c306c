package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed request. The path is split on its raw '/' and each segment decoded once (api-notes 1, observations §2). */
final class Request {
    final String method;
    final String rawPath;
    final String rawQuery;
    final String path;              // decoded once
    final List<String> segments;    // path split on '/', first empty element dropped, trailing "" kept
    final Map<String, List<String>> query;
    final Map<String, List<String>> headers; // lower-case keys
    final byte[] body;
    final String requestId;
    Principal principal;
    /** The user of the live login session the request carried ({@link Sessions}), or null. */
    String sessionUser;

    Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body, String requestId) {
        this.method = method;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.path = pathUnescape(rawPath);
        // Split before decoding, as go-swagger's router matches the escaped path: a single-encoded "team%2Fweb"
        // is one segment, as real Harbor resolves it (observations §2, step repo.get.nested1).
        List<String> segs = new ArrayList<>();
        for (String raw : rawPath.split("/", -1)) segs.add(pathUnescape(raw));
        if (!segs.isEmpty() && segs.get(0).isEmpty()) segs.remove(0);
        this.segments = segs;
        this.query = parseQuery(rawQuery);
        this.headers = headers;
        this.body = body;
        this.requestId = requestId;
    }

    /** Go's url.PathUnescape: %XX only, '+' stays '+'. Malformed escapes are a 400. */
    static String pathUnescape(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) throw ApiError.badRequest("invalid URL escape " + s.substring(i));
                int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw ApiError.badRequest("invalid URL escape " + s.substring(i, i + 3));
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String queryUnescape(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid URL escape in " + s);
        }
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return q;
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = queryUnescape(eq < 0 ? part : part.substring(0, eq));
            String v = eq < 0 ? "" : queryUnescape(part.substring(eq + 1));
            q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return q;
    }

    String header(String name) {
        List<String> v = headers.get(name.toLowerCase());
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Integer query parameter; a non-integer is go-swagger's 422. */
    Long longParam(String name) {
        String v = param(name);
        if (v == null || v.isEmpty()) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiError.unprocessable(name + " in query must be of type int64: \"" + v + "\"");
        }
    }

    /**
     * Boolean query parameter as Harbor binds it: a value strconv.ParseBool does not read counts as false, not as a
     * 422 (observations §1, steps query.publicbad, query.withdetailbad).
     */
    Boolean boolParam(String name) {
        String v = param(name);
        if (v == null || v.isEmpty()) return null;
        return goTrue(v);
    }

    /** strconv.ParseBool's true values; anything else is false here. */
    private static boolean goTrue(String v) {
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            default -> false;
        };
    }

    /** Harbor's parseKeywords URL-unescapes q a second time (api-notes 1). */
    String q() {
        String v = param("q");
        return v == null ? null : queryUnescape(v);
    }

    /**
     * The k=v terms of q (Harbor's comma-separated syntax), in order. A term without '=' or with an empty key or
     * value is a 400 (observations §2 "q", step query.qgarbage).
     */
    java.util.List<java.util.Map.Entry<String, String>> qTerms() {
        String q = q();
        java.util.List<java.util.Map.Entry<String, String>> terms = new java.util.ArrayList<>();
        if (q == null || q.isEmpty()) return terms;
        for (String kv : q.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0 || eq == kv.length() - 1) {
                throw ApiError.badRequest("the query string must contain \"=\" and the key/value cannot be empty");
            }
            terms.add(java.util.Map.entry(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim()));
        }
        return terms;
    }

    /** A {@code q} term's value against a field, as the name filters read it: {@code ~x} a substring, else exact. */
    static boolean termMatches(String term, String value) {
        return term.startsWith("~") ? value.contains(term.substring(1)) : value.equals(term);
    }

    /** The header as Harbor reads it: only a true value of strconv.ParseBool (step query.headerbad: "maybe" is false). */
    boolean isResourceNameHeader() {
        String v = header("X-Is-Resource-Name");
        return v != null && goTrue(v);
    }

    JsonNode json() { return Json.parse(body); }

    String username() { return principal == null ? "" : principal.username(); }

    /** Header names in lower case, the values of names that differ only in case joined. */
    static Map<String, List<String>> lowerCaseHeaders(Map<String, List<String>> in) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.computeIfAbsent(k.toLowerCase(), x -> new ArrayList<>()).addAll(v));
        return out;
    }
}
