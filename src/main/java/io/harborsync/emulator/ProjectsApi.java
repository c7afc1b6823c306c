package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@code /projects} with a project's metadata and {@code _deletable} (api-notes 4, observations §1, §6): creation
 * writes what Harbor's project DAO writes (the project, its quota, its owner as projectAdmin member), and the bulk
 * load for benchmarks ({@link #seed}).
 */
final class ProjectsApi {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
    private static final List<String> BOOL_META = List.of("public", "enable_content_trust", "enable_content_trust_cosign",
            "prevent_vul", "auto_scan", "auto_sbom_generation", "reuse_sys_cve_allowlist", "proxy_cache_local_on_not_found");
    private static final List<String> META_KEYS = List.of("public", "enable_content_trust", "enable_content_trust_cosign",
            "prevent_vul", "severity", "auto_scan", "auto_sbom_generation", "reuse_sys_cve_allowlist", "retention_id",
            "proxy_speed_kb", "max_upstream_conn", "proxy_cache_local_on_not_found");

    private final EmulatorOptions options;
    private final SiteData site;
    private final AuditLog audit;
    private final Access access;
    private final Lookup lookup;
    private final MembersApi members;
    private final UsersApi users;

    ProjectsApi(EmulatorOptions options, SiteData site, AuditLog audit, Access access, Lookup lookup, MembersApi members,
                UsersApi users) {
        this.options = options;
        this.site = site;
        this.audit = audit;
        this.access = access;
        this.lookup = lookup;
        this.members = members;
        this.users = users;
    }

    void routes(Router router) {
        router.add("GET", "projects", (r, p) -> listProjects(r));
        router.add("HEAD", "projects", (r, p) -> headProject(r));
        router.add("POST", "projects", (r, p) -> createProject(r));
        router.add("GET", "projects/{p}", (r, p) -> Response.ok(projectJson(lookup.project(r, p.get("p")), true, r.principal)));
        router.add("PUT", "projects/{p}", (r, p) -> updateProject(r, lookup.project(r, p.get("p"))));
        router.add("DELETE", "projects/{p}", (r, p) -> deleteProject(r, lookup.project(r, p.get("p"))));
        router.add("GET", "projects/{p}/_deletable", (r, p) -> deletable(lookup.project(r, p.get("p"))));
        router.add("GET", "projects/{p}/metadatas/", (r, p) -> Response.ok(metaJson(lookup.project(r, p.get("p")).metadata)));
        router.add("POST", "projects/{p}/metadatas/", (r, p) -> addMetadata(r, lookup.project(r, p.get("p"))));
        router.add("GET", "projects/{p}/metadatas/{m}", (r, p) -> getMetadata(lookup.project(r, p.get("p")), p.get("m")));
        router.add("PUT", "projects/{p}/metadatas/{m}", (r, p) -> updateMetadata(r, lookup.project(r, p.get("p")), p.get("m")));
        router.add("DELETE", "projects/{p}/metadatas/{m}", (r, p) -> {
            lookup.project(r, p.get("p")).metadata.remove(p.get("m")); // idempotent (api-notes 4)
            return Response.empty();
        });
    }

    /** Owner of projects created by robots: the lowest-id sysadmin (api-notes 4). */
    private SiteData.User ownerFor(Principal who) {
        if (!who.isRobot()) return site.users.get(who.userId());
        return site.users.values().stream().filter(u -> u.admin).findFirst().orElseThrow();
    }

    ObjectNode projectJson(SiteData.Project p, boolean detail) {
        return projectJson(p, detail, null);
    }

    /**
     * As Harbor answers a project (observations §1 "field shapes", steps proj.get.*): the caller's role in it,
     * {@code registry_id} only for a proxy cache, no {@code deleted}/{@code togglable}, and the allowlist's
     * creation time zero; without detail still the allowlist's times.
     */
    ObjectNode projectJson(SiteData.Project p, boolean detail, Principal who) {
        ObjectNode o = Json.obj().put("project_id", p.id).put("owner_id", p.ownerId).put("name", p.name)
                .put("creation_time", Json.time(p.created)).put("update_time", Json.time(p.updated))
                .put("repo_count", site.repositoriesOf(p.id).size());
        if (p.registryId > 0) o.put("registry_id", p.registryId);
        Long role = who == null || who.isRobot() ? null : site.members.viewOf(p.id).stream()
                .filter(m -> m.entityType.equals("u") && m.entityId == who.userId())
                .map(m -> m.role).findFirst().orElse(null);
        if (role != null) o.put("current_user_role_id", role).putArray("current_user_role_ids").add(role);
        else if (who != null) o.putNull("current_user_role_ids"); // Go's nil slice: robots, anonymous (steps dsync.get, auth.none.getpublic)
        if (!detail) {
            o.putObject("cve_allowlist").put("creation_time", Json.time(Json.ZERO_TIME)).putNull("items") // step proj.list.nodetail
                    .put("update_time", Json.time(Json.ZERO_TIME));
        }
        if (detail) {
            o.put("owner_name", p.ownerName);
            o.set("metadata", metaJson(p.metadata));
            SiteData.Allowlist a = p.allowlist;
            ObjectNode al = o.putObject("cve_allowlist").put("id", a.id).put("project_id", p.id);
            ArrayNode items = al.putArray("items");
            a.items.forEach(cve -> items.addObject().put("cve_id", cve));
            if (a.expiresAt != null) al.put("expires_at", a.expiresAt);
            al.put("creation_time", Json.time(Json.ZERO_TIME)).put("update_time", Json.time(a.updated));
        }
        return o;
    }

    private static ObjectNode metaJson(Map<String, String> meta) {
        ObjectNode o = Json.obj();
        meta.forEach(o::put);
        return o;
    }

    private Response listProjects(Request r) {
        String name = r.param("name");
        Boolean pub = r.boolParam("public");
        String owner = r.param("owner");
        boolean detail = !Boolean.FALSE.equals(r.boolParam("with_detail"));
        Predicate<SiteData.Project> filter = p -> (name == null || p.name.contains(name))
                && (pub == null || pub.toString().equals(p.metadata.get("public")))
                && (owner == null || owner.equals(p.ownerName))
                && (r.principal.admin() || access.canAccess(r.principal, p) || "true".equals(p.metadata.get("public")));
        for (Map.Entry<String, String> t : r.qTerms()) {
            if (!t.getKey().equals("name")) continue; // other keys: not modelled, ignored like unknown keys
            String v = t.getValue();
            filter = filter.and(p -> Request.termMatches(v, p.name));
        }
        List<SiteData.Project> list = site.projects.values().stream().filter(filter)
                .sorted(Comparator.comparing(p -> p.name)).toList();
        return Paging.page(r, list, p -> projectJson(p, detail, r.principal));
    }

    private Response headProject(Request r) {
        String name = r.param("project_name");
        if (name == null || name.isEmpty()) throw ApiError.unprocessable("project_name in query is required");
        if (site.projectByName(name) == null) throw ApiError.notFound("project " + name + " not found"); // headers only
        return Response.status(200);
    }

    private Response createProject(Request r) {
        ObjectNode body = Json.requireObject(r.json(), "project");
        String name = Json.str(body, "project", "project_name");
        Boolean pub = Json.bool(body, "project", "public");
        Map<String, String> meta = metadataFromBody(body, "project");
        Long storageLimit = Json.lng(body, "project", "storage_limit");
        Long registryId = Json.lng(body, "project", "registry_id");
        Json.object(body, "project", "cve_allowlist"); // type-checked, then ignored on create (api-notes 4)
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw ApiError.badRequest("project name is not in lower case or contains illegal characters!");
        }
        if (r.principal.isRobot() && site.robots.get(r.principal.robotId()).level.equals("project")) {
            throw ApiError.forbidden("Only system level robot can create project");
        }
        if (site.projectByName(name) != null) throw ApiError.conflict("The project named " + name + " already exists");
        if (registryId != null && registryId > 0) {
            // proxy cache: sysadmin only, and the registry endpoint must exist (api-notes 4)
            if (!createsAsAdmin(r.principal)) throw ApiError.forbidden("Only system admin can create proxy cache project");
            if (!site.registries.containsKey(registryId)) throw ApiError.badRequest("registry " + registryId + " not found");
        }
        if (pub != null && !meta.containsKey("public")) meta.put("public", String.valueOf(pub));
        meta.putIfAbsent("public", "false");
        validatePublic(meta.get("public"));
        if (meta.containsKey("retention_id") && !meta.get("retention_id").isEmpty()) {
            throw ApiError.badRequest("retention_id is not allowed when creating project");
        }
        SiteData.User owner = ownerFor(r.principal);
        SiteData.Project p = insertProject(name, owner, meta, registryId == null ? 0 : registryId,
                storageLimit == null || storageLimit == 0 || !createsAsAdmin(r.principal) ? -1 : storageLimit, Instant.now());
        audit.record(r.username(), "project", "create", name, p.id);
        boolean nameInLocation = "true".equalsIgnoreCase(r.header("X-Resource-Name-In-Location"));
        return Response.created(EmulatorRoutes.BASE + "/projects/" + (nameInLocation ? name : String.valueOf(p.id)));
    }

    /**
     * project.go isSysAdmin(ctx, ActionCreate): a sysadmin, or a robot holding system project:create, gets its
     * storage_limit and may create a proxy-cache project; anyone else gets the default quota.
     */
    private boolean createsAsAdmin(Principal who) {
        return who.admin() || who.isRobot() && RoutePermissions.holds(site.robots.get(who.robotId()), "system", null,
                "project", "create");
    }

    private Map<String, String> metadataFromBody(ObjectNode body, String param) {
        ObjectNode m = Json.object(body, param, "metadata");
        Map<String, String> meta = new TreeMap<>();
        if (m == null) return meta;
        Iterator<Map.Entry<String, JsonNode>> it = m.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) continue;
            if (!e.getValue().isTextual()) {
                throw ApiError.unprocessable(param + ".metadata." + e.getKey() + " in body must be of type string: \""
                        + e.getValue().getNodeType().name().toLowerCase() + "\"");
            }
            if (!e.getValue().asText().isEmpty()) meta.put(e.getKey(), e.getValue().asText()); // empty = omitempty
        }
        return meta;
    }

    private static void validatePublic(String v) {
        if (v != null && parseGoBool(v) == null) throw ApiError.badRequest("invalid value of public: " + v);
    }

    private static Boolean parseGoBool(String v) {
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> null;
        };
    }

    private Response updateProject(Request r, SiteData.Project p) {
        ObjectNode body = Json.requireObject(r.json(), "project");
        Json.str(body, "project", "project_name");
        Json.bool(body, "project", "public");          // ignored on update
        Json.lng(body, "project", "storage_limit");     // ignored on update
        Map<String, String> meta = metadataFromBody(body, "project");
        ObjectNode allow = Json.object(body, "project", "cve_allowlist");
        // no validation of the values on PUT: {"public":"yes"} is stored as given (step proj.update.badpublic)
        if (meta.containsKey("retention_id") && !meta.get("retention_id").equals(p.metadata.getOrDefault("retention_id", ""))) {
            throw ApiError.badRequest("retention_id cannot be changed");
        }
        if (allow != null) {
            Long pid = Json.lng(allow, "project.cve_allowlist", "project_id");
            if (pid != null && pid != 0 && pid != p.id) {
                throw ApiError.badRequest("project_id in cve_allowlist must be " + p.id + " but it's " + pid);
            }
            List<String> items = new ArrayList<>();
            ArrayNode arr = Json.array(allow, "project.cve_allowlist", "items");
            if (arr != null) for (JsonNode i : arr) items.add(Json.str(i, "project.cve_allowlist.items", "cve_id"));
            p.allowlist.items = items;
            p.allowlist.expiresAt = Json.lng(allow, "project.cve_allowlist", "expires_at");
            p.allowlist.updated = Instant.now();
        }
        p.metadata.putAll(meta); // merge: keys never removed (api-notes 4); no audit row in v2.15.2
        p.updated = Instant.now();
        if (options.memberAuditEvents()) {
            // a Harbor after v2.15.2 (src/pkg/auditext/event/project/project.go): resource = the project's name
            audit.record(r.username(), "project", "update", p.name, p.id, "update project: " + p.name);
        }
        return Response.empty();
    }

    private Response deleteProject(Request r, SiteData.Project p) {
        if (!site.repositoriesOf(p.id).isEmpty()) {
            throw ApiError.precondition("the project contains repositories, can not be deleted");
        }
        site.projects.remove(p.id);
        site.quotas.removeParent(p.id);
        site.members.removeParent(p.id);
        site.webhookPolicies.removeParent(p.id);
        site.immutableRules.removeParent(p.id); // labels stay (observations §4)
        site.retentions.values().removeIf(x -> x.projectId == p.id);
        site.robots.values().removeIf(rb -> rb.level.equals("project") && rb.projectId == p.id); // raw delete, no audit
        audit.record(r.username(), "project", "delete", p.name, p.id);
        return Response.empty();
    }

    private Response deletable(SiteData.Project p) {
        boolean ok = site.repositoriesOf(p.id).isEmpty();
        // a project that cannot go is only the message: Go omits the false (step proj.deletable.withrepos)
        return Response.ok(ok ? Json.obj().put("deletable", true)
                : Json.obj().put("message", "the project contains repositories, can not be deleted"));
    }

    /** /metadatas endpoints validate and normalize values (api-notes 4). */
    private static Map<String, String> validateMetadata(JsonNode body) {
        Map<String, String> out = new TreeMap<>();
        if (body == null || !body.isObject()) return out;
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (!e.getValue().isTextual()) {
                throw ApiError.unprocessable("metadata." + k + " in body must be of type string");
            }
            String v = e.getValue().asText();
            if (!META_KEYS.contains(k)) throw ApiError.badRequest("invalid key: " + k);
            if (BOOL_META.contains(k)) {
                Boolean b = parseGoBool(v);
                if (b == null) throw ApiError.badRequest("invalid value of " + k + ": " + v);
                v = b.toString();
            } else if (k.equals("severity")) {
                v = v.toLowerCase();
                if (!Set.of("none", "low", "medium", "high", "critical").contains(v)) {
                    throw ApiError.badRequest("invalid severity " + e.getValue().asText());
                }
            } else if (k.equals("proxy_speed_kb") || k.equals("max_upstream_conn")) {
                try {
                    Integer.parseInt(v);
                } catch (NumberFormatException ex) {
                    throw ApiError.badRequest("invalid value of " + k + ": " + v);
                }
            }
            out.put(k, v);
        }
        return out;
    }

    private Response addMetadata(Request r, SiteData.Project p) {
        Map<String, String> m = validateMetadata(r.json());
        if (m.size() != 1) throw ApiError.badRequest("only allow one key/value pair");
        Map.Entry<String, String> e = m.entrySet().iterator().next();
        if (e.getKey().equals("retention_id")) throw ApiError.badRequest("invalid key: retention_id"); // observations §6
        if (p.metadata.containsKey(e.getKey())) throw ApiError.conflict("metadata " + e.getKey() + " already exists");
        p.metadata.put(e.getKey(), e.getValue());
        return Response.empty();
    }

    private Response getMetadata(SiteData.Project p, String key) {
        String v = p.metadata.get(key);
        // an absent key is 200 {} (step meta.get.missing)
        return Response.ok(v == null ? Json.obj() : Json.obj().put(key, v));
    }

    private Response updateMetadata(Request r, SiteData.Project p, String key) {
        Map<String, String> m = validateMetadata(r.json());
        if (m.size() != 1 || !m.containsKey(key)) throw ApiError.badRequest("the metadata name in path and body do not match");
        if (p.metadata.containsKey(key)) p.metadata.put(key, m.get(key)); // missing key: SQL UPDATE hits no row, 200
        return Response.empty();
    }

    /**
     * The rows Harbor's project DAO writes for a new project: the project with an empty allowlist, its quota,
     * and the owner as projectAdmin member (project_member ids are one global sequence).
     */
    private SiteData.Project insertProject(String name, SiteData.User owner, Map<String, String> meta, long registryId,
                                        long hardStorage, Instant now) {
        SiteData.Project p = new SiteData.Project();
        p.id = site.next("project");
        p.name = name;
        p.ownerId = owner.id;
        p.ownerName = owner.username;
        p.created = p.updated = now;
        p.metadata.putAll(meta);
        p.registryId = registryId;
        p.allowlist = new SiteData.Allowlist();
        p.allowlist.id = site.next("allowlist");
        p.allowlist.created = p.allowlist.updated = now;
        site.projects.put(p.id, p);
        SiteData.Quota q = new SiteData.Quota();
        q.id = site.next("quota");
        q.projectId = p.id;
        q.hardStorage = hardStorage;
        q.created = q.updated = now;
        site.quotas.put(q.id, q);
        members.addMemberRow(p.id, "u", owner.id, owner.username, 1);
        return p;
    }

    /**
     * Bulk load for benchmarks: the project as Harbor holds it after the admin created it (owner as projectAdmin
     * member, quota unlimited, empty allowlist), with its members and content, straight into the site data: no
     * audit rows, no webhooks, and none of the per-item scans a push does, so a large dataset loads in moments.
     * Users named as members are created (without password) when missing. Caller holds the site lock.
     */
    void seed(String name, Map<String, String> metadata, Map<String, Integer> memberRoles,
                     Map<String, Map<String, List<String>>> repositories) {
        if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("bad project name " + name);
        if (site.projectByName(name) != null) throw new IllegalArgumentException("project " + name + " exists");
        Instant now = Instant.now();
        SiteData.User owner = site.userByName(options.adminUsername());
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.putIfAbsent("public", "false");
        SiteData.Project p = insertProject(name, owner, meta, 0, -1, now);
        memberRoles.forEach((username, role) -> {
            if (!MembersApi.ROLES.containsKey((long) role)) throw new IllegalArgumentException("no role " + role);
            if (username.equals(owner.username)) throw new IllegalArgumentException("the owner is always a member");
            SiteData.User u = site.userByName(username);
            if (u == null) u = users.addUserRow(username, null);
            members.addMemberRow(p.id, "u", u.id, u.username, role);
        });
        repositories.forEach((repoName, artifacts) -> {
            SiteData.Repository repo = new SiteData.Repository();
            repo.id = site.next("repository");
            repo.projectId = p.id;
            repo.name = name + "/" + repoName;
            repo.created = repo.updated = now;
            site.repositories.put(repo.id, repo);
            artifacts.forEach((digest, tags) -> {
                if (!digest.matches("sha256:[0-9a-f]{64}")) throw new IllegalArgumentException("invalid digest " + digest);
                SiteData.Artifact a = new SiteData.Artifact();
                a.id = site.next("artifact");
                a.repoId = repo.id;
                a.digest = digest;
                a.pushTime = now;
                for (String t : tags) {
                    SiteData.Tag tag = new SiteData.Tag();
                    tag.id = site.next("tag");
                    tag.name = t;
                    tag.pushTime = now;
                    a.tags.add(tag);
                }
                site.artifacts.put(a.id, a);
            });
        });
    }
}
