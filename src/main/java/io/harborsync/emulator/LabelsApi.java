package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /labels} and the labels of an artifact, as real Harbor v2.15.2 answered them (observations §4). Hardly
 * anything is validated (only the scope); uniqueness is per (name, scope, project); project labels outlive their
 * project (they are deleted by id only); nothing here writes an audit row. Runs under the site lock like every handler.
 */
final class LabelsApi {
    private final SiteData site;
    private final Lookup lookup;

    LabelsApi(SiteData site, Lookup lookup) {
        this.site = site;
        this.lookup = lookup;
    }

    void routes(Router router) {
        router.add("GET", "labels", (r, p) -> list(r));
        router.add("POST", "labels", (r, p) -> create(r));
        router.add("GET", "labels/{id}", (r, p) -> Response.ok(json(label(p.get("id")))));
        router.add("PUT", "labels/{id}", (r, p) -> update(r, label(p.get("id"))));
        router.add("DELETE", "labels/{id}", (r, p) -> delete(label(p.get("id"))));
        router.add("POST", "projects/{p}/repositories/{r}/artifacts/{ref}/labels", (r, p) -> attach(r, p));
        router.add("DELETE", "projects/{p}/repositories/{r}/artifacts/{ref}/labels/{id}", (r, p) -> detach(r, p));
    }

    /** Swagger model order; empty name, color and description omitted, project_id only on project labels. */
    private static ObjectNode json(SiteData.Label l) {
        ObjectNode o = Json.obj();
        if (!l.color.isEmpty()) o.put("color", l.color);
        o.put("creation_time", Json.time(l.created));
        if (!l.description.isEmpty()) o.put("description", l.description);
        o.put("id", l.id);
        if (!l.name.isEmpty()) o.put("name", l.name);
        if (l.projectId != 0) o.put("project_id", l.projectId);
        o.put("scope", l.scope).put("update_time", Json.time(l.updated));
        return o;
    }

    static long pathId(String id, String name) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiError.unprocessable(name + " in path must be of type int64: \"" + id + "\"");
        }
    }

    private SiteData.Label label(String id) {
        SiteData.Label l = site.labels.get(pathId(id, "label_id"));
        if (l == null) throw ApiError.notFound("label " + id + " not found");
        return l;
    }

    /** A scope is required; {@code name} is a substring match (steps next.labels; observations §4). */
    private Response list(Request r) {
        String scope = r.param("scope");
        if (!"g".equals(scope) && !"p".equals(scope)) throw ApiError.badRequest("invalid scope: " + (scope == null ? "" : scope));
        Long projectId = r.longParam("project_id");
        if (scope.equals("p") && (projectId == null || projectId <= 0)) {
            throw ApiError.badRequest("must with project ID when to query project labels");
        }
        String name = r.param("name");
        List<SiteData.Label> all = site.labels.values().stream()
                .filter(l -> l.scope.equals(scope) && (scope.equals("g") || l.projectId == projectId))
                .filter(l -> name == null || l.name.contains(name)).toList();
        return Paging.page(r, all, LabelsApi::json);
    }

    private Response create(Request r) {
        ObjectNode body = Json.requireObject(r.json(), "label");
        String scope = Json.str(body, "label", "scope");
        if (!"g".equals(scope) && !"p".equals(scope)) throw ApiError.badRequest("unsupported label scope");
        SiteData.Label l = new SiteData.Label();
        l.scope = scope;
        fill(l, body);
        Long pid = Json.lng(body, "label", "project_id");
        l.projectId = scope.equals("p") && pid != null ? pid : 0; // a global label drops project_id; unchecked otherwise
        l.id = site.next("label"); // the insert takes the id even when it then fails on the unique key (observations §4)
        requireUnique(l);
        l.created = l.updated = Instant.now();
        site.labels.put(l.id, l);
        return Response.created(EmulatorRoutes.BASE + "/labels/" + l.id);
    }

    private static void fill(SiteData.Label l, ObjectNode body) {
        String name = Json.str(body, "label", "name");
        String color = Json.str(body, "label", "color");
        String description = Json.str(body, "label", "description");
        l.name = name == null ? "" : name;
        l.color = color == null ? "" : color;
        l.description = description == null ? "" : description;
    }

    private void requireUnique(SiteData.Label l) {
        for (SiteData.Label o : site.labels.values()) {
            if (o.id != l.id && o.name.equals(l.name) && o.scope.equals(l.scope) && o.projectId == l.projectId) {
                throw ApiError.conflict("label " + l.name + " already exists");
            }
        }
    }

    /** Name, color and description are replaced; scope and project_id stay what they were (observations §4). */
    private Response update(Request r, SiteData.Label l) {
        ObjectNode body = Json.requireObject(r.json(), "label");
        SiteData.Label changed = new SiteData.Label();
        changed.id = l.id;
        changed.scope = l.scope;
        changed.projectId = l.projectId;
        fill(changed, body);
        requireUnique(changed);
        l.name = changed.name;
        l.color = changed.color;
        l.description = changed.description;
        l.updated = Instant.now();
        return Response.empty();
    }

    /** Deleting a label takes it off every artifact it was attached to. */
    private Response delete(SiteData.Label l) {
        site.labels.remove(l.id);
        site.artifactLabels.values().forEach(m -> m.remove(l.id));
        return Response.empty();
    }

    private Response attach(Request r, Map<String, String> params) {
        SiteData.Repository repo = lookup.repository(r, params);
        SiteData.Artifact a = lookup.artifact(repo, params.get("ref"));
        ObjectNode body = Json.requireObject(r.json(), "label");
        Long id = Json.lng(body, "label", "id");
        SiteData.Label l = id == null ? null : site.labels.get(id);
        if (l == null) throw ApiError.notFound("label " + id + " not found");
        if (l.scope.equals("p") && l.projectId != repo.projectId) {
            throw ApiError.notFound("project id " + repo.projectId + ", label " + l.id + " not found");
        }
        Map<Long, Instant> on = site.artifactLabels.computeIfAbsent(a.id, k -> new LinkedHashMap<>());
        if (on.containsKey(l.id)) throw ApiError.conflict("label " + l.id + " is already added to the artifact " + a.id);
        on.put(l.id, Instant.now());
        return Response.empty();
    }

    private Response detach(Request r, Map<String, String> params) {
        SiteData.Repository repo = lookup.repository(r, params);
        SiteData.Artifact a = lookup.artifact(repo, params.get("ref"));
        long id = pathId(params.get("id"), "label_id");
        Map<Long, Instant> on = site.artifactLabels.get(a.id);
        if (on == null || on.remove(id) == null) {
            throw ApiError.notFound("reference with label " + id + " and artifact " + a.id + " not found");
        }
        return Response.empty();
    }

    /** {@code with_label=true}: the artifact's labels as {creation_time, id, name, scope, update_time} (observations §4). */
    void decorate(ObjectNode artifact, SiteData.Artifact a) {
        Map<Long, Instant> on = site.artifactLabels.get(a.id);
        if (on == null || on.isEmpty()) return;
        ArrayNode arr = artifact.putArray("labels");
        for (Long id : on.keySet()) {
            SiteData.Label l = site.labels.get(id);
            if (l == null) continue;
            ObjectNode o = arr.addObject().put("creation_time", Json.time(l.created)).put("id", l.id);
            if (!l.name.isEmpty()) o.put("name", l.name);
            o.put("scope", l.scope).put("update_time", Json.time(l.updated));
        }
    }
}
