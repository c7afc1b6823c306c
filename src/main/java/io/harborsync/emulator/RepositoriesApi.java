package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** {@code /projects/{p}/repositories} (api-notes 6): newest first; deleting one deletes its artifacts one by one. */
final class RepositoriesApi {
    private final SiteData site;
    private final AuditLog audit;
    private final Lookup lookup;
    private final ArtifactsApi artifacts;

    RepositoriesApi(SiteData site, AuditLog audit, Lookup lookup, ArtifactsApi artifacts) {
        this.site = site;
        this.audit = audit;
        this.lookup = lookup;
        this.artifacts = artifacts;
    }

    void routes(Router router) {
        router.add("GET", "projects/{p}/repositories", (r, p) -> listRepositories(r, lookup.projectByName(r, p.get("p"))));
        router.add("GET", "projects/{p}/repositories/{r}", (r, p) -> Response.ok(repoJson(lookup.repository(r, p))));
        router.add("DELETE", "projects/{p}/repositories/{r}", (r, p) -> deleteRepository(r, lookup.repository(r, p)));
    }

    private ObjectNode repoJson(SiteData.Repository repo) {
        return Json.obj().put("id", repo.id).put("project_id", repo.projectId).put("name", repo.name)
                .put("artifact_count", site.artifactsOf(repo.id).size()).put("pull_count", repo.pulls) // no description (repo.get)
                .put("creation_time", Json.time(repo.created)).put("update_time", Json.time(repo.updated));
    }

    private Response listRepositories(Request r, SiteData.Project p) {
        Predicate<SiteData.Repository> filter = x -> true;
        for (Map.Entry<String, String> t : r.qTerms()) {
            if (!t.getKey().equals("name")) continue;
            String v = t.getValue();
            filter = filter.and(x -> Request.termMatches(v, x.name));
        }
        // newest first, as Harbor lists them (observations §1 "list order", step repo.list)
        List<SiteData.Repository> list = site.repositoriesOf(p.id).stream().filter(filter)
                .sorted(Comparator.comparing((SiteData.Repository x) -> x.created).thenComparingLong(x -> x.id).reversed())
                .toList();
        return Paging.page(r, list, this::repoJson);
    }

    private Response deleteRepository(Request r, SiteData.Repository repo) {
        // the repository row goes first, so the payloads carry no date_created (webhook-samples README)
        site.repositories.remove(repo.id);
        for (SiteData.Artifact a : site.artifactsOf(repo.id)) artifacts.removeArtifact(r.username(), r.requestId, repo, a, false);
        audit.record(r.username(), "repository", "delete", repo.name, repo.projectId);
        return Response.empty();
    }
}
