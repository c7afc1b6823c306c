package io.harborsync.lab;

import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.RobotPermission;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The permissions of the two system robots bootstrap keeps on every site: exactly what each one's work
 * needs, by Harbor's robot catalogue (src/common/rbac/const.go, api-notes §7.1). "*" = every project,
 * present and future; "/" = the system namespace.
 */
public final class BootstrapPermissions {
    private BootstrapPermissions() {
    }

    /**
     * The robot a peer's push replication logs in as (api-notes §8).
     * <ul>
     *   <li>repository:pull, push: copy images (HEAD manifests and blob mounts need pull).</li>
     *   <li>repository:delete: a replicated artifact deletion is {@code DELETE /v2/<repo>/manifests/<digest>};
     *       Harbor's token service puts {@code delete} into the registry token only when the robot holds
     *       repository:delete, else the registry answers 401 "action: delete" (the seed's bug).
     *       artifact:delete is not consulted on that path.</li>
     *   <li>tag:delete: a replicated tag deletion is the REST {@code DELETE .../artifacts/{tag}/tags/{tag}}.</li>
     *   <li>system project:create: replication creates a destination project that is missing. Listing
     *       projects needs nothing more: a robot whose namespace is "*" sees every project.</li>
     * </ul>
     */
    public static final List<RobotPermission> REPLICATION = List.of(
            system(access("project", "create")),
            allProjects(access("repository", "pull"), access("repository", "push"), access("repository", "delete"),
                    access("tag", "delete")));

    /**
     * The robot the harbor-sync daemon can run as: one entry per Harbor call it makes (HarborClient methods
     * the daemon uses), nothing else. Listing projects needs no permission of its own (namespace "*"), nor
     * do HEAD /projects, /health, /systeminfo and /auditlog-exts/events.
     * <ul>
     *   <li>system project:create: create missing projects (with project:create Harbor also honours
     *       storage_limit and registry_id, as for an admin).</li>
     *   <li>system registry:list: find the proxy-cache registry endpoint by name.</li>
     *   <li>system quota:list, update: read and set project storage quotas (GET/PUT /quotas).</li>
     *   <li>system audit-log:list: tail the audit log; without it Harbor returns an empty list.</li>
     *   <li>project:read, update, delete: read projects and their CVE allowlist, merge metadata and the
     *       allowlist (PUT /projects), delete projects.</li>
     *   <li>metadata:list, delete: read metadata back, remove a key (PUT /projects never removes one).</li>
     *   <li>member:list, read, create, update, delete: keep members in step. Members are added by user name
     *       or group name and Harbor resolves them itself: no users API call, so no user permission.</li>
     *   <li>repository:list, delete; artifact:list, read, delete; tag:create, delete: propagate
     *       deletions and tag moves.</li>
     *   <li>notification-policy:list, create, update: keep its webhook policy in every project.</li>
     * </ul>
     * What a robot cannot do: update robots or set robot secrets (so bootstrap runs as an admin), and it
     * gets 403 instead of 404 for a missing project (the client falls back to HEAD). Harbor makes the lowest-id
     * sysadmin, not the robot, the owner and first member of a project a robot creates.
     */
    public static final List<RobotPermission> HARBOR_SYNC = List.of(
            system(access("project", "create"), access("registry", "list"), access("quota", "list"),
                    access("quota", "update"), access("audit-log", "list")),
            allProjects(access("project", "read"), access("project", "update"), access("project", "delete"),
                    access("metadata", "list"), access("metadata", "delete"),
                    access("member", "list"), access("member", "read"), access("member", "create"),
                    access("member", "update"), access("member", "delete"),
                    access("repository", "list"), access("repository", "delete"),
                    access("artifact", "list"), access("artifact", "read"), access("artifact", "delete"),
                    access("tag", "create"), access("tag", "delete"),
                    access("notification-policy", "list"), access("notification-policy", "create"),
                    access("notification-policy", "update")));

    /** kind|namespace|resource:action for each access: order and the default effect do not matter. */
    public static Set<String> flatten(List<RobotPermission> permissions) {
        Set<String> out = new TreeSet<>();
        if (permissions == null) {
            return out;
        }
        for (RobotPermission p : permissions) {
            for (Access a : p.access() == null ? List.<Access>of() : p.access()) {
                if (a.effect() != null && !a.effect().isEmpty() && !"allow".equals(a.effect())) {
                    out.add(p.kind() + "|" + p.namespace() + "|" + a.resource() + ":" + a.action() + ":" + a.effect());
                } else {
                    out.add(p.kind() + "|" + p.namespace() + "|" + a.resource() + ":" + a.action());
                }
            }
        }
        return out;
    }

    private static RobotPermission system(Access... access) {
        return new RobotPermission("system", "/", List.of(access));
    }

    private static RobotPermission allProjects(Access... access) {
        return new RobotPermission("project", "*", List.of(access));
    }

    private static Access access(String resource, String action) {
        return new Access(resource, action, null);
    }
}
