package io.harborsync.web;

import io.harborsync.ha.Leadership;
import io.harborsync.http.Problem;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * On a follower, the admin calls that do the leader's work ({@code /sync}, {@code /proxy}, {@code /robots},
 * {@code /webhook-policies}, {@code /inbox}) are forwarded to the leader, one hop, and its answer is returned as it
 * is, with {@value #REPLICA} naming the replica that answered. So a client behind the Service that picks any
 * replica gets the leader's answer. When no leader is known or it cannot be reached: 503 with a problem body and
 * Retry-After, never a half-done call. Webhooks, /status, the dashboard, /config and /q/* are answered by the
 * replica itself (/status says which one it is and who leads).
 */
@ApplicationScoped
public class LeaderForwarding {
    private static final Logger LOG = Logger.getLogger(LeaderForwarding.class);
    /** Set on a forwarded request (the forwarding replica's id): a request that carries it is never forwarded again. */
    public static final String FORWARDED_BY = "X-Harbor-Sync-Forwarded-By";
    /** On a forwarded answer: the replica that answered it. */
    public static final String REPLICA = "X-Harbor-Sync-Replica";
    static final List<String> LEADER_PATHS = List.of("/sync", "/proxy", "/robots", "/webhook-policies", "/inbox");
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Accept");
    private static final List<String> ANSWER_HEADERS = List.of("Content-Type", "Retry-After", "WWW-Authenticate",
            "Allow", "Location");

    @Inject
    Leadership leadership;
    @Inject
    Vertx vertx;

    private volatile HttpClient client;

    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::handle);
    }

    static boolean isLeaderWork(String path) {
        // the normalized path: never a query, never a dot segment
        return path != null && LEADER_PATHS.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }

    void handle(RoutingContext ctx) {
        if (!isLeaderWork(ctx.normalizedPath()) || ctx.request().getHeader(FORWARDED_BY) != null
                || !leadership.isRunning() || leadership.isLeader()) {
            ctx.next();
            return;
        }
        ctx.request().body().onComplete(body -> {
            if (body.failed()) {
                fail(ctx, 400, "the request body could not be read");
                return;
            }
            vertx.<Optional<Leadership.Leader>>executeBlocking(() -> leadership.leaderElsewhere(), false)
                    .onComplete(found -> {
                        if (leadership.isLeader()) {
                            // became leader meanwhile: the body is read, so it cannot go down the chain; ask again
                            fail(ctx, 503, "this replica just became the leader; send the request again");
                        } else if (found.failed() || found.result().isEmpty()) {
                            fail(ctx, 503, "this replica (" + leadership.replica() + ") is a follower and no"
                                    + " leader is known yet; send the request again shortly");
                        } else {
                            forward(ctx, found.result().get(), body.result());
                        }
                    });
        });
        ctx.request().resume(); // Quarkus pauses a request until a handler reads it
    }

    private void forward(RoutingContext ctx, Leadership.Leader leader, Buffer body) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String h : REQUEST_HEADERS) {
            String v = ctx.request().getHeader(h);
            if (v != null) {
                headers.set(h, v);
            }
        }
        headers.set(FORWARDED_BY, leadership.replica());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(ctx.request().method().name()))
                .setAbsoluteURI(leader.url() + ctx.request().uri()).setHeaders(headers).setTimeout(120_000);
        http().request(options)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> {
                    var out = ctx.response().setStatusCode(resp.statusCode());
                    for (String h : ANSWER_HEADERS) {
                        String v = resp.getHeader(h);
                        if (v != null) {
                            out.putHeader(h, v);
                        }
                    }
                    String answeredBy = resp.getHeader(REPLICA);
                    out.putHeader(REPLICA, answeredBy != null ? answeredBy : leader.id());
                    out.end(b);
                    return null;
                }))
                .onFailure(e -> {
                    LOG.debugf("forwarding to the leader %s failed: %s", leader.id(), e.getMessage());
                    fail(ctx, 503, "this replica (" + leadership.replica() + ") is a follower and the leader ("
                            + leader.id() + " at " + leader.url() + ") did not answer; send the request again shortly");
                });
    }

    private HttpClient http() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
                }
                c = client;
            }
        }
        return c;
    }

    private static void fail(RoutingContext ctx, int status, String detail) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Retry-After", "2")
                .end(Buffer.buffer(Problem.of(status, detail, ProblemMappers.sanitize(ctx.normalizedPath())).json()));
    }
}
