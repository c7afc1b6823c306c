package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** {@code /quotas}: one per project, storage only, nothing used (steps quota.*). */
final class QuotasApi {
    private final SiteData site;

    QuotasApi(SiteData site) {
        this.site = site;
    }

    void routes(Router router) {
        router.add("GET", "quotas", (r, p) -> listQuotas(r));
        router.add("GET", "quotas/{id}", (r, p) -> Response.ok(quotaJson(quota(p.get("id"))).put("update_time", Json.time(Json.ZERO_TIME)))); // quota.get
        router.add("PUT", "quotas/{id}", (r, p) -> updateQuota(r, quota(p.get("id"))));
    }

    private ObjectNode quotaJson(SiteData.Quota q) {
        SiteData.Project p = site.projects.get(q.projectId);
        ObjectNode o = Json.obj().put("id", q.id);
        o.putObject("ref").put("id", q.projectId).put("name", p == null ? "" : p.name).put("owner_name", ""); // step quota.list
        o.putObject("hard").put("storage", q.hardStorage);
        o.putObject("used").put("storage", 0);
        o.put("creation_time", Json.time(q.created)).put("update_time", Json.time(q.updated));
        return o;
    }

    private SiteData.Quota quota(String id) {
        SiteData.Quota q = Lookup.isLong(id) ? site.quotas.get(Long.parseLong(id)) : null;
        if (q == null) throw ApiError.notFound("quota " + id + " not found");
        return q;
    }

    private Response listQuotas(Request r) {
        String ref = r.param("reference"), refId = r.param("reference_id");
        List<SiteData.Quota> list = site.quotas.values().stream()
                .filter(q -> ref == null || ref.equals("project"))
                .filter(q -> refId == null || String.valueOf(q.projectId).equals(refId))
                .sorted(Comparator.comparingLong((SiteData.Quota q) -> q.id).reversed()).toList(); // newest first (quota.list.noref)
        return Paging.page(r, list, this::quotaJson);
    }

    private Response updateQuota(Request r, SiteData.Quota q) {
        ObjectNode body = Json.requireObject(r.json(), "hard");
        ObjectNode hard = Json.object(body, "hard", "hard");
        Long storage = hard == null ? null : Json.lng(hard, "hard.hard", "storage");
        if (storage == null) throw ApiError.badRequest("hard.storage is required");
        if (storage != -1 && storage <= 0) throw ApiError.badRequest("invalid storage limit " + storage);
        q.hardStorage = storage;
        q.updated = Instant.now();
        return Response.empty();
    }
}
