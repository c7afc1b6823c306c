package io.harborsync.bootstrap;

import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborOperation;
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
     * The robot the harbor-sync daemon can run as: exactly the permissions of the Harbor operations the daemon
     * performs, computed from the one list of them ({@link HarborOperation}: each operation with the permission
     * Harbor checks for it). What a robot cannot do whatever it holds: update robots or set robot secrets
     * (robot:update is in no robot's catalogue, so bootstrap runs as an admin), and it gets 403 instead of 404
     * for a missing project (the client falls back to HEAD). Harbor makes the lowest-id sysadmin, not the robot,
     * the owner and first member of a project a robot creates.
     */
    public static final List<RobotPermission> HARBOR_SYNC = HarborOperation.daemonPermissions();

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
