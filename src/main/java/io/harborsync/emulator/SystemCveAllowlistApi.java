package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /system/CVEAllowlist}, the system-level CVE allowlist. Not observed on the real Harbor (the fidelity runs did
 * not call it): built after Harbor v2.15's source, {@code server/v2.0/handler/systemcveallowlist.go} with
 * {@code pkg/allowlist} (manager, validator, dao) and the swagger model:
 * <ul>
 *   <li>GET needs a login only ({@code RequireAuthenticated}); PUT needs system {@code configuration:update}
 *       ({@code RequireSystemAccess}), which only a system admin holds and no robot may (it is not in the robot
 *       catalogue): see {@link RoutePermissions}.</li>
 *   <li>It always exists: before the first PUT, GET answers an empty list ({@code items: []}, no id, no project_id,
 *       no expires_at, zero times), as the manager's {@code Get} makes one up when there is no row.</li>
 *   <li>PUT takes only {@code items} (their cve_id, in the given order) and {@code expires_at} (absent or null:
 *       never expires) from the body; {@code id} and {@code project_id} are ignored. It stores nothing and answers
 *       500 when a CVE id is empty or blank or appears twice (allowlist.Validate's error is not a Harbor error
 *       type, so SendError makes it a 500). Without a body the handler dereferences nil: 500. Each PUT sets both
 *       creation and update time to now (the dao's InsertOrUpdate); the row's id comes from the allowlist sequence
 *       projects' allowlists share.</li>
 *   <li>No audit rows, no webhooks.</li>
 * </ul>
 */
final class SystemCveAllowlistApi {
    private final SiteData site;

    SystemCveAllowlistApi(SiteData site) {
        this.site = site;
    }

    void routes(Router router) {
        router.add("GET", "system/CVEAllowlist", (r, p) -> Response.ok(json()));
        router.add("PUT", "system/CVEAllowlist", (r, p) -> put(r));
    }

    private ObjectNode json() {
        SiteData.Allowlist a = site.systemAllowlist;
        ObjectNode o = Json.obj();
        if (a == null) {
            o.putArray("items");
            o.put("creation_time", Json.time(Json.ZERO_TIME)).put("update_time", Json.time(Json.ZERO_TIME));
            return o;
        }
        o.put("id", a.id);
        if (a.expiresAt != null) o.put("expires_at", a.expiresAt);
        ArrayNode items = o.putArray("items");
        a.items.forEach(cve -> items.addObject().put("cve_id", cve));
        o.put("creation_time", Json.time(a.created)).put("update_time", Json.time(a.updated));
        return o;
    }

    private Response put(Request r) {
        JsonNode raw = r.json();
        if (raw == null || raw.isNull()) throw new ApiError(500, "UNKNOWN", "internal server error");
        ObjectNode body = Json.requireObject(raw, "allowlist");
        Long expires = Json.lng(body, "allowlist", "expires_at");
        ArrayNode in = Json.array(body, "allowlist", "items");
        List<String> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (in != null) {
            for (JsonNode i : in) {
                String cve = Json.str(i, "allowlist.items", "cve_id");
                String id = cve == null ? "" : cve;
                if (id.isBlank() || !seen.add(id)) throw new ApiError(500, "UNKNOWN", "internal server error");
                items.add(id);
            }
        }
        SiteData.Allowlist a = site.systemAllowlist;
        if (a == null) {
            a = new SiteData.Allowlist();
            a.id = site.next("allowlist");
            site.systemAllowlist = a;
        }
        a.items = items;
        a.expiresAt = expires;
        a.created = a.updated = Instant.now();
        return Response.empty();
    }
}
