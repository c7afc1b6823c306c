package io.harborsync.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.config.Site;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;
import io.harborsync.http.Problem;
import io.harborsync.http.ProblemException;
import io.harborsync.model.Keys;
import io.harborsync.sites.Sites;
import io.harborsync.sync.WebhookPolicies;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Users' webhook policies (issue 16): {@code PUT /webhook-policies/{project}/{name}/auth-header} puts one auth header
 * (the {@code Authorization} value Harbor sends with each delivery) on every http target of the policy on every site
 * that has it. The header comes in a JSON body {@code {"auth_header":"…"}} (an unknown field is a 400) and is never
 * echoed: not in the answer, a problem or a log line. Harbor returns the header in every GET of the policy, so the
 * webhook-policy kind sees the sites agree at its next reconcile and writes nothing.
 */
@Path("/webhook-policies")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = HarborSyncApi.WEBHOOK_POLICIES)
@SecurityRequirement(name = HarborSyncApi.ADMIN_TOKEN)
@APIResponse(responseCode = "401", ref = HarborSyncApi.ADMIN_UNAUTHORIZED_REF)
public class WebhookPoliciesResource {
    private static final Logger LOG = Logger.getLogger(WebhookPoliciesResource.class);
    /** Go's net/http refuses header values longer than its 1 MB header limit long before this; a typo is not 8 KB. */
    static final int MAX_HEADER = 8192;

    @Inject
    Sites sites;

    /** {@code PUT /webhook-policies/{project}/{name}/auth-header} body (documentation; read field by field). */
    @Schema(name = "WebhookAuthHeaderRequest")
    public record AuthHeaderRequest(
            @Schema(required = true, description = "The Authorization value Harbor sends verbatim, e.g. \"Bearer …\";"
                    + " one line, at most 8192 characters") String auth_header) {
    }

