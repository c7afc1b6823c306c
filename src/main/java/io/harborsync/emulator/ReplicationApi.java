package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code /replication/policies} and {@code /replication/executions} (api-notes 7.3, observations §1): policies as
 * Harbor answers them; an execution is recorded as an immediately succeeded manual run, nothing is copied.
 */
final class ReplicationApi {
    private final SiteData site;
    private final RegistriesApi registries;

    ReplicationApi(SiteData site, RegistriesApi registries) {
        this.site = site;
        this.registries = registries;
    }

    void routes(Router router) {
        router.add("GET", "replication/policies", (r, p) -> listPolicies(r));
        router.add("POST", "replication/policies", (r, p) -> createPolicy(r));
        router.add("GET", "replication/policies/{id}", (r, p) -> Response.ok(policyJson(Docs.get(site.replicationPolicies, p.get("id"), "policy"))));
        router.add("PUT", "replication/policies/{id}", (r, p) -> updatePolicy(r, Docs.get(site.replicationPolicies, p.get("id"), "policy")));
        router.add("DELETE", "replication/policies/{id}", (r, p) -> Docs.delete(r, site.replicationPolicies, p.get("id"), "policy"));
        router.add("GET", "replication/executions", (r, p) -> listExecutions(r));
        router.add("POST", "replication/executions", (r, p) -> startExecution(r));
        router.add("GET", "replication/executions/{id}", (r, p) -> Response.ok(Docs.get(site.executions, p.get("id"), "execution").json));
    }

    /** Newest first, and {@code name} a substring match (observations §1, steps repl.list, repl.list.q). */
    private Response listPolicies(Request r) {
        Access.requireSysadminOrRobot(r);
        String name = r.param("name");
        Predicate<SiteData.Doc> filter = d -> name == null || d.json.path("name").asText().contains(name);
        for (Map.Entry<String, String> t : r.qTerms()) {
            if (!t.getKey().equals("name")) continue;
            String v = t.getValue();
            filter = filter.and(d -> Request.termMatches(v, d.json.path("name").asText()));
        }
        List<SiteData.Doc> list = site.replicationPolicies.values().stream().filter(filter)
                .sorted(Comparator.comparingLong((SiteData.Doc d) -> d.id).reversed()).toList();
        return Paging.page(r, list, this::policyJson);
    }

    /**
     * A policy as Harbor answers it (observations §1, steps repl.get*): the local side is the "Local" registry (id 0),
     * {@code deletion} and {@code replicate_deletion} are both set when true and both omitted when false, an empty
     * {@code dest_namespace} is omitted, {@code copy_by_chunk} and {@code single_active_replication} always there.
     */
    private ObjectNode policyJson(SiteData.Doc d) {
        ObjectNode o = d.json.deepCopy();
        for (String side : List.of("src_registry", "dest_registry")) {
            long rid = o.path(side).path("id").asLong(0);
            SiteData.Doc reg = site.registries.get(rid);
            if (reg != null) o.set(side, registries.registryJson(reg));
        }
        boolean pull = o.path("src_registry").path("id").asLong(0) > 0;
        o.set(pull ? "dest_registry" : "src_registry", localRegistryJson());
        boolean deletion = o.path("deletion").asBoolean(false);
        o.remove(List.of("deletion", "replicate_deletion"));
        if (deletion) o.put("deletion", true).put("replicate_deletion", true);
        if (o.path("dest_namespace").asText("").isEmpty()) o.remove("dest_namespace");
        for (String flag : List.of("copy_by_chunk", "single_active_replication")) {
            o.put(flag, o.path(flag).asBoolean(false));
        }
        return o;
    }

