package io.harborsync.harbor;

import io.harborsync.config.ConfigProblem;
import io.harborsync.config.Site;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Builds the REST client for one site: basic auth for a robot, a login session for a user ({@link HarborSession}),
 * timeouts, trust limited to the site's CA bundle (the login's too), no redirects, no cookie jar (a request carries
 * exactly our session's cookies or none: a stray {@code sid} would switch on Harbor's CSRF check).
 */
public final class HarborClientFactory {
    /** Prefix of the X-Request-Id on every request we send: Harbor echoes it in CloudEvents webhooks. */
    public static final String REQUEST_ID_PREFIX = "harbor-sync-";
    /** On every write: the System.nanoTime() at which it passed the {@link WriteFence}. */
    public static final String FENCED_AT = "X-Harbor-Sync-Fenced-At";

    private HarborClientFactory() {
    }

    /** With the default circuit breaker (5 failures in a row, 30 s) on the system clock. */
    public static HarborClient create(Site site, Duration connectTimeout, Duration readTimeout, int pageSize) {
        return create(site, connectTimeout, readTimeout, pageSize, CircuitBreaker.Settings.DEFAULTS, Clock.systemUTC());
    }

    /** @param clock what the circuit breaker reads the time from (tests move it instead of waiting) */
    public static HarborClient create(Site site, Duration connectTimeout, Duration readTimeout, int pageSize,
                                      CircuitBreaker.Settings breaker, Clock clock) {
        return create(site, connectTimeout, readTimeout, pageSize, DEFAULT_MAX_CONCURRENCY, breaker, clock);
    }

    /** Requests in flight to one site when not configured (harbor-sync.http.max-concurrency). */
    public static final int DEFAULT_MAX_CONCURRENCY = 4;

    /** @param maxConcurrency requests in flight to this site at once, at least 1 */
    public static HarborClient create(Site site, Duration connectTimeout, Duration readTimeout, int pageSize,
                                      int maxConcurrency, CircuitBreaker.Settings breaker, Clock clock) {
        return create(site, connectTimeout, readTimeout, pageSize, maxConcurrency, breaker, clock, WriteFence.NONE);
    }

    /** @param fence asked before every request but GET and HEAD (the daemon's leadership: issue 17) */
    public static HarborClient create(Site site, Duration connectTimeout, Duration readTimeout, int pageSize,
                                      int maxConcurrency, CircuitBreaker.Settings breaker, Clock clock,
                                      WriteFence fence) {
        return create(site, connectTimeout, readTimeout, pageSize, maxConcurrency, breaker, clock, fence,
                DEFAULT_SESSION_IDLE_TIMEOUT, System::nanoTime);
    }

    /** How long a login session may be idle before it is replaced, when not configured (harbor-sync.http.session-idle-timeout). */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(30);

    /**
     * @param sessionIdleTimeout a session (a user account's, see {@link Site#usesSession()}) idle longer than this is
     *                           replaced by a new login before the next request
     * @param nanoTime           the monotonic clock the session's idle time is read from (tests move it)
     */
    public static HarborClient create(Site site, Duration connectTimeout, Duration readTimeout, int pageSize,
                                      int maxConcurrency, CircuitBreaker.Settings breaker, Clock clock,
                                      WriteFence fence, Duration sessionIdleTimeout, LongSupplier nanoTime) {
        HarborSession session = site.usesSession()
                ? new HarborSession(site.name(), site.url(), site.username(), site.password(),
                        builder(site, connectTimeout, readTimeout)
                                .register(new LoginHeaders(fence))
                                .build(HarborLoginApi.class),
                        sessionIdleTimeout, nanoTime)
                : null;
        QuarkusRestClientBuilder builder = builder(site, connectTimeout, readTimeout)
                .register(new HarborHttpError.Mapper())
                .register(new Headers(site.name(), site.username(), site.password(), fence, session));
        if (session != null) {
            builder.register(new ForeignSession());
        }
        return new HarborClient(new HarborTransport(site.name(), builder.build(HarborApi.class), pageSize,
                maxConcurrency, new CircuitBreaker(site.name(), breaker, clock), session));
    }

    /** What the API and the login share: timeouts, no redirects, no default error mapper, the site's CA trust. */
    private static QuarkusRestClientBuilder builder(Site site, Duration connectTimeout, Duration readTimeout) {
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(site.url())
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .property("microprofile.rest.client.disable.default.mapper", true);
        site.caFile().ifPresent(ca -> builder.trustStore(trustStore(ca, site.name())));
        return builder;
    }

