package io.harborsync.harbor;

import io.harborsync.config.ConfigProblem;
import io.harborsync.config.Site;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

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

/**
 * Builds the REST client for one site: basic auth, timeouts, trust limited to the site's CA bundle,
 * no redirects, no cookie handling (a stored {@code sid} cookie would switch on Harbor's CSRF check).
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
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(site.url())
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .register(new HarborHttpError.Mapper())
                .register(new Headers(site.name(), site.username(), site.password(), fence));
        site.caFile().ifPresent(ca -> builder.trustStore(trustStore(ca, site.name())));
        return new HarborClient(new HarborTransport(site.name(), builder.build(HarborApi.class), pageSize,
                maxConcurrency, new CircuitBreaker(site.name(), breaker, clock)));
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

    /** Adds credentials and a recognisable request id, never logs them; asks the fence before a write. */
    static final class Headers implements ClientRequestFilter {
        private final String authorization;
        private final String site;
        private final WriteFence fence;

        Headers(String site, String username, String password, WriteFence fence) {
            this.site = site;
            this.fence = fence;
            // Robot names contain '$': fine in a Basic header, which is base64 of the raw bytes.
            this.authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void filter(ClientRequestContext ctx) {
            String method = ctx.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                fence.checkWrite(site); // the last moment before it leaves: a refusal sends nothing
                // when it passed (this host's monotonic clock): a write that arrives long after it was checked was
                // in flight when its process froze, the one window a fence on the client side cannot close
                ctx.getHeaders().putSingle(FENCED_AT, Long.toString(System.nanoTime()));
            }
            ctx.getHeaders().putSingle("Authorization", authorization);
            ctx.getHeaders().putSingle("X-Request-Id", REQUEST_ID_PREFIX + UUID.randomUUID());
            String replica = fence.replica();
            ctx.getHeaders().putSingle("User-Agent", replica == null ? "harbor-sync" : "harbor-sync (" + replica + ")");
            ctx.getHeaders().remove("Cookie");
        }

        @Override
        public String toString() {
            return "Headers[Authorization=***]";
        }
    }
}
