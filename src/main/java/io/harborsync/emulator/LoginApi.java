package io.harborsync.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /c/login}, Harbor's UI login outside the REST API (src/core/controllers/base.go, {@code Login}): a form POST
 * of {@code principal} and {@code password} that answers 200 with the new session's {@code sid} (set by the server,
 * {@link HarborEmulator}) or 401 with an empty body: wrong credentials, an unknown user, and any {@code robot$}
 * principal (robots cannot log in to a session: db_auth knows no such user). Only POST is routed; a GET still passes
 * the CSRF middleware first (which hands out the token), then gets 405. The CSRF check itself is the server's
 * (it runs before any handler, for every request here).
 */
final class LoginApi {
    static final String PATH = "/c/login";

    private final SiteData site;
    private final Sessions sessions;

    LoginApi(SiteData site, Sessions sessions) {
        this.site = site;
        this.sessions = sessions;
    }

    /** The answer and, after a successful login, the new session's sid (else null). */
    record Result(Response response, String sid) {
    }

    Result handle(Request r) {
        if (!r.method.equals("POST")) {
            return new Result(Response.status(405), null);
        }
        Map<String, String> form = form(new String(r.body, StandardCharsets.UTF_8));
        String principal = form.getOrDefault("principal", "");
        String password = form.getOrDefault("password", "");
        if (principal.startsWith("robot$")) {
            return new Result(Response.status(401), null);
        }
        SiteData.User u;
        synchronized (site) {
            u = site.userByName(principal);
        }
        if (u == null || u.password == null || !u.password.equals(password)) {
            return new Result(Response.status(401), null);
        }
        return new Result(Response.status(200), sessions.create(u.username));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new HashMap<>();
        for (String part : body.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            m.putIfAbsent(k, v);
        }
        return m;
    }
}
