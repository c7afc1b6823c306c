package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Quota;
import io.harborsync.harbor.HarborModel.QuotaUpdateReq;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A site's project quotas ({@code HarborClient.quotas()}): the storage limit of a project lives here. */
public final class Quotas {
    private final HarborTransport t;
    private final Projects projects;

    /** @param projects the same site's projects: a project's quota is found by its id */
    Quotas(HarborTransport transport, Projects projects) {
        this.projects = projects;
        this.t = transport;
    }

    /**
     * Every project's quota by project id, in one paged listing: a full read needs the storage limit of
     * every project, and one request per project would cost as much as all the other listings together.
     */
    public Map<Long, Quota> byProject() {
        Map<Long, Quota> byProject = new HashMap<>();
        for (Quota q : t.list("list project quotas", (api, page, size) -> api.listQuotaPage("project", page, size))) {
            Object id = q.ref() == null ? null : q.ref().get("id");
            if (id instanceof Number n) {
                byProject.put(n.longValue(), q);
            }
        }
        return byProject;
    }

    public Optional<Quota> ofProject(long projectId) {
        List<Quota> quotas = t.read("get quota of project id " + projectId,
                api -> api.listQuotas("project", Long.toString(projectId)));
        return quotas.stream().findFirst();
    }

    /**
     * Sets the project's storage limit in bytes (-1 = unlimited): one PUT when the quota's id is known from a
     * listing, otherwise the project and its quota are looked up first.
     */
    public void setStorageLimit(String project, long bytes, Optional<Long> knownQuotaId) {
        String op = "set storage quota of " + project;
        long quotaId = knownQuotaId.orElseGet(() -> {
            long projectId = projects.get(project).projectId();
            return ofProject(projectId).orElseThrow(() ->
                    t.refused(op, 404, "NOT_FOUND", "project " + project + " has no quota")).id();
        });
        t.run(op, api -> api.updateQuota(quotaId, QuotaUpdateReq.storage(bytes)));
    }
}