    /** The site itself as a replication policy names it. */
    private static ObjectNode localRegistryJson() {
        ObjectNode o = Json.obj().put("creation_time", Json.time(Json.ZERO_TIME));
        o.putObject("credential").put("access_secret", "*****").put("type", "secret");
        return o.put("id", 0).put("insecure", true).put("name", "Local").put("status", "healthy").put("type", "harbor")
                .put("update_time", Json.time(Json.ZERO_TIME)).put("url", "http://127.0.0.1:8080");
    }

    private ObjectNode policyFromBody(ObjectNode body, long id, Instant created) {
        String name = Json.str(body, "policy", "name");
        if (name == null || name.isEmpty()) throw ApiError.badRequest("name is required");
        if (Docs.nameTaken(site.replicationPolicies, name, id)) throw ApiError.conflict("policy " + name + " already exists");
        for (String b : List.of("deletion", "replicate_deletion", "override", "enabled", "copy_by_chunk", "single_active_replication")) {
            Json.bool(body, "policy", b);
        }
        for (String side : List.of("src_registry", "dest_registry")) {
            ObjectNode reg = Json.object(body, "policy", side);
            Long rid = reg == null ? null : Json.lng(reg, "policy." + side, "id");
            if (rid != null && rid > 0 && !site.registries.containsKey(rid)) throw ApiError.badRequest("registry " + rid + " not found");
        }
        ObjectNode trigger = Json.object(body, "policy", "trigger");
        if (trigger != null && "event_based".equals(trigger.path("type").asText())
                && body.path("single_active_replication").asBoolean(false)) {
            throw ApiError.badRequest("single_active_replication is not allowed with event_based trigger");
        }
        ObjectNode o = body.deepCopy();
        o.remove("replicate_deletion"); // ignored on input; only `deletion` counts
        o.put("id", id);
        o.put("deletion", body.path("deletion").asBoolean(false));
        o.put("enabled", !body.has("enabled") || body.path("enabled").asBoolean(true));
        o.put("creation_time", Json.time(created)).put("update_time", Json.time(Instant.now()));
        return o;
    }

    private Response createPolicy(Request r) {
        Access.requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "policy");
        SiteData.Doc d = new SiteData.Doc();
        ObjectNode json = policyFromBody(body, 0, Instant.now());
        d.id = site.next("replication_policy");
        json.put("id", d.id);
        d.json = json;
        site.replicationPolicies.put(d.id, d);
        return Response.created(EmulatorRoutes.BASE + "/replication/policies/" + d.id);
    }

    private Response updatePolicy(Request r, SiteData.Doc d) {
        Access.requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "policy");
        d.json = policyFromBody(body, d.id, Instant.parse(d.json.path("creation_time").asText()));
        return Response.empty();
    }

    private Response startExecution(Request r) {
        Access.requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "execution");
        Long pid = Json.lng(body, "execution", "policy_id");
        if (pid == null || !site.replicationPolicies.containsKey(pid)) throw ApiError.notFound("policy " + pid + " not found");
        SiteData.Doc d = new SiteData.Doc();
        d.id = site.next("execution");
        String now = Json.time(Instant.now());
        // nothing is copied: the execution is recorded as an immediately succeeded manual run
        d.json = Json.obj().put("id", d.id).put("policy_id", pid).put("status", "Succeed").put("trigger", "manual")
                .put("start_time", now).put("end_time", now).put("status_text", "").put("total", 0).put("failed", 0)
                .put("succeed", 0).put("in_progress", 0).put("stopped", 0);
        site.executions.put(d.id, d);
        return Response.created(EmulatorRoutes.BASE + "/replication/executions/" + d.id);
    }

    private Response listExecutions(Request r) {
        Access.requireSysadminOrRobot(r);
        Long pid = r.longParam("policy_id");
        List<SiteData.Doc> list = new ArrayList<>(site.executions.values().stream()
                .filter(d -> pid == null || d.json.path("policy_id").asLong() == pid).toList());
        list.sort(Comparator.comparingLong((SiteData.Doc d) -> d.id).reversed());
        return Paging.page(r, list, d -> d.json);
    }
}
