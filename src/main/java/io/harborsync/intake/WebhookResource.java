package io.harborsync.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.harborsync.store.StoreException;
import io.harborsync.http.Problem;
import io.harborsync.http.Secrets;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.harborsync.web.HarborSyncApi;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * Harbor's webhook target: {@code POST /webhooks/{site}}, one URL per site, authenticated by the site's
 * {@code webhook-secret} (Harbor sends it verbatim as the Authorization header). A work event is stored in the
 * inbox before the 200 goes back, then announced as a {@link WebhookReceived} CDI async event. Never logs the
 * Authorization header or a secret.
 */
@Path("/webhooks")
@Tag(name = HarborSyncApi.WEBHOOKS)
public class WebhookResource {
    private static final Logger LOG = Logger.getLogger(WebhookResource.class);
    /** Harbor's payloads are about 1 KB; anything near this is not a Harbor webhook. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    @Inject
    Sites sites;
    @Inject
    EventInbox inbox;
    @Inject
    WebhookStats stats;
    @Inject
    Event<WebhookReceived> received;

    /** The 200 body: the inbox id of stored work, or {@code ignored: true}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ack(Long id, String type, Boolean ignored) {
    }

    @Inject
    io.harborsync.config.HarborSyncConfig config;

    private final java.util.concurrent.atomic.AtomicLong lastBackpressureWarning = new java.util.concurrent.atomic.AtomicLong();

    @POST
    @Path("/{site}")
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = HarborSyncApi.WEBHOOK_SECRET)
    @Operation(summary = "Receive a Harbor webhook of one site",
            description = "Work (PUSH_ARTIFACT, DELETE_ARTIFACT, successful REPLICATION) is stored in the inbox before"
                    + " the 200; other event types are acknowledged with ignored=true and only counted.")
    @RequestBody(description = "Harbor's Default payload (application/json) or CloudEvents"
            + " (application/cloudevents+json), at most 1 MiB", required = true, content = {
            @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.OBJECT)),
            @Content(mediaType = "application/cloudevents+json", schema = @Schema(type = SchemaType.OBJECT))})
    @APIResponse(responseCode = "200", description = "Stored (id) or acknowledged and ignored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Ack.class)))
    @APIResponse(responseCode = "400", description = "Unreadable body, wrong Content-Type, not strict UTF-8 JSON, not"
            + " a Harbor event, or a query parameter (Harbor sends none to a webhook address)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "The Authorization header is missing or is not the site's"
            + " webhook secret, or the site has none configured",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No site of this name is configured",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is larger than 1 MiB",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The inbox is full (harbor-sync.inbox.max-pending) or the event"
            + " could not be stored; Harbor retries the delivery",
            headers = @Header(name = "Retry-After", description = "Seconds, when the inbox is full",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response receive(@Parameter(description = "The site's name, e.g. h1") @PathParam("site") String siteName,
                            HttpHeaders headers, InputStream body) {
        String instance = "/webhooks/" + WebhookParser.clip(siteName);
        Optional<Site> site = sites.byName(siteName);
        if (site.isEmpty()) {
            return Problem.response(404, "no site named '" + WebhookParser.clip(siteName) + "' is configured", instance);
        }
        String name = site.get().name();
        Optional<String> refused = authProblem(site.get(), headers.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (refused.isPresent()) {
            stats.rejected(name, null, "unauthorized");
            return Problem.response(401, refused.get(), instance);
        }

        byte[] bytes;
        try {
            bytes = readLimited(headers, body);
        } catch (TooLarge e) {
            stats.rejected(name, null, "too-large");
            return Problem.response(413, "the body is larger than " + MAX_BODY_BYTES + " bytes; Harbor's webhook"
                    + " payloads are about 1 KB", instance);
        } catch (IOException e) {
            stats.rejected(name, null, "unreadable");
            return Problem.response(400, "the body could not be read completely", instance);
        }

        WebhookParser.Result result;
        try {
            result = WebhookParser.parse(bytes, headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
        } catch (WebhookParseException e) {
            stats.rejected(name, null, "malformed");
            LOG.debugf("webhook from %s refused: %s", name, e.getMessage());
            return Problem.response(400, e.getMessage(), instance);
        }

        if (result instanceof WebhookParser.Ignored ignored) {
            stats.ignored(name, ignored.type());
            LOG.debugf("webhook %s from %s acknowledged, not work: %s", ignored.type(), name, ignored.why());
            return Response.ok(new Ack(null, ignored.type(), true)).build();
        }
        WebhookParser.Work w = (WebhookParser.Work) result;
        long id;
        try {
            long pending = pendingEvents();
            if (pending >= config.inbox().maxPending()) {
                // Past the bound a burst is refused, not dropped: Harbor retries a non-2xx delivery later.
                stats.rejected(name, w.type(), "busy");
                long now = System.currentTimeMillis();
                long last = lastBackpressureWarning.get();
                if (now - last > 60_000 && lastBackpressureWarning.compareAndSet(last, now)) {
                    LOG.warnf("inbox holds %d pending events (bound harbor-sync.inbox.max-pending=%d): refusing"
                            + " webhooks with 503 until the workers catch up", pending, config.inbox().maxPending());
                }
                return Response.fromResponse(Problem.response(503, "harbor-sync is busy (" + pending
                        + " events waiting); retry later", instance)).header("Retry-After", "30").build();
            }
            storedSinceCount.incrementAndGet();
            id = inbox.add(new InboxEvent(0, name, w.type(), w.project(), w.repository(), w.digest(), w.tag(),
                    w.operator(), w.requestId(), w.occurredAt(), Instant.now(), 0, null));
        } catch (StoreException e) {
            stats.rejected(name, w.type(), "store-failed");
            LOG.errorf(e, "webhook %s from %s could not be stored; answering 503 so that Harbor retries", w.type(), name);
            return Problem.response(503, "the event could not be stored; Harbor retries the delivery", instance);
        }
        stats.received(name, w.type());
        LOG.debugf("webhook %s from %s stored as inbox event %d (%s/%s)", w.type(), name, id, w.project(), w.repository());
        received.fireAsync(new WebhookReceived(id, name, w.type(), w.project()))
                .exceptionally(t -> {
                    LOG.warnf("an observer of inbox event %d failed (%s); the event stays in the inbox",
                            id, t.getClass().getSimpleName());
                    return null;
                });
        return Response.ok(new Ack(id, w.type(), null)).build();
    }

    /**
     * Why a webhook for {@code site} with this Authorization header is refused, or empty when the header is the
     * site's webhook secret (compared in constant time). A site without a secret refuses everything.
     */
    static Optional<String> authProblem(Site site, String authorization) {
        String name = site.name();
        Optional<String> secret = site.webhookSecret().filter(s -> !s.isEmpty());
        if (secret.isEmpty()) {
            return Optional.of("site " + name + " has no harbor-sync.sites." + name + ".webhook-secret configured,"
                    + " so all its webhooks are refused; set it to the auth header of the site's webhook policies");
        }
        if (authorization == null || authorization.isEmpty()) {
            return Optional.of("missing Authorization header: it must carry site " + name
                    + "'s webhook secret (the auth header of the webhook policy)");
        }
        if (!Secrets.constantTimeEquals(secret.get(), authorization)) {
            return Optional.of("the Authorization header does not match site " + name + "'s webhook secret");
        }
        return Optional.empty();
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super(null, null);
        }
    }

    private static byte[] readLimited(HttpHeaders headers, InputStream in) throws IOException {
        String length = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
                    throw new TooLarge();
                }
            } catch (NumberFormatException e) {
                // let the bounded read decide
            }
        }
        if (in == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > MAX_BODY_BYTES) {
                throw new TooLarge();
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private final java.util.concurrent.atomic.AtomicLong pendingSeenAt = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong storedSinceCount = new java.util.concurrent.atomic.AtomicLong();
    private volatile long pendingSeen;

    /**
     * The inbox's pending count for the backpressure bound. Counting on every request costs more than storing
     * the event, so it is counted at most every 100 ms and the events stored since are added (an estimate
     * that can only be too high); only an estimate at the bound is checked by counting again.
     */
    private long pendingEvents() {
        long now = System.nanoTime();
        long at = pendingSeenAt.get();
        long estimate = pendingSeen + storedSinceCount.get();
        if (at == 0 || now - at > 100_000_000L || estimate >= config.inbox().maxPending()) {
            pendingSeenAt.set(now == 0 ? 1 : now);
            storedSinceCount.set(0);
            pendingSeen = inbox.pendingCount();
            return pendingSeen;
        }
        return estimate;
    }
}
