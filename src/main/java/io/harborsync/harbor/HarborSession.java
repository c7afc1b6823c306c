package io.harborsync.harbor;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A user account's login session with one site, reused by every request as Harbor's own UI does (issue 18: Harbor
 * checks a user's password with 600,000 PBKDF2 iterations on every Basic-auth request, ~100 ms of its CPU; a request
 * with a session costs it ~2 ms). Robots keep Basic auth, which costs Harbor ~3 ms and which {@code /c/login} refuses.
 *
 * <p>The login, as Harbor's UI does it (src/core/controllers/base.go, src/server/middleware/csrf): {@code GET /c/login}
 * for a CSRF token ({@code X-Harbor-CSRF-Token}) and its cookie ({@code _gorilla_csrf}), then {@code POST /c/login}
 * with {@code principal} and {@code password} as a form, that cookie and token: 200 with {@code sid}. Requests then
 * carry {@code sid} and {@code _gorilla_csrf} and no Authorization header; writes also the token, and Origin and
 * Referer (checked by gorilla/csrf on TLS).
 *
 * <p>Harbor forgets a session after its {@code session_timeout} without requests (60 min by default) and then answers
 * as to anonymous, not 401: the project listing is 200 with the public projects only. So a session idle longer than
 * {@code harbor-sync.http.session-idle-timeout} is replaced before the next request, and a refusal of a request sent
 * with a session (401, a 403 for the CSRF token, or an answer under a session Harbor did not know, see
 * {@link #isForeignSession}) logs in again once; the transport then sends that request once more (a request refused
 * before any handler is safe to resend, writes included). Each such loss is counted ({@link #lost()}): answers read
 * before it was noticed may have been anonymous, so the engine takes the site's read as unknown.
 *
 * <p>Threads: every request asks {@link #ensure}; one login runs at a time and the requests that need a login wait for
 * it. A login that failed is not tried again for the requests that waited for it (they get its failure): one login
 * attempt per request at most, so a wrong password does not hammer an account Harbor locks after failures.
 * Nothing here logs; {@link #toString()} and the exceptions never hold the password, the cookies or the token.
 */
final class HarborSession {
    static final String SID = "sid";
    static final String CSRF_COOKIE = "_gorilla_csrf";
    static final String CSRF_HEADER = "X-Harbor-CSRF-Token";

    /** One login: the cookies and token every request of it carries. */
    static final class Login {
        final long number;
        final String sid;
        final String csrfCookie;
        final String csrfToken;
        /** The Cookie header: exactly our session's two cookies. */
        final String cookieHeader;

        Login(long number, String sid, String csrfCookie, String csrfToken) {
            this.number = number;
            this.sid = sid;
            this.csrfCookie = csrfCookie;
            this.csrfToken = csrfToken;
            this.cookieHeader = SID + "=" + sid + "; " + CSRF_COOKIE + "=" + csrfCookie;
        }

        @Override
        public String toString() {
            return "Login[" + number + ", sid=***]";
        }
    }

    private final String site;
    private final String username;
    private final String password;
    private final HarborLoginApi api;
    private final long idleNanos;
    private final LongSupplier nanoTime;
    private final String origin;

    private final ReentrantLock lock = new ReentrantLock();
    /** The latest successful login; null only before the first one. Never cleared: the filter always has one. */
    private volatile Login current;
    /** The current login must not be used any more (refused, or its replacement failed). */
    private volatile boolean stale;
    private volatile long lastUsed;
    /** Login attempts finished, successful or not. */
    private final AtomicLong attempts = new AtomicLong();
    /** The failure of the last attempt when it failed, else null (under the lock). */
    private HarborException lastFailure;
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();

    HarborSession(String site, URI siteUrl, String username, String password, HarborLoginApi api,
                  Duration idleTimeout, LongSupplier nanoTime) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the session idle timeout must be positive, got " + idleTimeout);
        }
        this.site = site;
        this.username = username;
        this.password = password;
        this.api = api;
        this.idleNanos = idleTimeout.toNanos();
        this.nanoTime = nanoTime;
        this.origin = origin(siteUrl);
    }

    /** scheme://host[:port] of the site's URL, what a browser on Harbor's UI sends as Origin. */
    static String origin(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    String origin() {
        return origin;
    }

    /** The Referer a browser on Harbor's UI sends: the origin's root. */
    String referer() {
        return origin + "/";
    }

    /** The login every request carries (the filter's view): never null once {@link #ensure} has returned. */
    Login current() {
        return current;
    }

    /** Successful logins so far. */
    long logins() {
        return logins.get();
    }

    /** Sessions Harbor forgot (or refused) while the daemon still used them: each may have answered as anonymous. */
    long lost() {
        return lost.get();
    }

    /**
     * The login to send the next request with: the current one, or a new one when there is none, it was refused, or
     * it was idle longer than the bound (Harbor may have forgotten it). Counts as a use of the session.
     *
     * @param op the operation that needs it, for the failure's message
     */
    Login ensure(String op) {
        Login l = current;
        if (l != null && !stale && nanoTime.getAsLong() - lastUsed < idleNanos) {
            lastUsed = nanoTime.getAsLong();
            return l;
        }
        return renew(op, l, false);
    }

    /**
     * A request sent with {@code used} was refused as not logged in: logs in again, unless another request did so
     * since (or a login that failed since is its answer too).
     */
    Login renewAfterRefusal(String op, Login used) {
        return renew(op, used, true);
    }

    private Login renew(String op, Login seen, boolean refused) {
        long before = attempts.get();
        lock.lock();
        try {
            Login now = current;
            if (refused && now == seen && !stale) {
                stale = true;
                lost.incrementAndGet();
            }
            if (now != null && now != seen && !stale && nanoTime.getAsLong() - lastUsed < idleNanos) {
                lastUsed = nanoTime.getAsLong();
                return now; // another request logged in while this one waited
            }
            if (attempts.get() != before && lastFailure != null) {
                throw lastFailure; // the login this request waited for failed: it is this request's answer too
            }
            try {
                Login fresh = login(op, now == null ? 1 : now.number + 1);
                current = fresh;
                stale = false;
                lastFailure = null;
                lastUsed = nanoTime.getAsLong();
                logins.incrementAndGet();
                return fresh;
            } catch (HarborException e) {
                stale = true;
                lastFailure = e;
                throw e;
            } finally {
                attempts.incrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    private Login login(String requestOp, long number) {
        String op = requestOp; // the login failed for this request: named like any failure of it
        String login = "logging in as " + username + " (session)";
        String csrfCookie;
        String token;
        try (Response page = api.page()) {
            csrfCookie = cookie(page, CSRF_COOKIE);
            token = page.getHeaderString(CSRF_HEADER);
            if (csrfCookie == null || token == null || token.isBlank()) {
                throw page.getStatus() >= 500
                        ? HarborException.of(site, op, page.getStatus(), null, null)
                        : HarborException.of(site, op, 502, "NO_CSRF_TOKEN",
                                login + ": GET /c/login answered HTTP " + page.getStatus() + " without Harbor's CSRF token"
                                        + " and cookie (is this a Harbor 2.x behind a proxy that drops them?)");
            }
        } catch (ProcessingException e) {
            throw new HarborException.Unreachable(site, op, e);
        }
        try (Response answer = api.login(CSRF_COOKIE + "=" + csrfCookie, token, origin, referer(), username,
                password)) {
            int status = answer.getStatus();
            if (status == 401) {
                throw HarborException.of(site, op, 401, "UNAUTHORIZED",
                        login + ": Harbor refused the username or password (or the account is locked for a"
                                + " moment after failed logins)");
            }
            if (status == 403) {
                throw HarborException.of(site, op, 403, "FORBIDDEN", login + ": Harbor refused the login's CSRF token");
            }
            if (status != 200) {
                throw HarborException.of(site, op, status, null, login + ": POST /c/login answered HTTP " + status);
            }
            String sid = cookie(answer, SID);
            if (sid == null) {
                throw HarborException.of(site, op, 502, "NO_SESSION", login + ": POST /c/login answered 200 without a sid cookie");
            }
            String renewedCsrf = cookie(answer, CSRF_COOKIE);
            String renewedToken = answer.getHeaderString(CSRF_HEADER);
            if (renewedCsrf != null) {
                csrfCookie = renewedCsrf;
                token = renewedToken == null ? token : renewedToken;
            } else if (renewedToken != null && !renewedToken.isBlank()) {
                token = renewedToken;
            }
            return new Login(number, sid, csrfCookie, token);
        } catch (ProcessingException e) {
            throw new HarborException.Unreachable(site, op, e);
        }
    }

    /** The value of cookie {@code name} in a response's Set-Cookie headers, null when it sets none. */
    static String cookie(Response r, String name) {
        List<String> set = r.getStringHeaders().get("Set-Cookie");
        return set == null ? null : cookie(set, name);
    }

    static String cookie(List<String> setCookieHeaders, String name) {
        String found = null;
        for (String header : setCookieHeaders) {
            String pair = header.split(";", 2)[0].trim();
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                String v = pair.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                found = v.isEmpty() ? null : v; // the last one counts, as in a browser
            }
        }
        return found;
    }

    /** The sid a request carried in its Cookie header, null when none. */
    static String sidOf(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.startsWith(SID + "=")) {
                return p.substring(SID.length() + 1);
            }
        }
        return null;
    }

    /**
     * True when Harbor answered a request that carried our {@code sid} under a session of its own making: Harbor
     * (beego's session manager) sets a new {@code sid} only when the request's is unknown to it, so the answer was
     * the anonymous one (an expired or lost session is anonymous to Harbor, not a 401).
     */
    static boolean isForeignSession(String requestCookie, List<String> setCookie) {
        String sent = sidOf(requestCookie);
        if (sent == null || setCookie == null) {
            return false;
        }
        String given = cookie(setCookie, SID);
        return given != null && !given.equals(sent);
    }

    /** A refusal that says the session was not accepted, before any handler ran: safe to send again after a login. */
    static boolean refusesSession(HarborHttpError e) {
        return e.status == 401 || (e.status == 403 && e.harborMessage != null
                && e.harborMessage.toLowerCase(java.util.Locale.ROOT).contains("csrf"));
    }

    @Override
    public String toString() {
        return "HarborSession[" + site + " as " + username + ", password=***]";
    }
}
