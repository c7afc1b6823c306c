package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed request. The path is decoded exactly once, like Go's URL.Path, before it is split (api-notes 1). */
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

    Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body, String requestId) {
        this.method = method;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.path = pathUnescape(rawPath);
        List<String> segs = new ArrayList<>(Arrays.asList(path.split("/", -1)));
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

    Boolean boolParam(String name) {
        String v = param(name);
        if (v == null || v.isEmpty()) return null;
        if (v.equals("true") || v.equals("1")) return true;
        if (v.equals("false") || v.equals("0")) return false;
        throw ApiError.unprocessable(name + " in query must be of type boolean: \"" + v + "\"");
    }

    /** Harbor's parseKeywords URL-unescapes q a second time (api-notes 1). */
    String q() {
        String v = param("q");
        return v == null ? null : queryUnescape(v);
    }

    /** The k=v terms of q (Harbor's comma-separated syntax), in order; terms without '=' are skipped. */
    java.util.List<java.util.Map.Entry<String, String>> qTerms() {
        String q = q();
        java.util.List<java.util.Map.Entry<String, String>> terms = new java.util.ArrayList<>();
        if (q == null || q.isEmpty()) return terms;
        for (String kv : q.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) terms.add(java.util.Map.entry(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim()));
        }
        return terms;
    }

    boolean isResourceNameHeader() {
        String v = header("X-Is-Resource-Name");
        if (v == null) return false;
        if (v.equalsIgnoreCase("true") || v.equals("1")) return true;
        if (v.equalsIgnoreCase("false") || v.equals("0") || v.isEmpty()) return false;
        throw ApiError.unprocessable("X-Is-Resource-Name in header must be of type boolean: \"" + v + "\"");
    }

    JsonNode json() { return Json.parse(body); }

    String username() { return principal == null ? "" : principal.username(); }
}
