package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code /registries}: registry endpoints kept as given, secrets masked on the way out (api-notes 7.2, step reg.get). */
final class RegistriesApi {
    private final SiteData site;

    RegistriesApi(SiteData site) {
        this.site = site;
    }

    void routes(Router router) {
        router.add("GET", "registries", (r, p) -> listDocs(r, site.registries, this::registryJson));
        router.add("POST", "registries", (r, p) -> createRegistry(r));
        router.add("GET", "registries/{id}", (r, p) -> Response.ok(registryJson(Docs.get(site.registries, p.get("id"), "registry"))));
        router.add("PUT", "registries/{id}", (r, p) -> updateRegistry(r, Docs.get(site.registries, p.get("id"), "registry")));
        router.add("DELETE", "registries/{id}", (r, p) -> Docs.delete(r, site.registries, p.get("id"), "registry"));
    }

    private Response listDocs(Request r, Map<Long, SiteData.Doc> docs, Function<SiteData.Doc, JsonNode> f) {
        Access.requireSysadminOrRobot(r);
        String name = r.param("name");
        for (Map.Entry<String, String> t : r.qTerms()) if (t.getKey().equals("name")) name = t.getValue();
        String n = name;
        List<SiteData.Doc> list = docs.values().stream()
                .filter(d -> n == null || Request.termMatches(n, d.json.path("name").asText())).toList();
        return Paging.page(r, list, f);
    }

    ObjectNode registryJson(SiteData.Doc d) {
        ObjectNode o = d.json.deepCopy();
        if (o.path("ca_certificate").asText("").isEmpty()) o.remove("ca_certificate"); // omitted when empty (step reg.get)
        JsonNode cred = o.get("credential");
        if (cred instanceof ObjectNode c && c.hasNonNull("access_secret") && !c.get("access_secret").asText().isEmpty()) {
            c.put("access_secret", "*****");
        }
        return o;
    }

    private Response createRegistry(Request r) {
        Access.requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "registry");
        String name = Json.str(body, "registry", "name");
        String url = Json.str(body, "registry", "url");
        String type = Json.str(body, "registry", "type");
        Boolean insecure = Json.bool(body, "registry", "insecure");
        ObjectNode cred = Json.object(body, "registry", "credential");
        if (name == null || name.isEmpty()) throw ApiError.badRequest("name is required");
        if (url == null || url.isEmpty()) throw ApiError.badRequest("url is required");
        if (type == null || type.isEmpty()) throw ApiError.badRequest("type is required");
        if (Docs.nameTaken(site.registries, name, 0)) throw ApiError.conflict("registry " + name + " already exists");
        SiteData.Doc d = new SiteData.Doc();
        d.id = site.next("registry");
        String now = Json.time(Instant.now());
        d.json = Json.obj().put("id", d.id).put("name", name).put("url", url).put("type", type)
                .put("insecure", insecure != null && insecure)
                .put("ca_certificate", Json.textOr(body, "ca_certificate")).put("description", Json.textOr(body, "description"))
                .put("status", "healthy").put("creation_time", now).put("update_time", now);
        ObjectNode c = d.json.putObject("credential");
        c.put("type", cred == null ? "basic" : Json.textOr(cred, "type", "basic"))
                .put("access_key", Json.textOr(cred, "access_key")).put("access_secret", Json.textOr(cred, "access_secret"));
        site.registries.put(d.id, d);
        return Response.created(EmulatorRoutes.BASE + "/registries/" + d.id);
    }

    private Response updateRegistry(Request r, SiteData.Doc d) {
        Access.requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "registry");
        String name = Json.str(body, "registry", "name");
        if (name != null && Docs.nameTaken(site.registries, name, d.id)) throw ApiError.conflict("registry " + name + " already exists");
        for (String f : List.of("name", "description", "url", "ca_certificate")) {
            String v = Json.str(body, "registry", f);
            if (v != null) d.json.put(f, v);
        }
        Boolean insecure = Json.bool(body, "registry", "insecure");
        if (insecure != null) d.json.put("insecure", insecure);
        ObjectNode c = (ObjectNode) d.json.get("credential");
        String ct = Json.str(body, "registry", "credential_type"), ak = Json.str(body, "registry", "access_key"),
                as = Json.str(body, "registry", "access_secret");
        if (ct != null) c.put("type", ct);
        if (ak != null) c.put("access_key", ak);
        if (as != null) c.put("access_secret", as);
        d.json.put("update_time", Json.time(Instant.now()));
        return Response.empty();
    }
}