    @PUT
    @Path("{project}/{name}/auth-header")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Put one auth header on a webhook policy's targets on every site",
            description = "Sets the header on every http target of the user's webhook policy of that name, on every"
                    + " site that has the policy (each policy is sent whole, as Harbor's PUT replaces it). The answer"
                    + " says per site what happened and never repeats the header. A site that fails does not undo the"
                    + " others: the answer then has \"complete\": false and sites.<site>.error; run the call again once"
                    + " the site is back.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AuthHeaderRequest.class)))
    @APIResponse(responseCode = "200", description = "{\"project\":\"team-a\",\"name\":\"deploy\",\"complete\":true,"
            + "\"sites\":{\"h1\":{\"found\":true,\"set\":true,\"targets\":1},\"h2\":{\"found\":false}}} (no header)")
    @APIResponse(responseCode = "400", description = "Not a project name, the daemon's own policy, the body is not"
            + " {\"auth_header\":\"…\"} (an unknown field, an empty or multi-line header, more than 8192 characters),"
            + " the policy has no http target, or a query parameter was given. Nothing was sent.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No site has a webhook policy of that name in that project",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is not application/json",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "Every site that has the policy refused the change: nothing changed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No site that answered has the policy, and some did not answer",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Map<String, Object> setAuthHeader(
            @Parameter(description = "The project's name") @PathParam("project") String project,
            @Parameter(description = "The webhook policy's name as Harbor shows it") @PathParam("name") String name,
            JsonNode body) {
        if (!Keys.isName(project)) {
            throw new ProblemException(400, "not a project name: lower-case letters, digits and inner . _ -");
        }
        if (name == null || name.isEmpty()) {
            throw new ProblemException(400, "the policy's name is missing");
        }
        if (WebhookPolicies.isDaemons(name)) {
            throw new ProblemException(400, "'" + name + "' is a harbor-sync installation's own policy: its header is"
                    + " harbor-sync.sites.<site>.webhook-secret");
        }
        String header = header(body);

        Map<String, Map<String, Object>> bySite = new TreeMap<>();
        int found = 0;
        int set = 0;
        int unanswered = 0;
        for (Site site : sites.all()) {
            Map<String, Object> r = new LinkedHashMap<>();
            bySite.put(site.name(), r);
            HarborClient c = sites.client(site.name());
            WebhookPolicy p;
            try {
                p = c.webhookPolicies().find(project, name).orElse(null);
            } catch (HarborException.NotFound projectMissing) {
                p = null;
            } catch (HarborException e) {
                unanswered++;
                r.put("error", e.getMessage());
                continue;
            }
            r.put("found", p != null);
            if (p == null) {
                continue;
            }
            found++;
            List<WebhookTarget> targets = new ArrayList<>();
            int http = 0;
            for (WebhookTarget t : p.targets() == null ? List.<WebhookTarget>of() : p.targets()) {
                boolean isHttp = "http".equals(t.type());
                http += isHttp ? 1 : 0;
                targets.add(new WebhookTarget(t.type(), t.address(), isHttp ? header : t.authHeader(),
                        t.skipCertVerify(), t.payloadFormat()));
            }
            if (http == 0) {
                r.put("set", false);
                r.put("error", "the policy has no http target on this site (slack targets take no auth header)");
                continue;
            }
            try {
                // every field as read: a PUT replaces the policy (enabled left out would be false)
                c.webhookPolicies().update(project, p.id(), new WebhookPolicy(null, p.name(), p.description() == null
                        ? "" : p.description(), null, targets, p.eventTypes(), Boolean.TRUE.equals(p.enabled())));
                r.put("set", true);
                r.put("targets", http);
                set++;
            } catch (HarborException e) {
                r.put("set", false);
                r.put("error", e.getMessage());
            }
        }
        if (found == 0) {
            throw unanswered > 0
                    ? new ProblemException(503, "no site that answered has webhook policy '" + ProblemMappers.sanitize(name)
                    + "' in project " + project + ", and " + unanswered + " did not answer")
                    : new ProblemException(404, "no site has webhook policy '" + ProblemMappers.sanitize(name)
                    + "' in project " + project);
        }
        if (set == 0) {
            throw new ProblemException(502, "no site took the auth header of webhook policy '"
                    + ProblemMappers.sanitize(name) + "' in project " + project + ": nothing changed ("
                    + bySite.entrySet().stream().filter(e -> e.getValue().containsKey("error"))
                    .map(e -> e.getKey() + ": " + e.getValue().get("error")).reduce((a, b) -> a + "; " + b).orElse("")
                    + ")");
        }
        boolean complete = unanswered == 0 && set == found;
        LOG.infof("auth header of webhook policy %s set on %d of %d sites having it%s", Keys.webhookPolicy(project, name),
                set, found, complete ? "" : " (incomplete)");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("project", project);
        out.put("name", name);
        out.put("key", Keys.webhookPolicy(project, name));
        out.put("complete", complete);
        out.put("sites", bySite);
        return out;
    }

    /** The header from {@code {"auth_header":"…"}}: one line, not empty, not too long; never echoed. */
    private static String header(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ProblemException(400, "the body must be {\"auth_header\":\"…\"}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("auth_header")) {
                throw new ProblemException(400, "unknown field '" + ProblemMappers.sanitize(f)
                        + "'; the only field is auth_header");
            }
        }
        JsonNode v = body.get("auth_header");
        if (v == null || v.isNull()) {
            throw new ProblemException(400, "'auth_header' is missing");
        }
        if (!v.isTextual()) {
            throw new ProblemException(400, "'auth_header' must be a string");
        }
        String h = v.asText();
        if (h.isBlank()) {
            throw new ProblemException(400, "'auth_header' is empty");
        }
        if (h.length() > MAX_HEADER) {
            throw new ProblemException(400, "'auth_header' is longer than " + MAX_HEADER + " characters");
        }
        if (h.chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
            throw new ProblemException(400, "'auth_header' must be one line (an HTTP header value)");
        }
        return h;
    }
}
