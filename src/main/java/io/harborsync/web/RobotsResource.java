package io.harborsync.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.http.Problem;
import io.harborsync.http.ProblemException;
import io.harborsync.robots.RobotCredentials;
import io.harborsync.robots.RobotSpec;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Robot accounts with one secret on every site (issue 15), over {@link RobotCredentials}: create, set a known secret,
 * rotate. The body is checked field by field (an unknown field is a 400), so nothing reaches Harbor that it would
 * refuse or silently drop. A secret appears only in the answer of the call that chose it (create, rotate), never
 * in a problem.
 */
@Path("/robots")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = HarborSyncApi.ROBOTS)
@SecurityRequirement(name = HarborSyncApi.ADMIN_TOKEN)
@APIResponse(responseCode = "401", ref = HarborSyncApi.ADMIN_UNAUTHORIZED_REF)
public class RobotsResource {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "project", "description", "duration", "disable",
            "permissions", "secret");
    private static final Set<String> PERMISSION_FIELDS = Set.of("kind", "namespace", "access");
    private static final Set<String> ACCESS_FIELDS = Set.of("resource", "action", "effect");
    private static final String PARTIAL = " A site that fails does not undo the others: the answer then has"
            + " \"complete\": false and says per site what happened (sites.<site>.error); only the sites where the"
            + " secret was proven are recorded as aligned. Run the call again once the site is back.";

    @Inject
    RobotCredentials robots;

    /** {@code POST /robots} body (documentation; the body is read field by field). */
    @Schema(name = "RobotCreateRequest")
    public record CreateRequest(
            @Schema(required = true, description = "The robot's own name, without robot$ and without the project")
            String name,
            @Schema(description = "A project robot's project (its permissions must all be on it); absent: a system robot")
            String project,
            String description,
            @Schema(description = "Days until it expires, or -1 (never, the default)") Long duration,
            @Schema(description = "Disable it after its secret is proven (default false)") Boolean disable,
            @Schema(required = true) List<RobotPermission> permissions,
            @Schema(description = "The secret to set (8-128 characters with an upper case letter, a lower case one and a"
                    + " digit); absent: a fresh one is generated and returned") String secret) {
    }

    /** {@code PUT /robots/{name}/secret} body. */
    @Schema(name = "RobotSecretRequest")
    public record SecretRequest(@Schema(required = true) String secret) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a robot account on every site with one secret",
            description = "Checks every site first: a robot of that name on any site (or a project robot's project"
                    + " missing on one) is a 409 and nothing is created. Then creates it on every site, puts one secret"
                    + " on each (the given one or a generated one), proves it by logging in as the robot, and returns"
                    + " the secret: this is the only time it is shown. 201 whenever the robot was created on at least"
                    + " one site." + PARTIAL)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CreateRequest.class)))
    @APIResponse(responseCode = "201", description = "{\"name\":\"robot$ci\",\"key\":\"robot:ci\",\"complete\":true,"
            + "\"secret\":\"…\",\"sites\":{\"h1\":{\"id\":18,\"secretSet\":true,\"proven\":true},…}}")
    @APIResponse(responseCode = "400", description = "A field is missing, unknown or malformed: the name, the project, the"
            + " duration, a permission, or a secret against Harbor's rule; or a query parameter was given. Nothing was sent.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The robot exists on a site, its project is missing on one, or the"
            + " daemon logs in to a site as a robot (Harbor lets only users set robot secrets). Nothing was created.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is not application/json",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "Every site refused the create. Nothing was created.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "A site could not be checked before creating. Nothing was created.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(JsonNode body) {
        JsonNode b = object(body, "the body must be a JSON object {\"name\":…,\"permissions\":[…]}");
        fieldsOnly(b, CREATE_FIELDS, "");
        RobotSpec spec = new RobotSpec(requiredText(b, "name"), optionalText(b, "project"), optionalText(b, "description"),
                duration(b), bool(b, "disable"), permissions(b));
        Optional<String> secret = optionalText(b, "secret");
        RobotCredentials.Result r = robots.create(spec, secret);
        return Response.status(201).entity(answer(r)).type(MediaType.APPLICATION_JSON).build();
    }

    @PUT
    @Path("{name}/secret")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Put a known secret on a robot on every site",
            description = "E.g. the secret h1 showed when someone created the robot in Harbor's UI: it is set on every"
                    + " site where the robot exists and proven there. The answer does not repeat the secret." + PARTIAL)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SecretRequest.class)))
    @APIResponse(responseCode = "200", description = "{\"name\":…,\"key\":…,\"complete\":true,\"sites\":{…}} (no secret)")
    @APIResponse(responseCode = "400", description = "Not a robot name, the body is not {\"secret\":\"…\"}, or the secret"
            + " breaks Harbor's rule (8-128 characters, upper, lower, digit), or a query parameter was given. Nothing was sent.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", ref = HarborSyncApi.ROBOT_NOT_FOUND_REF)
    @APIResponse(responseCode = "409", ref = HarborSyncApi.ROBOT_ACCOUNT_REF)
    @APIResponse(responseCode = "415", description = "The body is not application/json",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "No site took the secret: nothing was changed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", ref = HarborSyncApi.ROBOT_UNANSWERED_REF)
    public Map<String, Object> setSecret(@Parameter(description = "The robot's name as Harbor shows it, with or without"
            + " robot$: ci, robot$ci, p+ci") @PathParam("name") String name, JsonNode body) {
        RobotCredentials.keyOfName(name);
        JsonNode b = object(body, "the body must be {\"secret\":\"…\"}");
        fieldsOnly(b, Set.of("secret"), "");
        return answer(robots.setSecret(name, requiredText(b, "secret")));
    }

    @POST
    @Path("{name}/rotate")
    @Operation(summary = "Put one fresh secret on a robot on every site",
            description = "A generated secret (32 characters) is set on every site where the robot exists, proven there"
                    + " and returned: this is the only time it is shown; the old secret stops working on every site"
                    + " that took the new one." + PARTIAL)
    @APIResponse(responseCode = "200", description = "{\"name\":…,\"key\":…,\"complete\":true,\"secret\":\"…\",\"sites\":{…}}")
    @APIResponse(responseCode = "400", description = "Not a robot name, or a query parameter was given",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", ref = HarborSyncApi.ROBOT_NOT_FOUND_REF)
    @APIResponse(responseCode = "409", ref = HarborSyncApi.ROBOT_ACCOUNT_REF)
    @APIResponse(responseCode = "502", description = "No site took the new secret: nothing was changed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", ref = HarborSyncApi.ROBOT_UNANSWERED_REF)
    public Map<String, Object> rotate(@Parameter(description = "The robot's name as Harbor shows it, with or without"
            + " robot$: ci, robot$ci, p+ci") @PathParam("name") String name) {
        return answer(robots.rotate(name));
    }

    /** The answer of every call: the secret only when the call chose it. */
    static Map<String, Object> answer(RobotCredentials.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("key", r.key());
        m.put("complete", r.complete());
        r.secret().ifPresent(s -> m.put("secret", s.value()));
        Map<String, Object> sites = new LinkedHashMap<>();
        r.sites().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Object> site = new LinkedHashMap<>();
            e.getValue().id().ifPresent(id -> site.put("id", id));
            site.put("secretSet", e.getValue().secretSet());
            site.put("proven", e.getValue().proven());
            e.getValue().error().ifPresent(err -> site.put("error", err));
            sites.put(e.getKey(), site);
        });
        m.put("sites", sites);
        return m;
    }

    // ------------------------------------------------------------------ the body, field by field

    private static JsonNode object(JsonNode body, String expected) {
        if (body == null || !body.isObject()) {
            throw new ProblemException(400, expected);
        }
        return body;
    }

    private static void fieldsOnly(JsonNode o, Set<String> allowed, String at) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new ProblemException(400, "unknown field '" + at + ProblemMappers.sanitize(f) + "'; the fields are "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String requiredText(JsonNode o, String field) {
        return optionalText(o, field).orElseThrow(() -> new ProblemException(400, "'" + field + "' is missing"));
    }

    /** A string field; null or absent is empty. The value is never echoed (it may be a secret). */
    private static Optional<String> optionalText(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new ProblemException(400, "'" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }

    private static long duration(JsonNode o) {
        JsonNode v = o.get("duration");
        if (v == null || v.isNull()) {
            return -1;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ProblemException(400, "'duration' must be a whole number of days, or -1 (never expires)");
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new ProblemException(400, "'" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static List<RobotPermission> permissions(JsonNode o) {
        JsonNode v = o.get("permissions");
        if (v == null || v.isNull()) {
            throw new ProblemException(400, "'permissions' is missing");
        }
        if (!v.isArray()) {
            throw new ProblemException(400, "'permissions' must be an array of {\"kind\",\"namespace\",\"access\"}");
        }
        List<RobotPermission> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String at = "permissions[" + i + "]";
            JsonNode p = v.get(i);
            if (!p.isObject()) {
                throw new ProblemException(400, "'" + at + "' must be an object {\"kind\",\"namespace\",\"access\"}");
            }
            fieldsOnly(p, PERMISSION_FIELDS, at + ".");
            JsonNode access = p.get("access");
            if (access == null || !access.isArray()) {
                throw new ProblemException(400, "'" + at + ".access' must be an array of {\"resource\",\"action\"}");
            }
            List<Access> as = new ArrayList<>();
            for (int j = 0; j < access.size(); j++) {
                String aat = at + ".access[" + j + "]";
                JsonNode a = access.get(j);
                if (!a.isObject()) {
                    throw new ProblemException(400, "'" + aat + "' must be an object {\"resource\",\"action\"}");
                }
                fieldsOnly(a, ACCESS_FIELDS, aat + ".");
                as.add(new Access(text(a, "resource", aat), text(a, "action", aat), text(a, "effect", aat)));
            }
            out.add(new RobotPermission(text(p, "kind", at), text(p, "namespace", at), as));
        }
        return out;
    }

    private static String text(JsonNode o, String field, String at) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ProblemException(400, "'" + at + "." + field + "' must be a string");
        }
        return v.asText();
    }
}
