package io.harborsync.emulator;

import java.util.Map;

/**
 * The path parameters of a route resolved to the site's objects as Harbor's handlers resolve them:
 * {@code {project_name_or_id}} and {@code {project_name}} with the caller's access to the project, the repository
 * segment unescaped once more, an artifact by digest or tag, a project's webhook policy by id.
 */
final class Lookup {
    private final SiteData site;
    private final Access access;

    Lookup(SiteData site, Access access) {
        this.site = site;
        this.access = access;
    }

    static boolean isLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * {project_name_or_id}: an id when numeric unless X-Is-Resource-Name: true. A missing project is 404 for a sysadmin
     * and 403 for robots and other users (api-notes 1).
     */
    SiteData.Project project(Request r, String nameOrId) {
        return access.check(r, site.project(nameOrId, r.isResourceNameHeader()), nameOrId);
    }

    /** {project_name} routes (repositories, artifacts) take the name only. */
    SiteData.Project projectByName(Request r, String name) {
        return access.check(r, site.projectByName(name), name);
    }

    /** The repository segment was decoded once with the path; Harbor unescapes it once more. */
    SiteData.Repository repository(Request r, Map<String, String> params) {
        SiteData.Project p = projectByName(r, params.get("p"));
        String name = Request.pathUnescape(params.get("r"));
        SiteData.Repository repo = site.repository(p.id, p.name + "/" + name);
        if (repo == null) throw ApiError.notFound("repository " + p.name + "/" + name + " not found");
        return repo;
    }

    SiteData.Artifact artifact(SiteData.Repository repo, String ref) {
        SiteData.Artifact a = site.artifact(repo.id, ref);
        if (a == null) throw ApiError.notFound("artifact " + repo.name + (ref.contains(":") ? "@" : ":") + ref + " not found");
        return a;
    }

    SiteData.WebhookPolicy webhookPolicy(SiteData.Project p, String id) {
        SiteData.WebhookPolicy w = isLong(id) ? site.webhookPolicies.get(Long.parseLong(id)) : null;
        if (w == null || w.projectId != p.id) throw ApiError.notFound("notificationPolicy " + id + " not found");
        return w;
    }
}
