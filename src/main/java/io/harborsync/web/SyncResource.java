package io.harborsync.web;

import io.harborsync.http.ProblemException;
import io.harborsync.http.Problem;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.store.EventInbox;
import io.harborsync.intake.EventWorker;
import io.harborsync.model.Scope;
import io.harborsync.sync.SyncReport;
import io.harborsync.sync.SyncService;
import io.harborsync.status.SyncStatus;
import io.harborsync.intake.WebhookStats;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The admin API: on-demand reconciles (with dry-run plans) and the daemon's status. */
@Path("/")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = HarborSyncApi.SYNC)
@SecurityRequirement(name = HarborSyncApi.ADMIN_TOKEN)
@APIResponse(responseCode = "401", ref = HarborSyncApi.ADMIN_UNAUTHORIZED_REF)
public class SyncResource {
    @Inject
    SyncService sync;
    @Inject
    io.harborsync.ha.Leadership leadership;
    @Inject
    SyncStatus status;
    @Inject
    Sites sites;
    @Inject
    EventInbox inbox;
    @Inject
    EventWorker worker;
    @Inject
    WebhookStats webhookStats;
    @Inject
    io.harborsync.proxy.ActiveSite activeSite;
    @Inject
    io.harborsync.metrics.Metrics metrics;

    /** Reconciles everything; ?dryRun=true returns the plan and changes nothing. */
    @POST
    @Path("sync")
    @Operation(summary = "Reconcile everything now",
            description = "Reads every site, decides every key and applies the operations (unless dryRun). The answer"
                    + " lists what was done, failed, skipped (unknown sites, mass-deletion guard, deletions off),"
                    + " conflicts and pending work.")
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"),
            description = "true: return the planned operations with their reasons and change nothing. Exactly true or false.")
    @Parameter(name = "force", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"),
            description = "true: let the run pass the mass-deletion guard (harbor-sync.guard.max-delete-fraction).")
    @Parameter(name = "verify", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"),
            description = "true: read everything without the quick check (every repository's artifacts on every site) and"
                    + " count what the quick check would have missed (harborsync_quickcheck_misses_total).")
    @APIResponse(responseCode = "200", description = "The report (or the plan of a dry run)")
    @APIResponse(responseCode = "400", description = "dryRun, force or verify is not exactly true or false, or is given twice with different values, or an"
                    + " unknown query parameter (names are case-sensitive: dryrun is refused)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public SyncReport syncAll(@Context HttpServerRequest request) {
        return sync.run(Scope.ALL, flag(request, "dryRun"), flag(request, "force"), flag(request, "verify")).report();
    }

    @POST
    @Path("sync/projects/{name}")
    @Operation(summary = "Reconcile one project and everything in it",
            description = "Like POST /sync, limited to one project (its members, repositories and artifacts).")
    @Parameter(name = "dryRun", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"),
            description = "true: return the planned operations with their reasons and change nothing. Exactly true or false.")
    @Parameter(name = "force", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"),
            description = "true: let the run pass the mass-deletion guard (harbor-sync.guard.max-delete-fraction).")
    @Parameter(name = "verify", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"),
            description = "true: read everything without the quick check (every repository's artifacts on every site) and"
                    + " count what the quick check would have missed (harborsync_quickcheck_misses_total).")
    @APIResponse(responseCode = "200", description = "The report (or the plan of a dry run)")
    @APIResponse(responseCode = "400", description = "Not a Harbor project name, dryRun/force/verify not exactly true or false, or an unknown"
                    + " query parameter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Every site was read, none has the project and harbor-sync has no"
            + " record of it (a project deleted everywhere that harbor-sync still knows is reconciled, not a 404; a"
            + " site that cannot be read may have it, so then the answer is the report with unknownSites)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public SyncReport syncProject(@Parameter(description = "Harbor project name") @PathParam("name") String name, @Context HttpServerRequest request) {
        // JAX-RS drops ";..." from a path segment as matrix parameters: "team-a;x" would sync team-a.
        if (!Scope.isProjectName(name) || request.path().contains(";")) {
            throw new ProblemException(400, "'" + ProblemMappers.sanitize(name) + "' is not a Harbor project name");
        }
        boolean dryRun = flag(request, "dryRun");
        boolean force = flag(request, "force");
        boolean verify = flag(request, "verify");
        try {
            return sync.runProject(name, dryRun, force, verify).report();
        } catch (io.harborsync.sync.Reconciler.NoSuchProject e) {
            throw new ProblemException(404, e.getMessage());
        }
    }

    /**
     * A boolean query parameter, read strictly from the raw query: JAX-RS reads anything but "true" as false
     * (and drops empty values and what follows a ';'), so {@code dryRun=1}, {@code dryRun=yes} or
     * {@code dryRun=} ran a real sync. Absent = false; every occurrence must be true or false.
     */
    static boolean flag(HttpServerRequest request, String name) {
        // the query exactly as on the request line (UriInfo loses it after a matrix parameter: /p;x=1?dryRun=true)
        String raw = request.query();
        Boolean value = null;
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!key.equals(name)) {
                continue;
            }
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            boolean b;
            if (v.equalsIgnoreCase("true")) {
                b = true;
            } else if (v.equalsIgnoreCase("false")) {
                b = false;
            } else {
                throw new ProblemException(400, name + " must be true or false, got '" + ProblemMappers.sanitize(v) + "'");
            }
            if (value != null && value != b) {
                throw new ProblemException(400, name + " is given twice with different values");
            }
            value = b;
        }
        return value != null && value;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "the query string is not valid percent-encoding");
        }
    }

    /** Puts one dead letter back to work. */
    @POST
    @Path("inbox/dead/{id}/retry")
    @Operation(summary = "Put one dead-lettered webhook event back to work",
            description = "The ids are listed in GET /status under deadLetters.")
    @APIResponse(responseCode = "200", description = "{\"revived\": 1}")
    @APIResponse(responseCode = "400", ref = HarborSyncApi.UNKNOWN_QUERY_PARAMETER_REF)
    @APIResponse(responseCode = "404", description = "No dead letter with this id (or the id is not a number)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Map<String, Object> retryDeadLetter(@PathParam("id") long id) {
        if (!inbox.revive(id)) {
            throw new ProblemException(404, "no dead letter with id " + id);
        }
        java.util.concurrent.CompletableFuture.runAsync(worker::drain);
        return Map.of("revived", 1);
    }

    /** Puts every dead letter back to work, e.g. after a site's outage ended. */
    @POST
    @Path("inbox/dead/retry")
    @Operation(summary = "Put every dead-lettered webhook event back to work", description = "E.g. after a site's outage ended.")
    @APIResponse(responseCode = "200", description = "{\"revived\": n}")
    @APIResponse(responseCode = "400", ref = HarborSyncApi.UNKNOWN_QUERY_PARAMETER_REF)
    public Map<String, Object> retryAllDeadLetters() {
        int n = 0;
        for (var e : inbox.dead(10_000)) {
            if (inbox.revive(e.id())) {
                n++;
            }
        }
        java.util.concurrent.CompletableFuture.runAsync(worker::drain);
        return Map.of("revived", n);
    }

    @GET
    @Path("status")
    @Operation(summary = "The daemon's status",
            description = "Mode, conflict policy, per site reachability and circuit breaker, pending events and work,"
                    + " conflicts, recent operations, dead letters, webhook counters and the proxy's active site.")
    @APIResponse(responseCode = "200", description = "The status")
    @APIResponse(responseCode = "400", ref = HarborSyncApi.UNKNOWN_QUERY_PARAMETER_REF)
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", sites.isDemo() ? "demo" : "sites");
        out.put("conflictPolicy", sync.settings().policy().describe());
        out.put("ha", ha());
        out.put("sites", status.sites());
        out.put("breakers", breakers());
        out.put("pendingEvents", inbox.pendingCount());
        out.put("pending", status.pending());
        out.put("drift", metrics.drift());
        out.put("driftStale", metrics.driftStale());
        out.put("guardHeldBack", status.guardHolds());
        out.put("preconditions", sync.preconditions());
        out.put("secretsNotAligned", status.secretsNotAligned());
        out.put("conflicts", status.conflicts());
        out.put("recentOperations", status.recentOperations());
        out.put("deadLetters", inbox.dead(100).stream().map(e -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", e.id());
            d.put("site", e.site());
            d.put("type", e.type());
            d.put("project", e.project());
            d.put("attempts", e.attempts());
            d.put("lastError", e.lastError());
            return d;
        }).toList());
        out.put("retriesScheduled", worker.retriesScheduled());
        out.put("ownEventsSkipped", worker.ownEventsSkipped());
        Map<String, Object> deletions = new LinkedHashMap<>();
        deletions.put("startedByAuditLog", worker.deletionsStartedByAuditLog());
        deletions.put("startedByWebhook", worker.deletionsStartedByWebhook());
        deletions.put("duplicatesSkipped", worker.duplicatesSkipped());
        out.put("artifactDeletions", deletions);
        out.put("webhooks", webhookStats.snapshot());
        out.put("proxy", activeSite.snapshot());
        return out;
    }

    /** This replica's role: {"role":"leader|follower|starting","replica":..,"election":..,"leader":{..},..}. */
    private Map<String, Object> ha() {
        io.harborsync.ha.Leadership.View v = leadership.view();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", v.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        out.put("replica", v.replica());
        out.put("election", v.election());
        out.put("leader", v.leader().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("url", l.url());
            return m;
        }).orElse(null));
        out.put("epoch", v.epoch());
        out.put("leadershipChanges", v.changes());
        return out;
    }

    /** Per site: {"state":"closed|open|half-open","consecutiveFailures":n[,"nextTry":...][,"lastFailure":...]}. */
    private Map<String, Object> breakers() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Site site : sites.all()) {
            CircuitBreaker.Snapshot b = sites.client(site.name()).breakerState();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", b.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            one.put("consecutiveFailures", b.consecutiveFailures());
            if (b.nextTry() != null) {
                one.put("nextTry", b.nextTry().toString());
            }
            if (b.lastFailure() != null) {
                one.put("lastFailure", b.lastFailure());
            }
            out.put(site.name(), one);
        }
        return out;
    }
}
