package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.RobotPermission;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every Harbor operation {@link HarborClient} and its resource repositories perform, with the robot permission
 * Harbor's handler checks for it (src/server/v2.0/handler/*.go: RequireSystemAccess / RequireProjectAccess;
 * observations §1 rows dsync.*) and who performs it: the daemon, or only bootstrap, which runs as an admin (calls
 * only tests make are in the tests' {@code HarborTestCalls}, not here). The daemon robot's permissions are computed
 * from this one list ({@link #daemonPermissions()}, bootstrap's HARBOR_SYNC), so what it may do and what it calls
 * cannot drift apart (DaemonRobotPermissionsTest exercises each operation with and without its permission).
 * "Project" permissions are granted on namespace "*": every project, present and future.
 */
public enum HarborOperation {
    // system: no permission needed (health, systeminfo); listing projects needs none (a robot with namespace "*"
    // sees every project), nor does HEAD /projects (RequireAuthenticated)
    HEALTH(Caller.DAEMON, null),
    SYSTEM_INFO(Caller.DAEMON, null),
    LIST_PROJECTS(Caller.DAEMON, null),
    PROJECT_EXISTS(Caller.DAEMON, null),
    GET_PROJECT(Caller.DAEMON, project("project", "read")),
    /**
     * POST /projects needs only a login, but without system project:create Harbor ignores storage_limit and
     * refuses registry_id (project.go: isSysAdmin(ctx, ActionCreate)), which the daemon copies.
     */
    CREATE_PROJECT(Caller.DAEMON, system("project", "create")),
    UPDATE_PROJECT(Caller.DAEMON, project("project", "update")),
    DELETE_PROJECT(Caller.DAEMON, project("project", "delete")),
    LIST_METADATA(Caller.DAEMON, project("metadata", "list")),
    DELETE_METADATA(Caller.DAEMON, project("metadata", "delete")),
    LIST_QUOTAS(Caller.DAEMON, system("quota", "list")),
    UPDATE_QUOTA(Caller.DAEMON, system("quota", "update")),
    // members are added by user or group name, resolved by Harbor: no users API call, so no user permission
    LIST_MEMBERS(Caller.DAEMON, project("member", "list")),
    ADD_MEMBER(Caller.DAEMON, project("member", "create")),
    UPDATE_MEMBER(Caller.DAEMON, project("member", "update")),
    DELETE_MEMBER(Caller.DAEMON, project("member", "delete")),
    LIST_REPOSITORIES(Caller.DAEMON, project("repository", "list")),
    DELETE_REPOSITORY(Caller.DAEMON, project("repository", "delete")),
    LIST_ARTIFACTS(Caller.DAEMON, project("artifact", "list")),
    GET_ARTIFACT(Caller.DAEMON, project("artifact", "read")),
    DELETE_ARTIFACT(Caller.DAEMON, project("artifact", "delete")),
    LIST_TAGS(Caller.DAEMON, project("tag", "list")), // dsync.tags: 403 without it
    CREATE_TAG(Caller.DAEMON, project("tag", "create")),
    DELETE_TAG(Caller.DAEMON, project("tag", "delete")),
    LIST_WEBHOOK_POLICIES(Caller.DAEMON, project("notification-policy", "list")),
    CREATE_WEBHOOK_POLICY(Caller.DAEMON, project("notification-policy", "create")),
    UPDATE_WEBHOOK_POLICY(Caller.DAEMON, project("notification-policy", "update")),
    // users' webhook policies (issue 16): the kind deletes what a user deleted on a peer
    DELETE_WEBHOOK_POLICY(Caller.DAEMON, project("notification-policy", "delete")),
    /** Without it Harbor answers 200 with no rows, not 403 (robot.perm.auditnoperm). */
    READ_AUDIT_LOG(Caller.DAEMON, system("audit-log", "list")),
    AUDIT_LOG_EVENT_TYPES(Caller.DAEMON, null),
    LIST_REGISTRIES(Caller.DAEMON, system("registry", "list")), // proxy-cache endpoints by name
    CREATE_REGISTRY(Caller.BOOTSTRAP, system("registry", "create")),
    UPDATE_REGISTRY(Caller.BOOTSTRAP, system("registry", "update")),
    LIST_REPLICATION_POLICIES(Caller.BOOTSTRAP, system("replication-policy", "list")),
    CREATE_REPLICATION_POLICY(Caller.BOOTSTRAP, system("replication-policy", "create")),
    UPDATE_REPLICATION_POLICY(Caller.BOOTSTRAP, system("replication-policy", "update")),
    // robots (for robot mirroring): robot.go requireAccess checks robot:<action> at the level of the robot
    // concerned, system-wide for a system robot, in its project for a project robot
    LIST_SYSTEM_ROBOTS(Caller.DAEMON, system("robot", "list")),
    LIST_PROJECT_ROBOTS(Caller.DAEMON, project("robot", "list")),
    GET_SYSTEM_ROBOT(Caller.DAEMON, system("robot", "read")),
    GET_PROJECT_ROBOT(Caller.DAEMON, project("robot", "read")),
    CREATE_SYSTEM_ROBOT(Caller.DAEMON, system("robot", "create")),
    CREATE_PROJECT_ROBOT(Caller.DAEMON, project("robot", "create")),
    DELETE_SYSTEM_ROBOT(Caller.DAEMON, system("robot", "delete")),
    DELETE_PROJECT_ROBOT(Caller.DAEMON, project("robot", "delete")),
    /**
     * PUT and PATCH /robots/{id} check robot:update, which Harbor's robot catalogue offers to no robot
     * (src/common/rbac/const.go): only an admin can change a robot or its secret (robot.perm.patch: 403).
     */
    UPDATE_ROBOT(Caller.BOOTSTRAP, system("robot", "update")),
    SET_ROBOT_SECRET(Caller.BOOTSTRAP, system("robot", "update")),
    // tag immutability rules, tag retention policies, the system CVE allowlist (issue 16): immutable.go and
    // retention.go check the project's immutable-tag / tag-retention pairs (immutable-tag has no read: the list is
    // its only read); systemcveallowlist.go's GET needs a login only
    LIST_IMMUTABLE_RULES(Caller.DAEMON, project("immutable-tag", "list")),
    CREATE_IMMUTABLE_RULE(Caller.DAEMON, project("immutable-tag", "create")),
    UPDATE_IMMUTABLE_RULE(Caller.DAEMON, project("immutable-tag", "update")),
    DELETE_IMMUTABLE_RULE(Caller.DAEMON, project("immutable-tag", "delete")),
    GET_RETENTION(Caller.DAEMON, project("tag-retention", "read")),
    CREATE_RETENTION(Caller.DAEMON, project("tag-retention", "create")),
    UPDATE_RETENTION(Caller.DAEMON, project("tag-retention", "update")),
    DELETE_RETENTION(Caller.DAEMON, project("tag-retention", "delete")),
    GET_SYSTEM_CVE_ALLOWLIST(Caller.DAEMON, null),
    /**
     * PUT /system/CVEAllowlist checks system configuration:update, which Harbor's robot catalogue offers to no robot:
     * only an admin changes it (the cve-allowlist kind's precondition says so when the daemon logs in as a robot).
     */
    PUT_SYSTEM_CVE_ALLOWLIST(Caller.BOOTSTRAP, system("configuration", "update")),
    // labels (issue 16): label.go requireAccess by the label's scope, system for global labels, the project for
    // project labels; listing global labels checks nothing (ListLabels), and the system catalogue has no label:list
    LIST_GLOBAL_LABELS(Caller.DAEMON, null),
    CREATE_GLOBAL_LABEL(Caller.DAEMON, system("label", "create")),
    UPDATE_GLOBAL_LABEL(Caller.DAEMON, system("label", "update")),
    DELETE_GLOBAL_LABEL(Caller.DAEMON, system("label", "delete")),
    LIST_PROJECT_LABELS(Caller.DAEMON, project("label", "list")),
    CREATE_PROJECT_LABEL(Caller.DAEMON, project("label", "create")),
    UPDATE_PROJECT_LABEL(Caller.DAEMON, project("label", "update")),
    DELETE_PROJECT_LABEL(Caller.DAEMON, project("label", "delete")),
    ATTACH_LABEL(Caller.DAEMON, project("artifact-label", "create")),
    DETACH_LABEL(Caller.DAEMON, project("artifact-label", "delete"));

    /** Who performs an operation: the daemon (as its robot, or any account), or only bootstrap (as an admin). */
    public enum Caller { DAEMON, BOOTSTRAP }

    /** A robot permission: kind "system" (namespace "/") or "project" (namespace "*"), resource and action. */
    public record Need(String kind, String resource, String action) {
    }

    private final Caller caller;
    private final Need need;

    HarborOperation(Caller caller, Need need) {
        this.caller = caller;
        this.need = need;
    }

    public Caller caller() {
        return caller;
    }

    /** The permission Harbor checks, empty when a login (or nothing) is enough. */
    public Optional<Need> need() {
        return Optional.ofNullable(need);
    }

    public static Set<HarborOperation> daemonOperations() {
        Set<HarborOperation> out = EnumSet.noneOf(HarborOperation.class);
        for (HarborOperation op : values()) {
            if (op.caller == Caller.DAEMON) {
                out.add(op);
            }
        }
        return out;
    }

    /** What the daemon robot needs: one system permission ("/") and one for every project ("*"). */
    public static List<RobotPermission> daemonPermissions() {
        return permissionsFor(daemonOperations());
    }

    /** The permissions the given operations need, in enum order, each pair once. */
    public static List<RobotPermission> permissionsFor(Set<HarborOperation> ops) {
        Set<Need> needs = new LinkedHashSet<>();
        for (HarborOperation op : values()) {
            if (ops.contains(op) && op.need != null) {
                needs.add(op.need);
            }
        }
        List<Access> system = new ArrayList<>();
        List<Access> projects = new ArrayList<>();
        for (Need n : needs) {
            (n.kind().equals("system") ? system : projects).add(new Access(n.resource(), n.action(), null));
        }
        List<RobotPermission> out = new ArrayList<>();
        if (!system.isEmpty()) {
            out.add(new RobotPermission("system", "/", List.copyOf(system)));
        }
        if (!projects.isEmpty()) {
            out.add(new RobotPermission("project", "*", List.copyOf(projects)));
        }
        return List.copyOf(out);
    }

    private static Need system(String resource, String action) {
        return new Need("system", resource, action);
    }

    private static Need project(String resource, String action) {
        return new Need("project", resource, action);
    }
}
