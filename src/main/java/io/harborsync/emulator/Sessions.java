package io.harborsync.emulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Harbor's login sessions and CSRF tokens, outside the REST API. Sessions (src/server/middleware/session, beego's
 * session manager): {@code POST /c/login} makes one and sets its {@code sid}; a request carrying a live {@code sid}
 * is that user and renews it (sliding {@code session_timeout}, 60 min by default) and gets no new {@code sid}; an
 * unknown or expired one is anonymous and gets a new {@code sid}, as does a request without one. CSRF
 * (src/server/middleware/csrf, gorilla/csrf): a secret in the {@code _gorilla_csrf} cookie, handed out masked
 * (a fresh mask each time, any of them valid for the cookie) in {@code X-Harbor-CSRF-Token}.
 *
 * <p>Kept by {@link HarborEmulator} across {@link HarborEmulator#reset()} (a session names its user; a user the reset
 * removed is anonymous). Tests move time for sessions only ({@link #age}) or lose them all ({@link #forgetAll}).
 */
final class Sessions {
    static final String SID = "sid";
    static final String CSRF_COOKIE = "_gorilla_csrf";
    /** Harbor's own cookie with the token, for its UI's scripts (csrf.go attachToken). */
    static final String UI_CSRF_COOKIE = "__csrf";
    static final String CSRF_HEADER = "X-Harbor-CSRF-Token";
    private static final int SECRET_BYTES = 32;

    private record Session(String username, long lastUsedNanos) {
    }

    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> bySid = new ConcurrentHashMap<>();
    /** Added to System.nanoTime() for sessions: how much older the tests made them. */
    private final AtomicLong ageNanos = new AtomicLong();
    private final AtomicLong logins = new AtomicLong();

    Sessions(Duration timeout) {
        this.timeout = timeout;
    }

    private long now() {
        return System.nanoTime() + ageNanos.get();
    }

    /** A new session of {@code username} (the login): its sid. */
    String create(String username) {
        String sid = HexFormat.of().formatHex(bytes(16));
        bySid.put(sid, new Session(username, now()));
        logins.incrementAndGet();
        return sid;
    }

    /** The user of a live session, renewing it; null when the sid is unknown or expired (the request is anonymous). */
    String user(String sid) {
        if (sid == null) return null;
        Session s = bySid.get(sid);
        if (s == null) return null;
        long t = now();
        if (t - s.lastUsedNanos > timeout.toNanos()) {
            bySid.remove(sid, s);
            return null;
        }
        bySid.put(sid, new Session(s.username, t));
        return s.username;
    }

    /** A sid for an answer to a request without a live session: beego starts an (empty) session for it. */
    String anonymousSid() {
        return HexFormat.of().formatHex(bytes(16));
    }

    /** Sessions as if {@code d} had passed without a request. */
    void age(Duration d) {
        ageNanos.addAndGet(d.toNanos());
    }

    /** Every session gone (Harbor's session store lost, e.g. its Redis restarted). */
    void forgetAll() {
        bySid.clear();
    }

    long logins() {
        return logins.get();
    }

    // ------------------------------------------------------------------ CSRF

    /** A new CSRF secret, as the {@code _gorilla_csrf} cookie holds it. */
    String newCsrfCookie() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(SECRET_BYTES));
    }

    /** The secret of a well-formed cookie value, null otherwise. */
    static byte[] secretOf(String cookie) {
        if (cookie == null) return null;
        try {
            byte[] s = Base64.getUrlDecoder().decode(cookie);
            return s.length == SECRET_BYTES ? s : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A token for the cookie's secret under a fresh mask (gorilla/csrf's mask: one-time pad, then the masked secret). */
    String token(byte[] secret) {
        byte[] pad = bytes(SECRET_BYTES);
        byte[] out = new byte[2 * SECRET_BYTES];
        System.arraycopy(pad, 0, out, 0, SECRET_BYTES);
        for (int i = 0; i < SECRET_BYTES; i++) out[SECRET_BYTES + i] = (byte) (pad[i] ^ secret[i]);
        return Base64.getEncoder().encodeToString(out);
    }

    /** True when the token unmasks to the cookie's secret. */
    static boolean valid(byte[] secret, String token) {
        if (secret == null || token == null) return false;
        byte[] t;
        try {
            t = Base64.getDecoder().decode(token.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (t.length != 2 * SECRET_BYTES) return false;
        int diff = 0;
        for (int i = 0; i < SECRET_BYTES; i++) diff |= (t[i] ^ t[SECRET_BYTES + i]) ^ secret[i];
        return diff == 0;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The value of cookie {@code name} in a request's Cookie headers, null when it has none. */
    static String cookie(Map<String, List<String>> lowerCaseHeaders, String name) {
        List<String> cookies = lowerCaseHeaders.get("cookie");
        if (cookies == null) return null;
        for (String c : cookies) {
            for (String part : c.split(";")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).equals(name)) return p.substring(eq + 1);
            }
        }
        return null;
    }
}
