package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Harbor v2.15.2 checks before each route's handler runs, in one table: the access rule of every route
 * (method + the {@link Router} template), looked up in Harbor's handlers (src/server/v2.0/handler/*.go:
 * {@code RequireProjectAccess}, {@code RequireSystemAccess}, {@code RequireAuthenticated}), and how it applies to
 * the anonymous principal and to robots (observations §2 first bullet, §3 last bullets, §1 rows robot.perm.* and
 * dsync.*). Users keep the handlers' own checks (sysadmin, membership); only the system-scope rules and anonymous
 * access are decided here for them.
 * <ul>
 *   <li>Bad credentials are the anonymous principal: it passes {@link Scope#ANYONE} and {@link Scope#LISTING} routes,
 *       and project routes of a public project whose resource:action is in {@link #PUBLIC_PROJECT}; anything else
 *       is 401 (steps auth.*).</li>
 *   <li>A robot needs the pair itself, system kind for system routes, project kind with namespace "*" or the
 *       project's name for project routes; a project-kind {@code project:read|update|delete} covers every
 *       sub-resource of that project with the same action, never list or create (observations §3).
 *       A route without an entry is refused for robots (fail closed).</li>
 * </ul>
 */
final class RoutePermissions {
    enum Scope {
        /** No login needed (ping, health, systeminfo: its handler hides harbor_version from anonymous). */
        ANYONE,
        /** GET /projects: anyone; the handler lists what the caller may see (anonymous: public projects). */
        LISTING,
        /** {@code RequireAuthenticated} only; the handler filters or decides (HEAD /projects, audit logs, …). */
        LOGIN,
        /** {@code RequireSystemAccess(action, resource)}. */
        SYSTEM,
        /** {@code RequireProjectAccess(project of the path's {p}, action, resource)}. */
        PROJECT,
        /** The robot handler's requireAccess: system or project by the target robot's level (robot.go). */
        ROBOT,
        /**
         * The project is that of the body or of a stored object (labels: requireAccess by the label's scope;
         * retentions: by the policy's scope.ref). Checked here where the request names it (GET labels?scope=p,
         * POST labels, POST retentions); for a stored object the robot must hold the pair on some namespace,
         * the exact project check being the handler's, which knows the object.
         */
        OBJECT
    }

    record Rule(Scope scope, String resource, String action) {
    }

    /** What the anonymous principal may do in a public project (Harbor's rbac publicProjectPolicies). */
    static final Set<String> PUBLIC_PROJECT = Set.of("project:read", "label:read", "label:list", "repository:list",
            "repository:read", "repository:pull", "tag:list", "artifact:read", "artifact:list",
            "artifact-addition:read", "accessory:list", "scan:read", "scanner:read");

    /** Project-kind actions of resource "project" that reach every sub-resource (observations §3). */
    private static final Set<String> INHERITED = Set.of("read", "update", "delete");

    static final Map<String, Rule> RULES = new HashMap<>();

    static {
        anyone("GET ping", "GET health", "GET systeminfo");
        RULES.put("GET projects", new Rule(Scope.LISTING, null, null));
        // project.go HeadProject and CreateProject: RequireAuthenticated; creation is open to every account
        // (project_creation_restriction everyone), a project robot is refused by the handler, and without system
        // project:create Harbor ignores storage_limit and refuses registry_id (isSysAdmin(ctx, ActionCreate)).
        login("HEAD projects", "POST projects");
        project("GET projects/{p}", "project", "read");
        project("PUT projects/{p}", "project", "update");
        project("DELETE projects/{p}", "project", "delete");
        project("GET projects/{p}/_deletable", "project", "delete");
        project("GET projects/{p}/metadatas/", "metadata", "list");
        project("POST projects/{p}/metadatas/", "metadata", "create");
        project("GET projects/{p}/metadatas/{m}", "metadata", "read");
        project("PUT projects/{p}/metadatas/{m}", "metadata", "update");
        project("DELETE projects/{p}/metadatas/{m}", "metadata", "delete");

        system("GET quotas", "quota", "list");
        system("GET quotas/{id}", "quota", "read");
        system("PUT quotas/{id}", "quota", "update");

        project("GET projects/{p}/members", "member", "list");
        project("POST projects/{p}/members", "member", "create");
        project("GET projects/{p}/members/{mid}", "member", "read");
        project("PUT projects/{p}/members/{mid}", "member", "update");
        project("DELETE projects/{p}/members/{mid}", "member", "delete");

        project("GET projects/{p}/repositories", "repository", "list");
        project("GET projects/{p}/repositories/{r}", "repository", "read");
        project("DELETE projects/{p}/repositories/{r}", "repository", "delete");
        project("GET projects/{p}/repositories/{r}/artifacts", "artifact", "list");
        project("GET projects/{p}/repositories/{r}/artifacts/{ref}", "artifact", "read");
        project("DELETE projects/{p}/repositories/{r}/artifacts/{ref}", "artifact", "delete");
        project("GET projects/{p}/repositories/{r}/artifacts/{ref}/tags", "tag", "list");
        project("POST projects/{p}/repositories/{r}/artifacts/{ref}/tags", "tag", "create");
        project("DELETE projects/{p}/repositories/{r}/artifacts/{ref}/tags/{tag}", "tag", "delete");
        project("POST projects/{p}/repositories/{r}/artifacts/{ref}/labels", "artifact-label", "create");
        project("DELETE projects/{p}/repositories/{r}/artifacts/{ref}/labels/{id}", "artifact-label", "delete");

        robot("GET robots", "list");
        robot("POST robots", "create");
        robot("GET robots/{id}", "read");
        robot("PUT robots/{id}", "update");
        robot("PATCH robots/{id}", "update"); // RefreshSec: ActionUpdate, which no robot may hold (catalogue)
        robot("DELETE robots/{id}", "delete");

        system("GET registries", "registry", "list");
        system("POST registries", "registry", "create");
        system("GET registries/{id}", "registry", "read");
        system("PUT registries/{id}", "registry", "update");
        system("DELETE registries/{id}", "registry", "delete");
        system("GET replication/policies", "replication-policy", "list");
        system("POST replication/policies", "replication-policy", "create");
        system("GET replication/policies/{id}", "replication-policy", "read");
        system("PUT replication/policies/{id}", "replication-policy", "update");
        system("DELETE replication/policies/{id}", "replication-policy", "delete");
        system("GET replication/executions", "replication", "list");
        system("POST replication/executions", "replication", "create");
        system("GET replication/executions/{id}", "replication", "read");

        project("GET projects/{p}/webhook/policies", "notification-policy", "list");
        project("POST projects/{p}/webhook/policies", "notification-policy", "create");
        project("GET projects/{p}/webhook/policies/{id}", "notification-policy", "read");
        project("PUT projects/{p}/webhook/policies/{id}", "notification-policy", "update");
        project("DELETE projects/{p}/webhook/policies/{id}", "notification-policy", "delete");
        project("GET projects/{p}/webhook/policies/{id}/executions", "notification-policy", "list");
        project("GET projects/{p}/webhook/events", "notification-policy", "read");
        project("GET projects/{p}/webhook/lasttrigger", "notification-policy", "read");

        // auditlog.go: authenticated; rows filtered by audit-log:list (a robot without it gets 200 [])
        login("GET auditlog-exts", "GET auditlog-exts/events", "GET audit-logs");

        system("GET users", "user", "list");
        system("POST users", "user", "create");
        login("GET users/current", "GET users/search", "GET permissions");

        object("GET labels", "label", "list");
        object("POST labels", "label", "create");
        object("GET labels/{id}", "label", "read");
        object("PUT labels/{id}", "label", "update");
        object("DELETE labels/{id}", "label", "delete");

        project("GET projects/{p}/immutabletagrules", "immutable-tag", "list");
        project("POST projects/{p}/immutabletagrules", "immutable-tag", "create");
        project("PUT projects/{p}/immutabletagrules/{id}", "immutable-tag", "update");
        project("DELETE projects/{p}/immutabletagrules/{id}", "immutable-tag", "delete");

        login("GET retentions/metadatas");
        object("POST retentions", "tag-retention", "create");
        object("GET retentions/{id}", "tag-retention", "read");
        object("PUT retentions/{id}", "tag-retention", "update");
        object("DELETE retentions/{id}", "tag-retention", "delete");
        object("GET retentions/{id}/executions", "tag-retention", "list");
        object("POST retentions/{id}/executions", "tag-retention", "update"); // TriggerRetentionExecution

        // systemcveallowlist.go: GET RequireAuthenticated; PUT RequireSystemAccess(update, configuration), a pair
        // no robot may hold (not in the catalogue): robots always get 403
        login("GET system/CVEAllowlist");
        system("PUT system/CVEAllowlist", "configuration", "update");
    }

    private final SiteData site;

    RoutePermissions(SiteData site) {
        this.site = site;
    }

    static Rule rule(String method, String template) {
        return RULES.get(method + " " + template);
    }

    /** The {@link Router.Guard}: refuses what Harbor's handler would refuse before doing anything. */
    void check(Request r, String method, String template, Map<String, String> params) {
        Principal who = r.principal;
        if (who.admin()) return;
        Rule rule = rule(method, template);
        if (who.isAnonymous()) {
            anonymous(r, method + " " + template, rule, template, params);
        } else if (who.isRobot()) {
            robotAccess(r, rule, method + " " + template, template, params);
        } else if (rule != null && rule.scope() == Scope.SYSTEM) {
            // a user without sysadmin holds no system permission (auth.user.robots: 403, message = the name)
            throw ApiError.forbidden(who.username());
        } else if (rule != null && rule.scope() == Scope.ROBOT && robotTargetIsSystem(r, method, params)) {
            throw ApiError.forbidden(who.username());
        }
    }

    private void anonymous(Request r, String key, Rule rule, String template, Map<String, String> params) {
        if (rule != null && (rule.scope() == Scope.ANYONE || rule.scope() == Scope.LISTING)) return;
        if (rule != null && rule.scope() == Scope.PROJECT
                && PUBLIC_PROJECT.contains(rule.resource() + ":" + rule.action())) {
            SiteData.Project p = project(r, template, params);
            if (p != null && "true".equals(p.metadata.get("public"))) return;
        }
        if (key.equals("GET auditlog-exts")) throw new ApiError(401, "UNAUTHORIZED", ""); // auth.wrongpw.audit
        throw ApiError.unauthorized();
    }

    private void robotAccess(Request r, Rule rule, String key, String template, Map<String, String> params) {
        SiteData.Robot robot = site.robots.get(r.principal.robotId());
        if (rule == null) throw ApiError.forbidden("forbidden"); // fail closed: no entry, no access
        switch (rule.scope()) {
            case ANYONE, LISTING, LOGIN -> { }
            case SYSTEM -> requireSystem(robot, rule.resource(), rule.action());
            case PROJECT -> requireProject(robot, project(r, template, params), rule.resource(), rule.action());
            case ROBOT -> robotRoute(r, robot, rule.action(), params);
            case OBJECT -> objectRoute(r, robot, rule, key, params);
        }
    }

    /** Harbor's RequireSystemAccess: 403 with the caller's name (dsync.replpol, dsync.robots). */
    private static void requireSystem(SiteData.Robot robot, String resource, String action) {
        if (!holds(robot, "system", null, resource, action)) throw ApiError.forbidden(robot.name);
    }

    /** Harbor's RequireProjectAccess: a missing project is 403 for a robot too (robot.perm.missingproj). */
    private static void requireProject(SiteData.Robot robot, SiteData.Project p, String resource, String action) {
        if (p == null || !(holds(robot, "project", p.name, resource, action)
                || INHERITED.contains(action) && holds(robot, "project", p.name, "project", action))) {
            throw ApiError.forbidden("forbidden");
        }
    }

    /** A system-kind pair, or a project-kind pair whose namespace is "*" or the project's name. */
    static boolean holds(SiteData.Robot robot, String kind, String project, String resource, String action) {
        for (JsonNode perm : robot.permissions) {
            if (!perm.path("kind").asText().equals(kind)) continue;
            String ns = perm.path("namespace").asText();
            if (kind.equals("project") && project != null && !ns.equals("*") && !ns.equals(project)) continue;
            for (JsonNode a : perm.path("access")) {
                if (a.path("resource").asText().equals(resource) && a.path("action").asText().equals(action)
                        && !"deny".equals(a.path("effect").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private void robotRoute(Request r, SiteData.Robot robot, String action, Map<String, String> params) {
        String level;
        SiteData.Project p = null;
        if (params.containsKey("id")) {
            SiteData.Robot target = robotById(params.get("id"));
            if (target == null) return; // the handler answers 404/422 first (robot.go: Get before requireAccess)
            level = target.level;
            if (level.equals("project")) p = site.projects.get(target.projectId);
        } else if (r.method.equals("POST")) {
            JsonNode body = safeJson(r);
            level = body.path("level").asText();
            if (level.equals("project")) p = site.projectByName(body.path("permissions").path(0).path("namespace").asText());
            else if (!level.equals("system")) return; // validation (400) comes first
        } else {
            level = "system";
            for (Map.Entry<String, String> t : r.qTerms()) {
                if (t.getKey().equalsIgnoreCase("Level")) level = t.getValue();
                if (t.getKey().equalsIgnoreCase("ProjectID")) {
                    Long id = parseLong(t.getValue());
                    if (id == null) return; // 400 from the handler
                    p = site.projects.get(id);
                }
            }
        }
        if (level.equals("project")) requireProject(robot, p, "robot", action);
        else requireSystem(robot, "robot", action);
    }

    private boolean robotTargetIsSystem(Request r, String method, Map<String, String> params) {
        if (params.containsKey("id")) {
            SiteData.Robot target = robotById(params.get("id"));
            return target != null && target.level.equals("system");
        }
        if (method.equals("POST")) return safeJson(r).path("level").asText().equals("system");
        return r.qTerms().stream().noneMatch(t -> t.getKey().equalsIgnoreCase("Level") && t.getValue().equals("project"));
    }

    private void objectRoute(Request r, SiteData.Robot robot, Rule rule, String key, Map<String, String> params) {
        String resource = rule.resource(), action = rule.action();
        if (key.endsWith(" labels/{id}")) {
            // label.go requireAccess(label): system access for a global label, the label's project for a project
            // label; a label that does not exist is the handler's 404, one whose project is gone is checked loosely
            SiteData.Label l = site.labels.get(parseLong(params.get("id")) == null ? -1L : parseLong(params.get("id")));
            if (l != null && l.scope.equals("g")) {
                requireSystem(robot, resource, action);
                return;
            }
            if (l != null && site.projects.get(l.projectId) != null) {
                requireProject(robot, site.projects.get(l.projectId), resource, action);
                return;
            }
        }
        if (key.equals("GET labels")) {
            String scope = r.param("scope");
            if ("p".equals(scope)) {
                Long id = parseLong(r.param("project_id"));
                if (id != null) requireProject(robot, site.projects.get(id), resource, action);
            }
            return; // global labels: listed without a check (label.go ListLabels); bad scope: 400 from the handler
        }
        if (key.equals("POST labels")) {
            JsonNode body = safeJson(r);
            String scope = body.path("scope").asText();
            if (scope.equals("g")) requireSystem(robot, resource, action);
            else if (scope.equals("p")) requireProject(robot, site.projects.get(body.path("project_id").asLong()), resource, action);
            return;
        }
        if (key.equals("POST retentions")) {
            JsonNode scope = safeJson(r).path("scope");
            if (scope.path("level").asText().equals("project")) {
                requireProject(robot, site.projects.get(scope.path("ref").asLong()), resource, action);
            }
            return;
        }
        // a stored label or policy: its project is known to the handler only; here: held somewhere at all
        boolean somewhere = holds(robot, "system", null, resource, action) || holds(robot, "project", null, resource, action)
                || INHERITED.contains(action) && holds(robot, "project", null, "project", action);
        if (!somewhere) throw ApiError.forbidden("forbidden");
    }

    /** The {p} of a project route as its handler resolves it: repository routes by name, others by name or id. */
    private SiteData.Project project(Request r, String template, Map<String, String> params) {
        String nameOrId = params.get("p");
        if (nameOrId == null) return null;
        if (template.startsWith("projects/{p}/repositories")) return site.projectByName(nameOrId);
        return site.project(nameOrId, r.isResourceNameHeader());
    }

    private SiteData.Robot robotById(String id) {
        Long n = parseLong(id);
        return n == null ? null : site.robots.get(n);
    }

    private static JsonNode safeJson(Request r) {
        try {
            JsonNode n = r.json();
            return n == null ? Json.obj() : n;
        } catch (ApiError e) {
            return Json.obj(); // the handler answers the malformed body
        }
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void anyone(String... keys) {
        for (String k : keys) RULES.put(k, new Rule(Scope.ANYONE, null, null));
    }

    private static void login(String... keys) {
        for (String k : keys) RULES.put(k, new Rule(Scope.LOGIN, null, null));
    }

    private static void system(String key, String resource, String action) {
        RULES.put(key, new Rule(Scope.SYSTEM, resource, action));
    }

    private static void project(String key, String resource, String action) {
        RULES.put(key, new Rule(Scope.PROJECT, resource, action));
    }

    private static void robot(String key, String action) {
        RULES.put(key, new Rule(Scope.ROBOT, "robot", action));
    }

    private static void object(String key, String resource, String action) {
        RULES.put(key, new Rule(Scope.OBJECT, resource, action));
    }
}