    static KeyStore trustStore(Path pem, String siteName) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigProblem("harbor-sync.sites." + siteName + ".ca-file: " + pem + " cannot be loaded ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * Adds credentials and a recognisable request id, never logs them; asks the fence before a write. With a session:
     * exactly our session's cookies, the CSRF token on writes, Origin and Referer, and no Authorization header (with
     * one, Harbor checks the password again and the session saves nothing).
     */
    static final class Headers implements ClientRequestFilter {
        private final String authorization;
        private final String site;
        private final WriteFence fence;
        private final HarborSession session;

        Headers(String site, String username, String password, WriteFence fence, HarborSession session) {
            this.site = site;
            this.fence = fence;
            this.session = session;
            // Robot names contain '$': fine in a Basic header, which is base64 of the raw bytes.
            this.authorization = session != null ? null : "Basic " + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void filter(ClientRequestContext ctx) {
            String method = ctx.getMethod();
            boolean write = !"GET".equals(method) && !"HEAD".equals(method);
            if (write) {
                fence.checkWrite(site); // the last moment before it leaves: a refusal sends nothing
                // when it passed (this host's monotonic clock): a write that arrives long after it was checked was
                // in flight when its process froze, the one window a fence on the client side cannot close
                ctx.getHeaders().putSingle(FENCED_AT, Long.toString(System.nanoTime()));
            }
            ctx.getHeaders().remove("Cookie");
            if (session == null) {
                ctx.getHeaders().putSingle("Authorization", authorization);
            } else {
                HarborSession.Login login = session.current();
                if (login == null) {
                    // the transport logs in before every request: without a login nothing leaves, never anonymously
                    throw new IllegalStateException(site + ": a request without a login session");
                }
                ctx.getHeaders().remove("Authorization");
                ctx.getHeaders().putSingle("Cookie", login.cookieHeader);
                if (write) {
                    ctx.getHeaders().putSingle(HarborSession.CSRF_HEADER, login.csrfToken);
                }
                ctx.getHeaders().putSingle("Origin", session.origin());
                ctx.getHeaders().putSingle("Referer", session.referer());
            }
            ctx.getHeaders().putSingle("X-Request-Id", REQUEST_ID_PREFIX + UUID.randomUUID());
            ctx.getHeaders().putSingle("User-Agent", userAgent(fence));
        }

        @Override
        public String toString() {
            return session == null ? "Headers[Authorization=***]" : "Headers[Cookie=***]";
        }
    }

    private static String userAgent(WriteFence fence) {
        String replica = fence.replica();
        return replica == null ? "harbor-sync" : "harbor-sync (" + replica + ")";
    }

    /** The login's own requests: request id and user agent; its cookie and token are the call's parameters. */
    static final class LoginHeaders implements ClientRequestFilter {
        private final WriteFence fence;

        LoginHeaders(WriteFence fence) {
            this.fence = fence;
        }

        @Override
        public void filter(ClientRequestContext ctx) {
            ctx.getHeaders().remove("Authorization");
            ctx.getHeaders().putSingle("X-Request-Id", REQUEST_ID_PREFIX + UUID.randomUUID());
            ctx.getHeaders().putSingle("User-Agent", userAgent(fence));
        }
    }

    /**
     * A read answered under a session Harbor made up (a new {@code sid}: it did not know ours, so it answered as to
     * anonymous, e.g. the public projects only) is made the 401 it stands for: never taken as the account's view.
     * Writes are left alone: anonymous gets 401 for every write anyway, and a 2xx write must never be sent twice.
     */
    static final class ForeignSession implements ClientResponseFilter {
        @Override
        public void filter(ClientRequestContext request, ClientResponseContext response) {
            String method = request.getMethod();
            if (("GET".equals(method) || "HEAD".equals(method)) && response.getStatus() < 400
                    && response.getHeaders() != null
                    && HarborSession.isForeignSession(request.getHeaderString("Cookie"),
                    response.getHeaders().get("Set-Cookie"))) {
                response.setStatus(401);
                response.setEntityStream(new java.io.ByteArrayInputStream(ANONYMOUS_ANSWER));
            }
        }

        private static final byte[] ANONYMOUS_ANSWER = ("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":"
                + "\"Harbor answered as anonymous: it did not know the login session\"}]}").getBytes(StandardCharsets.UTF_8);
    }
}
