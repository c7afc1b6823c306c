package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.ProjectReq;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.harborsync.harbor.HarborTransport.BY_NAME;

/** A site's projects, their metadata and settings ({@code HarborClient.projects()}). */
public final class Projects {
    /**
     * The writable keys of the spec's {@code ProjectMetadata}. The project PUT stores any value of these as
     * given and silently drops any other key, so another key is refused before sending (api-notes §4).
     */
    private static final Set<String> METADATA_KEYS = Set.of("public", "enable_content_trust",
            "enable_content_trust_cosign", "prevent_vul", "severity", "auto_scan", "auto_sbom_generation",
            "reuse_sys_cve_allowlist", "proxy_speed_kb", "max_upstream_conn", "proxy_cache_local_on_not_found");

    private final HarborTransport t;

    Projects(HarborTransport transport) {
        this.t = transport;
    }

    public List<Project> list() {
        return t.list("list projects", (api, page, size) -> api.listProjects(page, size, null, true));
    }

    /** HEAD /projects?project_name=: the only existence check that a robot account gets a 404 from. */
    public boolean exists(String name) {
        try {
            t.read("check project " + name, api -> api.headProject(name));
            return true;
        } catch (HarborException.NotFound e) {
            return false;
        }
    }

    public Optional<Project> find(String name) {
        try {
            return Optional.of(t.read("get project " + name, api -> api.getProject(BY_NAME, name)));
        } catch (HarborException.NotFound e) {
            return Optional.empty();
        } catch (HarborException.Forbidden e) {
            // A robot is told 403 for a missing project; HEAD tells absent from forbidden.
            if (!exists(name)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Project get(String name) {
        return find(name).orElseThrow(() ->
                t.refused("get project " + name, 404, "NOT_FOUND", "project " + name + " not found"));
    }

    /**
     * Creates a project. Harbor ignores cve_allowlist on create, so one with items or an expiry is applied with a
     * PUT afterwards (api-notes §4): an expiry on an empty list is a setting of its own.
     */
    public long create(ProjectReq req) {
        ProjectReq withoutAllowlist = new ProjectReq(req.projectName(), req.isPublic(), req.metadata(), null,
                req.storageLimit(), req.registryId());
        long id = t.create("create project " + req.projectName(), api -> api.createProject(withoutAllowlist));
        CveAllowlist allowlist = req.cveAllowlist();
        if (allowlist != null && (allowlist.expiresAt() != null
                || allowlist.items() != null && !allowlist.items().isEmpty())) {
            updateSettings(req.projectName(), Map.of(), req.cveAllowlist());
        }
        return id;
    }

    public void delete(String name) {
        t.run("delete project " + name, api -> api.deleteProject(BY_NAME, name));
    }

    public Map<String, String> metadata(String project) {
        return t.read("get metadata of " + project, api -> api.getMetadata(BY_NAME, project));
    }

    /**
     * One merging project PUT for metadata keys to set (may be empty) and, when not null, the CVE allowlist to
     * replace (ids and timestamps of another site are stripped). Harbor never removes a key on this PUT, and
     * ignores storage_limit on it (the quota is {@link Quotas#setStorageLimit}).
     */
    public void updateSettings(String project, Map<String, String> metadata, CveAllowlist allowlist) {
        String op = "update settings of " + project;
        for (String k : metadata.keySet()) {
            if (!METADATA_KEYS.contains(k)) {
                throw t.refused(op, 400, "BAD_REQUEST", "'" + k + "' is not a project metadata key"
                        + " Harbor keeps (it would drop it without an error)");
            }
        }
        CveAllowlist portable = allowlist == null ? null
                : CveAllowlist.portable(allowlist.expiresAt(), allowlist.items());
        t.run(op, api -> api.updateProject(BY_NAME, project,
                new ProjectReq(null, null, metadata.isEmpty() ? null : metadata, portable, null, null)));
    }

    /** Removing a key needs its own DELETE (idempotent): the project PUT never removes one. */
    public void removeMetadata(String project, String key) {
        t.run("remove metadata " + key + " of " + project, api -> api.deleteMetadata(BY_NAME, project, key));
    }
}
