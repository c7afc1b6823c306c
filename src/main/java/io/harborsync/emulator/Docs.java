package io.harborsync.emulator;

import java.util.Map;

/** Registries, replication policies and executions, kept as JSON documents: lookup by id, delete, unique names. */
final class Docs {
    private Docs() {
    }

    static SiteData.Doc get(Map<Long, SiteData.Doc> docs, String id, String what) {
        SiteData.Doc d = Lookup.isLong(id) ? docs.get(Long.parseLong(id)) : null;
        if (d == null) throw ApiError.notFound(what + " " + id + " not found");
        return d;
    }

    static Response delete(Request r, Map<Long, SiteData.Doc> docs, String id, String what) {
        Access.requireSysadminOrRobot(r);
        docs.remove(get(docs, id, what).id);
        return Response.empty();
    }

    static boolean nameTaken(Map<Long, SiteData.Doc> docs, String name, long exceptId) {
        return docs.values().stream().anyMatch(d -> d.id != exceptId && d.json.path("name").asText().equals(name));
    }
}
