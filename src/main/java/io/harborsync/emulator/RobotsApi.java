package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code /robots} and {@code /permissions} as a real Harbor v2.15.2 answered them (observations §3; steps
 * {@code robot.*}, {@code next.permissions}, {@code del.proj.robot}). Every handler runs under the site lock
 * ({@link EmulatorRoutes#handle}). Who may call what is decided before (bad credentials, permissions per
 * resource:action); this class keeps the rules of the robot resource itself.
 */
final class RobotsApi {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
    /** robot.name is varchar(255): a longer name reaches the database and fails there (500, observations §3). */
    private static final int NAME_COLUMN = 255;
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String SECRET_RULE = "the secret must be 8-128, inclusively, characters long with at least 1 uppercase"
            + " letter, 1 lowercase letter and 1 number";

    private final SiteData site;
    private final AuditLog audit;
    private final Access access;

    RobotsApi(SiteData site, AuditLog audit, Access access) {
        this.site = site;
        this.audit = audit;
        this.access = access;
    }

    void routes(Router router) {
        router.add("GET", "robots", (r, p) -> list(r));
        router.add("POST", "robots", (r, p) -> create(r));
        router.add("GET", "robots/{id}", (r, p) -> Response.ok(json(robot(p.get("id")))));
        router.add("PUT", "robots/{id}", (r, p) -> update(r, robot(p.get("id"))));
        router.add("PATCH", "robots/{id}", (r, p) -> refreshSecret(r, p.get("id")));
        router.add("DELETE", "robots/{id}", (r, p) -> delete(r, robot(p.get("id"))));
        router.add("GET", "permissions", (r, p) -> permissions(r));
    }

    /** go-swagger binds the path id before the handler runs: not an int64 is 422 (step robot.get.badid). */
    private SiteData.Robot robot(String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiError.unprocessable("validation failure list:\nrobot_id in path must be of type int64: \"" + id + "\"");
        }
        SiteData.Robot rb = site.robots.get(n);
        if (rb == null) throw ApiError.notFound("robot " + id + " not found");
        return rb;
    }

    /** The name as Harbor stores it: without {@code robot$}, a project robot's with its project ({@code p1+ci}). */
    private static String storedName(SiteData.Robot rb) {
        return rb.name.substring("robot$".length());
    }

    /**
     * GET shape (step robot.get): never the secret, {@code creator_ref}/{@code creator_type} added, an empty
     * description omitted (Go omitempty), and the permissions regrouped per kind and namespace, project kind first
     * (step robot.list: the order can differ from what was sent).
     */
    private static ObjectNode json(SiteData.Robot rb) {
        ObjectNode o = Json.obj().put("creation_time", Json.time(rb.created)).put("creator_ref", rb.creatorRef)
                .put("creator_type", rb.creatorType);
        if (!rb.description.isEmpty()) o.put("description", rb.description);
        o.put("disable", rb.disable).put("duration", rb.duration).put("editable", true).put("expires_at", rb.expiresAt)
                .put("id", rb.id).put("level", rb.level).put("name", rb.name);
        o.set("permissions", regrouped(rb.permissions));
        o.put("update_time", Json.time(rb.updated));
        return o;
    }

    private static ArrayNode regrouped(ArrayNode perms) {
        Map<String, Map<String, Set<String>>> byKind = new LinkedHashMap<>();
        byKind.put("project", new LinkedHashMap<>());
        byKind.put("system", new LinkedHashMap<>());
        for (JsonNode perm : perms) {
            Set<String> pairs = byKind.get(perm.path("kind").asText())
                    .computeIfAbsent(perm.path("namespace").asText(), ns -> new LinkedHashSet<>());
            for (JsonNode a : perm.path("access")) pairs.add(a.path("resource").asText() + ":" + a.path("action").asText());
        }
        ArrayNode out = Json.arr();
        byKind.forEach((kind, namespaces) -> namespaces.forEach((ns, pairs) -> {
            ArrayNode access = Json.arr();
            for (String pair : pairs) {
                int colon = pair.indexOf(':');
                access.addObject().put("action", pair.substring(colon + 1)).put("resource", pair.substring(0, colon));
            }
            ObjectNode p = out.addObject();
            p.set("access", access);
            p.put("kind", kind).put("namespace", ns);
        }));
        return out;
    }

    /**
     * q terms as Harbor's ListRobot reads them (observations §3): no {@code Level} = system robots only;
     * {@code Level=project} needs a positive {@code ProjectID}; {@code name} matches the stored name exactly, so
     * a name with its {@code robot$} prefix finds nothing (steps robot.list.q.name2, robot.list.q.prefixed).
     */
    private Response list(Request r) {
        String level = null, projectIdText = null, name = null;
        for (Map.Entry<String, String> t : r.qTerms()) {
            switch (t.getKey()) {
                case "Level" -> level = t.getValue();
                case "ProjectID" -> projectIdText = t.getValue();
                case "name" -> name = t.getValue();
                default -> { } // unknown keys are ignored (observations §2)
            }
        }
        long projectId = 0;
        if (level == null) {
            level = "system";
        } else if (!level.equals("system") && !level.equals("project")) {
            throw ApiError.badRequest("bad request error level input");
        } else if (level.equals("project")) {
            if (projectIdText == null) throw ApiError.badRequest("must with project ID when to query project robots");
            try {
                projectId = Long.parseLong(projectIdText);
            } catch (NumberFormatException e) {
                projectId = 0;
            }
            if (projectId <= 0) throw ApiError.badRequest("ProjectID must be a positive integer");
            if (!r.principal.admin()) access.check(r, site.projects.get(projectId), String.valueOf(projectId));
        }
        String lv = level, n = name;
        long pid = projectId;
        List<SiteData.Robot> list = site.robots.values().stream()
                .filter(rb -> rb.level.equals(lv) && (lv.equals("system") || rb.projectId == pid))
                .filter(rb -> n == null || storedName(rb).equals(n))
                .toList();
        return Paging.page(r, list, RobotsApi::json);
    }

    /** Checks run before anything else, the 409 on a taken name included (step robot.create.badperm). */
    private static ArrayNode permissionsOf(ObjectNode body) {
        ArrayNode perms = Json.array(body, "robot", "permissions");
        if (perms == null || perms.isEmpty()) throw ApiError.badRequest("bad request empty permission");
        for (JsonNode perm : perms) {
            String kind = Json.str(perm, "robot.permissions", "kind");
            Json.str(perm, "robot.permissions", "namespace");
            ArrayNode access = Json.array(perm, "robot.permissions", "access");
            if (access == null || access.isEmpty()) throw ApiError.badRequest("bad request empty access");
            if (!"system".equals(kind) && !"project".equals(kind)) throw ApiError.badRequest("bad request permission level: " + kind);
            for (JsonNode a : access) {
                String resource = Json.str(a, "robot.permissions.access", "resource");
                String action = Json.str(a, "robot.permissions.access", "action");
                if (!RobotCatalogue.allows(kind, resource, action)) {
                    throw ApiError.badRequest("bad request permission: " + resource + ":" + action);
                }
            }
        }
        return perms;
    }

    /** A project robot holds exactly one project-kind permission (steps robot.create.proj.twoperm, robot.put.level). */
    private static void requireProjectShape(String level, ArrayNode perms) {
        if ("project".equals(level) && (perms.size() != 1 || !"project".equals(perms.get(0).path("kind").asText()))) {
            throw ApiError.badRequest("bad request permission");
        }
    }

    private static long validDuration(Long duration) {
        long d = duration == null ? 0 : duration;
        if (d != -1 && d <= 0) {
            throw ApiError.badRequest("bad request error duration input: " + d
                    + ", duration must be either -1(Never) or a positive integer");
        }
        return d;
    }

    /** Counted from the creation time, on PUT too (observations §3: 7 → 30 days gave creation + 30 d). */
    private static long expiresAt(Instant created, long duration) {
        return duration == -1 ? -1 : created.getEpochSecond() + duration * 86400;
    }

    private Response create(Request r) {
        ObjectNode body = Json.requireObject(r.json(), "robot");
        String name = Json.str(body, "robot", "name");
        String level = Json.str(body, "robot", "level");
        Long duration = Json.lng(body, "robot", "duration");
        String description = Json.str(body, "robot", "description");
        Json.str(body, "robot", "secret");   // ignored on create: the answer's secret is the one that works
        Json.bool(body, "robot", "disable"); // ignored on create: a new robot is enabled
        ArrayNode perms = permissionsOf(body);
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiError.badRequest("robot name is not in lower case or contains illegal characters");
        }
        if (!"system".equals(level) && !"project".equals(level)) throw ApiError.badRequest("bad request error level input");
        long dur = validDuration(duration);
        String stored = name;
        long projectId = 0;
        if (level.equals("project")) {
            requireProjectShape(level, perms);
            String ns = perms.get(0).path("namespace").asText(); // "*" names no project: 404 "project * not found"
            SiteData.Project p = access.check(r, site.projectByName(ns), ns);
            projectId = p.id;
            stored = p.name + "+" + name;
        }
        if (stored.length() > NAME_COLUMN) throw new ApiError(500, "UNKNOWN", "internal server error");
        if (site.robotByName("robot$" + stored) != null) {
            throw ApiError.conflict("robot account " + projectId + ":" + stored + " already exists");
        }
        SiteData.Robot rb = new SiteData.Robot();
        rb.id = site.next("robot");
        rb.name = "robot$" + stored;
        rb.secret = secret();
        rb.level = level;
        rb.projectId = projectId;
        rb.description = description == null ? "" : description;
        rb.duration = dur;
        rb.created = rb.updated = Instant.now();
        rb.expiresAt = expiresAt(rb.created, dur);
        rb.permissions = perms.deepCopy();
        rb.creatorRef = r.principal.isRobot() ? r.principal.robotId() : r.principal.userId();
        rb.creatorType = r.principal.isRobot() ? "robot" : "local";
        site.robots.put(rb.id, rb);
        audit.record(r.username(), "robot", "create", rb.name, projectId);
        ObjectNode out = Json.obj().put("creation_time", Json.time(rb.created)).put("expires_at", rb.expiresAt)
                .put("id", rb.id).put("name", rb.name).put("secret", rb.secret);
        return Response.json(201, out).header("Location", EmulatorRoutes.BASE + "/robots/" + rb.id);
    }

    /**
     * PUT replaces description, duration, disable and permissions; the permissions are checked first, then the
     * name (with its prefix) and level must be the robot's own. No audit row (observations §3, §10).
     */
    private Response update(Request r, SiteData.Robot rb) {
        ObjectNode body = Json.requireObject(r.json(), "robot");
        String name = Json.str(body, "robot", "name");
        String level = Json.str(body, "robot", "level");
        Long duration = Json.lng(body, "robot", "duration");
        String description = Json.str(body, "robot", "description");
        Boolean disable = Json.bool(body, "robot", "disable");
        Json.str(body, "robot", "secret"); // ignored: the secret changes by PATCH only
        ArrayNode perms = permissionsOf(body);
        requireProjectShape(level, perms);
        if (!rb.name.equals(name) || !rb.level.equals(level)) throw ApiError.badRequest("cannot update the level or name of robot");
        if (duration != null) {
            rb.duration = validDuration(duration);
            rb.expiresAt = expiresAt(rb.created, rb.duration);
        }
        rb.description = description == null ? "" : description;
        rb.disable = disable != null && disable;
        rb.permissions = perms.deepCopy();
        rb.updated = Instant.now();
        return Response.empty();
    }

    /**
     * PATCH: a valid chosen secret answers {@code {}}; none (or "") generates one and returns it; no body is
     * go-swagger's 422. No audit row (steps robot.patch.*). Robots never get here: PUT and PATCH need robot:update,
     * which no robot may hold, and {@link RoutePermissions} answers their 403 (robot.perm.patch).
     */
    private Response refreshSecret(Request r, String id) {
        JsonNode body = r.json();
        if (body == null || body.isNull()) throw ApiError.unprocessable("validation failure list:\nrobotSec in body is required");
        SiteData.Robot rb = robot(id);
        String s = Json.str(Json.requireObject(body, "robotSec"), "robotSec", "secret");
        if (s != null && !s.isEmpty() && !validSecret(s)) throw ApiError.badRequest(SECRET_RULE);
        rb.updated = Instant.now();
        if (s == null || s.isEmpty()) {
            rb.secret = secret();
            return Response.ok(Json.obj().put("secret", rb.secret));
        }
        rb.secret = s;
        return Response.ok(Json.obj());
    }

    /** Harbor's requireValidSecret: 8–128 characters with an upper case letter, a lower case letter and a digit. */
    static boolean validSecret(String s) {
        return s.length() >= 8 && s.length() <= 128 && s.chars().anyMatch(c -> c >= 'A' && c <= 'Z')
                && s.chars().anyMatch(c -> c >= 'a' && c <= 'z') && s.chars().anyMatch(c -> c >= '0' && c <= '9');
    }

    private Response delete(Request r, SiteData.Robot rb) {
        site.robots.remove(rb.id);
        audit.record(r.username(), "robot", "delete", rb.name, rb.projectId);
        return Response.empty();
    }

    /**
     * GET /permissions (step next.permissions): what a robot may be given, from the same catalogue the create
     * check uses. A sysadmin sees both kinds; anyone else only the project kind (Harbor's permissions handler
     * leaves {@code system} out unless the caller is a sysadmin).
     */
    private Response permissions(Request r) {
        ObjectNode o = Json.obj();
        o.set("project", catalogue(RobotCatalogue.PROJECT));
        if (r.principal.admin()) o.set("system", catalogue(RobotCatalogue.SYSTEM));
        return Response.ok(o);
    }

    private static ArrayNode catalogue(Map<String, Set<String>> byResource) {
        ArrayNode out = Json.arr();
        new TreeMap<>(byResource).forEach((resource, actions) -> {
            for (String action : new TreeSet<>(actions)) {
                out.addObject().put("action", action).put("resource", resource);
            }
        });
        return out;
    }

    /** A robot secret as Harbor generates it: 32 characters with an upper-case letter, a lower-case one and a digit. */
    private static String secret() {
        String chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder("A1a");
        for (int i = 0; i < 29; i++) sb.append(chars.charAt(RANDOM.nextInt(chars.length())));
        return sb.toString();
    }
}
