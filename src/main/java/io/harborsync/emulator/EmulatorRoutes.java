package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The /api/v2.0 handlers. Every handler runs under the site lock. Section numbers name the section of the team's
 * notes on Harbor v2.15.2's behaviour that a rule came from (see package-info).
 */
final class EmulatorRoutes {
    static final String BASE = "/api/v2.0";
    private static final Pattern NAME = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
    private static final Map<Long, String> ROLES = Map.of(1L, "projectAdmin", 2L, "developer", 3L, "guest",
            4L, "maintainer", 5L, "limitedGuest");
    static final List<String> EVENT_TYPES = List.of("PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT", "QUOTA_EXCEED",
            "QUOTA_WARNING", "SCANNING_FAILED", "SCANNING_STOPPED", "SCANNING_COMPLETED", "REPLICATION", "TAG_RETENTION");
    private static final List<String> BOOL_META = List.of("public", "enable_content_trust", "enable_content_trust_cosign",
            "prevent_vul", "auto_scan", "auto_sbom_generation", "reuse_sys_cve_allowlist", "proxy_cache_local_on_not_found");
    private static final List<String> META_KEYS = List.of("public", "enable_content_trust", "enable_content_trust_cosign",
            "prevent_vul", "severity", "auto_scan", "auto_sbom_generation", "reuse_sys_cve_allowlist", "retention_id",
            "proxy_speed_kb", "max_upstream_conn", "proxy_cache_local_on_not_found");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Go's zero time.Time as Harbor prints it. */
    static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private final EmulatorOptions options;
    final SiteData site = new SiteData();
    final AuditLog audit;
    final WebhookSender webhooks;
    private final Router router = new Router();
    private final LabelsApi labels = new LabelsApi(this);
    private final ImmutableRulesApi immutableRules = new ImmutableRulesApi(this);
    private final WebhookExecutionsApi webhookExecutions = new WebhookExecutionsApi(this);
    private final RoutePermissions permissions = new RoutePermissions(site);

    EmulatorRoutes(EmulatorOptions options) {
        this.options = options;
        this.audit = new AuditLog(options.auditLogEnabled());
        this.webhooks = new WebhookSender(options.name(), options.webhookRetryDelay());
        SiteData.User admin = new SiteData.User();
        admin.id = site.next("user");
        admin.username = options.adminUsername();
        admin.password = options.adminPassword();
        admin.admin = true;
        admin.created = Instant.now();
        admin.realname = "system admin";
        admin.comment = "admin user";
        site.users.put(admin.id, admin);
        routes();
    }

    // ------------------------------------------------------------------ dispatch, auth

    Response handle(Request r) {
        // CSRF (api-notes 1): only checked when a session cookie is present, as a cookie jar would send it.
        if (Set.of("POST", "PUT", "PATCH", "DELETE").contains(r.method) && hasSidCookie(r)
                && r.header("X-Harbor-CSRF-Token") == null) {
            throw ApiError.forbidden("CSRF token invalid");
        }
        synchronized (site) {
            Principal who = authenticate(r);
            // bad credentials are anonymous, not 401: each route's rule decides (observations §2, steps auth.*)
            r.principal = who == null ? Principal.ANONYMOUS : who;
            List<String> segs = r.segments.subList(2, r.segments.size());
            if (r.method.equals("GET")) pageParams(r); // go-swagger binds and checks paging before the handler
            return router.dispatch(r, segs, permissions::check);
        }
    }

    private static boolean hasSidCookie(Request r) {
        List<String> cookies = r.headers.get("cookie");
        if (cookies == null) return false;
        for (String c : cookies) {
            for (String part : c.split(";")) {
                if (part.trim().startsWith("sid=")) return true;
            }
        }
        return false;
    }

    /** Basic auth: robots by their prefixed name and secret, users by password (api-notes 9). Bad credentials = anonymous. */
    Principal authenticate(Request r) {
        String auth = r.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return null;
        String user = decoded.substring(0, colon), pass = decoded.substring(colon + 1);
        if (user.startsWith("robot$")) {
            SiteData.Robot robot = site.robotByName(user);
            if (robot == null || !robot.secret.equals(pass) || robot.disable) return null;
            if (robot.expiresAt > 0 && robot.expiresAt < Instant.now().getEpochSecond()) return null;
            return new Principal(robot.name, false, 0, robot.id);
        }
        SiteData.User u = site.userByName(user);
        if (u == null || u.password == null || !u.password.equals(pass)) return null;
        return new Principal(u.username, u.admin, u.id, 0);
    }

    private void requireSysadminOrRobot(Request r) {
        if (!r.principal.admin() && !r.principal.isRobot()) throw ApiError.forbidden("forbidden");
    }

    // ------------------------------------------------------------------ helpers

    /** page and page_size as given (defaults 1 and 10); only page_size over 100 is refused (observations §2). */
    private static long[] pageParams(Request r) {
        Long page = r.longParam("page");
        Long size = r.longParam("page_size");
        if (size != null && size > 100) {
            throw ApiError.unprocessable("page_size in query should be less than or equal to 100");
        }
        return new long[]{page == null ? 1 : page, size == null ? 10 : size};
    }

    /** Paged list with X-Total-Count and Link exactly as api-notes 1 (relative URL, sorted unescaped query, " , "). */
    static <T> Response page(Request r, List<T> all, Function<T, JsonNode> f) {
        return page(r, all, all.size(), f);
    }

    /**
     * As Harbor pages: {@code page_size} 0 or negative lists every row, a page below 1 is served as page 1, and the
     * links are computed from the values as given, so {@code page_size=-1} gets a next link to page 2 and
     * {@code page=0} one to page 1 ({@code lib.Links}: none when page_size is 0; observations §2, steps page.*).
     *
     * @param total the X-Total-Count, which Harbor counts with its own query (not always the rows listed)
     */
    static <T> Response page(Request r, List<T> all, long total, Function<T, JsonNode> f) {
        long[] ps = pageParams(r);
        long page = ps[0], size = ps[1];
        ArrayNode arr = Json.arr();
        long from = size <= 0 ? 0 : (Math.max(1, page) - 1) * size;
        long to = size <= 0 ? all.size() : Math.min(all.size(), from + size);
        for (long i = from; i < to; i++) arr.add(f.apply(all.get((int) i)));
        Response resp = Response.ok(arr).header("X-Total-Count", String.valueOf(total));
        List<String> links = new ArrayList<>();
        if (size != 0 && page > 1 && (page - 1) * size < total) links.add("<" + linkUrl(r, page - 1, size) + ">; rel=\"prev\"");
        if (size != 0 && size * page < total) links.add("<" + linkUrl(r, page + 1, size) + ">; rel=\"next\"");
        if (!links.isEmpty()) resp.header("Link", String.join(" , ", links));
        return resp;
    }

    private static String linkUrl(Request r, long page, long size) {
        TreeMap<String, List<String>> q = new TreeMap<>(r.query); // url.Values.Encode sorts by key
        q.put("page", List.of(String.valueOf(page)));
        q.put("page_size", List.of(String.valueOf(size)));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> e : q.entrySet()) {
            for (String v : e.getValue()) sb.append(sb.length() == 0 ? "" : "&").append(e.getKey()).append('=').append(v);
        }
        String path = r.path;
        try {
            path = Request.pathUnescape(path); // Harbor unescapes the path once more (repository names)
        } catch (ApiError ignored) {
            // keep it as it is
        }
        return path + "?" + sb;
    }

    private static boolean isLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String secret() {
        String chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder("A1a");
        for (int i = 0; i < 29; i++) sb.append(chars.charAt(RANDOM.nextInt(chars.length())));
        return sb.toString();
    }

    static String randomDigest() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        StringBuilder sb = new StringBuilder("sha256:");
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    /**
     * {project_name_or_id}: an id when numeric unless X-Is-Resource-Name: true. A missing project is 404 for a sysadmin
     * and 403 for robots and other users (api-notes 1).
     */
    private SiteData.Project project(Request r, String nameOrId) {
        return checkAccess(r, site.project(nameOrId, r.isResourceNameHeader()), nameOrId);
    }

    /** {project_name} routes (repositories, artifacts) take the name only. */
    private SiteData.Project projectByName(Request r, String name) {
        return checkAccess(r, site.projectByName(name), name);
    }

    private SiteData.Project checkAccess(Request r, SiteData.Project p, String asGiven) {
        Principal who = r.principal;
        if (who.admin()) {
            if (p == null) throw ApiError.notFound("project " + asGiven + " not found");
            return p;
        }
        if (who.isAnonymous()) {
            // RoutePermissions let anonymous through only where a public project may be read (auth.none.getpublic)
            if (p == null || !"true".equals(p.metadata.get("public"))) throw ApiError.unauthorized();
            return p;
        }
        if (p == null || !canAccess(who, p)) throw ApiError.forbidden("forbidden");
        return p;
    }

    private boolean canAccess(Principal who, SiteData.Project p) {
        if (who.isRobot()) {
            SiteData.Robot robot = site.robots.get(who.robotId());
            if (robot.level.equals("project")) return robot.projectId == p.id;
            for (JsonNode perm : robot.permissions) {
                String ns = perm.path("namespace").asText();
                if (perm.path("kind").asText().equals("project") && (ns.equals("*") || ns.equals(p.name))) return true;
            }
            return false;
        }
        for (SiteData.Member m : site.members.values()) {
            if (m.projectId == p.id && m.entityType.equals("u") && m.entityId == who.userId()) return true;
        }
        return false;
    }

    /** Owner of projects created by robots: the lowest-id sysadmin (api-notes 4). */
    private SiteData.User ownerFor(Principal who) {
        if (!who.isRobot()) return site.users.get(who.userId());
        return site.users.values().stream().filter(u -> u.admin).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ routes

    /** "METHOD template" of every registered route (RoutePermissions must have a rule for each). */
    List<String> routeKeys() {
        return router.keys();
    }

    private void routes() {
        router.add("GET", "ping", (r, p) -> Response.ok(TextNode.valueOf("Pong"))); // a JSON string, not the spec's text/plain (step sys.ping)
        router.add("GET", "health", (r, p) -> health());
        router.add("GET", "systeminfo", (r, p) -> systemInfo(r));

        router.add("GET", "projects", (r, p) -> listProjects(r));
        router.add("HEAD", "projects", (r, p) -> headProject(r));
        router.add("POST", "projects", (r, p) -> createProject(r));
        router.add("GET", "projects/{p}", (r, p) -> Response.ok(projectJson(project(r, p.get("p")), true, r.principal)));
        router.add("PUT", "projects/{p}", (r, p) -> updateProject(r, project(r, p.get("p"))));
        router.add("DELETE", "projects/{p}", (r, p) -> deleteProject(r, project(r, p.get("p"))));
        router.add("GET", "projects/{p}/_deletable", (r, p) -> deletable(project(r, p.get("p"))));
        router.add("GET", "projects/{p}/metadatas/", (r, p) -> Response.ok(metaJson(project(r, p.get("p")).metadata)));
        router.add("POST", "projects/{p}/metadatas/", (r, p) -> addMetadata(r, project(r, p.get("p"))));
        router.add("GET", "projects/{p}/metadatas/{m}", (r, p) -> getMetadata(project(r, p.get("p")), p.get("m")));
        router.add("PUT", "projects/{p}/metadatas/{m}", (r, p) -> updateMetadata(r, project(r, p.get("p")), p.get("m")));
        router.add("DELETE", "projects/{p}/metadatas/{m}", (r, p) -> {
            project(r, p.get("p")).metadata.remove(p.get("m")); // idempotent (api-notes 4)
            return Response.empty();
        });

        router.add("GET", "quotas", (r, p) -> listQuotas(r));
        router.add("GET", "quotas/{id}", (r, p) -> Response.ok(quotaJson(quota(p.get("id"))).put("update_time", Json.time(ZERO_TIME)))); // quota.get
        router.add("PUT", "quotas/{id}", (r, p) -> updateQuota(r, quota(p.get("id"))));

        router.add("GET", "projects/{p}/members", (r, p) -> listMembers(r, project(r, p.get("p"))));
        router.add("POST", "projects/{p}/members", (r, p) -> addMember(r, project(r, p.get("p")), p.get("p")));
        router.add("GET", "projects/{p}/members/{mid}", (r, p) -> getMember(project(r, p.get("p")), p.get("mid")));
        router.add("PUT", "projects/{p}/members/{mid}", (r, p) -> updateMember(r, project(r, p.get("p")), p.get("mid")));
        router.add("DELETE", "projects/{p}/members/{mid}", (r, p) -> deleteMember(r, project(r, p.get("p")), p.get("mid")));

        router.add("GET", "projects/{p}/repositories", (r, p) -> listRepositories(r, projectByName(r, p.get("p"))));
        router.add("GET", "projects/{p}/repositories/{r}", (r, p) -> Response.ok(repoJson(repo(r, p))));
        router.add("DELETE", "projects/{p}/repositories/{r}", (r, p) -> deleteRepository(r, repo(r, p)));
        router.add("GET", "projects/{p}/repositories/{r}/artifacts", (r, p) -> listArtifacts(r, p));
        router.add("GET", "projects/{p}/repositories/{r}/artifacts/{ref}", (r, p) -> {
            SiteData.Repository repo = repo(r, p);
            SiteData.Artifact a = artifact(repo, p.get("ref"));
            return Response.ok(decorated(r, artifactJson(a, repo, !Boolean.FALSE.equals(r.boolParam("with_tag"))), a, repo));
        });
        router.add("DELETE", "projects/{p}/repositories/{r}/artifacts/{ref}", (r, p) -> deleteArtifact(r, p));
        router.add("GET", "projects/{p}/repositories/{r}/artifacts/{ref}/tags", (r, p) -> {
            SiteData.Repository repo = repo(r, p);
            SiteData.Artifact a = artifact(repo, p.get("ref"));
            boolean immutable = Boolean.TRUE.equals(r.boolParam("with_immutable_status"));
            return page(r, newestFirst(a.tags), t -> immutable ? immutableRules.decorateTag(tagJson(t, a, repo), repo) : tagJson(t, a, repo));
        });
        router.add("POST", "projects/{p}/repositories/{r}/artifacts/{ref}/tags", (r, p) -> createTag(r, p));
        router.add("DELETE", "projects/{p}/repositories/{r}/artifacts/{ref}/tags/{tag}", (r, p) -> deleteTag(r, p));

        new RobotsApi(site, audit, this::checkAccess).routes(router); // robots/..., permissions

        router.add("GET", "registries", (r, p) -> listDocs(r, site.registries, this::registryJson));
        router.add("POST", "registries", (r, p) -> createRegistry(r));
        router.add("GET", "registries/{id}", (r, p) -> Response.ok(registryJson(doc(site.registries, p.get("id"), "registry"))));
        router.add("PUT", "registries/{id}", (r, p) -> updateRegistry(r, doc(site.registries, p.get("id"), "registry")));
        router.add("DELETE", "registries/{id}", (r, p) -> deleteDoc(r, site.registries, p.get("id"), "registry"));
        router.add("GET", "replication/policies", (r, p) -> listPolicies(r));
        router.add("POST", "replication/policies", (r, p) -> createPolicy(r));
        router.add("GET", "replication/policies/{id}", (r, p) -> Response.ok(policyJson(doc(site.replicationPolicies, p.get("id"), "policy"))));
        router.add("PUT", "replication/policies/{id}", (r, p) -> updatePolicy(r, doc(site.replicationPolicies, p.get("id"), "policy")));
        router.add("DELETE", "replication/policies/{id}", (r, p) -> deleteDoc(r, site.replicationPolicies, p.get("id"), "policy"));
        router.add("GET", "replication/executions", (r, p) -> listExecutions(r));
        router.add("POST", "replication/executions", (r, p) -> startExecution(r));
        router.add("GET", "replication/executions/{id}", (r, p) -> Response.ok(doc(site.executions, p.get("id"), "execution").json));

        router.add("GET", "projects/{p}/webhook/policies", (r, p) -> listWebhookPolicies(r, project(r, p.get("p"))));
        router.add("POST", "projects/{p}/webhook/policies", (r, p) -> createWebhookPolicy(r, project(r, p.get("p")), p.get("p")));
        router.add("GET", "projects/{p}/webhook/policies/{id}", (r, p) -> Response.ok(webhookJson(webhookPolicy(project(r, p.get("p")), p.get("id")))));
        router.add("PUT", "projects/{p}/webhook/policies/{id}", (r, p) -> updateWebhookPolicy(r, project(r, p.get("p")), p.get("id")));
        router.add("DELETE", "projects/{p}/webhook/policies/{id}", (r, p) -> {
            SiteData.WebhookPolicy w = webhookPolicy(project(r, p.get("p")), p.get("id"));
            site.webhookPolicies.remove(w.id);
            site.webhookExecutions.values().removeIf(x -> x.json.path("vendor_id").asLong() == w.id);
            return Response.empty();
        });
        router.add("GET", "projects/{p}/webhook/events", (r, p) -> webhookEvents(project(r, p.get("p"))));

        router.add("GET", "auditlog-exts", (r, p) -> listAudit(r));
        router.add("GET", "auditlog-exts/events", (r, p) -> auditEvents());
        // v2.15.2 writes audit rows to audit_log_ext only: the legacy list stays empty (step audit.legacy)
        router.add("GET", "audit-logs", (r, p) -> page(r, List.<AuditLog.Row>of(), EmulatorRoutes::auditJson));

        router.add("GET", "users", (r, p) -> listUsers(r));
        router.add("POST", "users", (r, p) -> createUser(r));
        new UsersApi(site).routes(router); // users/current, users/search

        labels.routes(router);
        immutableRules.routes(router);
        new RetentionsApi(this).routes(router);
        webhookExecutions.routes(router);
        router.add("GET", "projects/{p}/webhook/lasttrigger", (r, p) -> lastTrigger(project(r, p.get("p"))));
    }

    // ------------------------------------------------------------------ system

    private Response health() {
        ObjectNode root = Json.obj().put("status", "healthy");
        ArrayNode comps = root.putArray("components");
        for (String c : List.of("core", "database", "jobservice", "portal", "redis", "registry", "registryctl")) {
            comps.addObject().put("name", c).put("status", "healthy");
        }
        return Response.ok(root);
    }

    private Response systemInfo(Request r) {
        ObjectNode o = Json.obj().put("auth_mode", "db_auth").put("primary_auth_mode", false)
                .put("self_registration", false).put("banner_message", "").put("oidc_provider_name", "");
        if (!r.principal.isAnonymous()) { // sys.systeminfo.anon, auth.wrongpw.sysinfo: no version for anonymous
            o.put("harbor_version", "v2.15.2-emulator").put("external_url", "https://" + options.externalHost())
                    .put("registry_url", options.externalHost()).put("current_time", Json.time(Instant.now()))
                    .put("read_only", false).put("notification_enable", true)
                    .put("project_creation_restriction", "everyone").put("has_ca_root", false)
                    .put("registry_storage_provider_name", "filesystem");
        }
        return Response.ok(o);
    }

    // ------------------------------------------------------------------ projects (api-notes 4)

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
        Long role = who == null || who.isRobot() ? null : site.members.values().stream()
                .filter(m -> m.projectId == p.id && m.entityType.equals("u") && m.entityId == who.userId())
                .map(m -> m.role).findFirst().orElse(null);
        if (role != null) o.put("current_user_role_id", role).putArray("current_user_role_ids").add(role);
        else if (who != null) o.putNull("current_user_role_ids"); // Go's nil slice: robots, anonymous (steps dsync.get, auth.none.getpublic)
        if (!detail) {
            o.putObject("cve_allowlist").put("creation_time", Json.time(ZERO_TIME)).putNull("items") // step proj.list.nodetail
                    .put("update_time", Json.time(ZERO_TIME));
        }
        if (detail) {
            o.put("owner_name", p.ownerName);
            o.set("metadata", metaJson(p.metadata));
            SiteData.Allowlist a = p.allowlist;
            ObjectNode al = o.putObject("cve_allowlist").put("id", a.id).put("project_id", p.id);
            ArrayNode items = al.putArray("items");
            a.items.forEach(cve -> items.addObject().put("cve_id", cve));
            if (a.expiresAt != null) al.put("expires_at", a.expiresAt);
            al.put("creation_time", Json.time(ZERO_TIME)).put("update_time", Json.time(a.updated));
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
                && (r.principal.admin() || canAccess(r.principal, p) || "true".equals(p.metadata.get("public")));
        for (Map.Entry<String, String> t : r.qTerms()) {
            if (!t.getKey().equals("name")) continue; // other keys: not modelled, ignored like unknown keys
            String v = t.getValue();
            filter = filter.and(v.startsWith("~") ? p -> p.name.contains(v.substring(1)) : p -> p.name.equals(v));
        }
        List<SiteData.Project> list = site.projects.values().stream().filter(filter)
                .sorted(Comparator.comparing(p -> p.name)).toList();
        return page(r, list, p -> projectJson(p, detail, r.principal));
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
        return Response.created(BASE + "/projects/" + (nameInLocation ? name : String.valueOf(p.id)));
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
        return Response.empty();
    }

    private Response deleteProject(Request r, SiteData.Project p) {
        if (!site.repositoriesOf(p.id).isEmpty()) {
            throw ApiError.precondition("the project contains repositories, can not be deleted");
        }
        site.projects.remove(p.id);
        site.quotas.values().removeIf(q -> q.projectId == p.id);
        site.members.values().removeIf(m -> m.projectId == p.id);
        site.webhookPolicies.values().removeIf(w -> w.projectId == p.id);
        site.immutableRules.values().removeIf(x -> x.projectId == p.id); // labels stay (observations §4)
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

    // ------------------------------------------------------------------ quotas

    private ObjectNode quotaJson(SiteData.Quota q) {
        SiteData.Project p = site.projects.get(q.projectId);
        ObjectNode o = Json.obj().put("id", q.id);
        o.putObject("ref").put("id", q.projectId).put("name", p == null ? "" : p.name).put("owner_name", ""); // step quota.list
        o.putObject("hard").put("storage", q.hardStorage);
        o.putObject("used").put("storage", 0);
        o.put("creation_time", Json.time(q.created)).put("update_time", Json.time(q.updated));
        return o;
    }

    private SiteData.Quota quota(String id) {
        SiteData.Quota q = isLong(id) ? site.quotas.get(Long.parseLong(id)) : null;
        if (q == null) throw ApiError.notFound("quota " + id + " not found");
        return q;
    }

    private Response listQuotas(Request r) {
        String ref = r.param("reference"), refId = r.param("reference_id");
        List<SiteData.Quota> list = site.quotas.values().stream()
                .filter(q -> ref == null || ref.equals("project"))
                .filter(q -> refId == null || String.valueOf(q.projectId).equals(refId))
                .sorted(Comparator.comparingLong((SiteData.Quota q) -> q.id).reversed()).toList(); // newest first (quota.list.noref)
        return page(r, list, this::quotaJson);
    }

    private Response updateQuota(Request r, SiteData.Quota q) {
        ObjectNode body = Json.requireObject(r.json(), "hard");
        ObjectNode hard = Json.object(body, "hard", "hard");
        Long storage = hard == null ? null : Json.lng(hard, "hard.hard", "storage");
        if (storage == null) throw ApiError.badRequest("hard.storage is required");
        if (storage != -1 && storage <= 0) throw ApiError.badRequest("invalid storage limit " + storage);
        q.hardStorage = storage;
        q.updated = Instant.now();
        return Response.empty();
    }

    // ------------------------------------------------------------------ members (api-notes 5; never audited in v2.15.2)

    private SiteData.Member addMemberRow(long projectId, String type, long entityId, String entityName, long role) {
        SiteData.Member m = new SiteData.Member();
        m.id = site.next("member");
        m.projectId = projectId;
        m.entityType = type;
        m.entityId = entityId;
        m.entityName = entityName;
        m.role = role;
        site.members.put(m.id, m);
        return m;
    }

    private ObjectNode memberJson(SiteData.Member m) {
        return Json.obj().put("id", m.id).put("project_id", m.projectId).put("entity_name", m.entityName)
                .put("role_name", ROLES.get(m.role)).put("role_id", m.role).put("entity_id", m.entityId)
                .put("entity_type", m.entityType);
    }

    /**
     * The list joins on the role, so a member with a role id outside Harbor's roles is not listed; X-Total-Count
     * counts every member row of the project, whatever {@code entityname} says and hidden ones included
     * (observations §1, steps mem.list.entity, mem.list.entitypart, mem.list.afterrole9).
     */
    private Response listMembers(Request r, SiteData.Project p) {
        String entity = r.param("entityname");
        List<SiteData.Member> rows = site.members.values().stream().filter(m -> m.projectId == p.id).toList();
        List<SiteData.Member> list = rows.stream().filter(m -> ROLES.containsKey(m.role))
                .filter(m -> entity == null || entity.isEmpty() || m.entityName.equals(entity)).toList();
        return page(r, list, rows.size(), this::memberJson);
    }

    private Response addMember(Request r, SiteData.Project p, String asGiven) {
        ObjectNode body = Json.requireObject(r.json(), "projectMember");
        Long role = Json.lng(body, "projectMember", "role_id");
        ObjectNode mu = Json.object(body, "projectMember", "member_user");
        ObjectNode mg = Json.object(body, "projectMember", "member_group");
        Long userId = Json.lng(mu, "projectMember.member_user", "user_id");
        String username = Json.str(mu, "projectMember.member_user", "username");
        Long groupId = Json.lng(mg, "projectMember.member_group", "id");
        String groupName = Json.str(mg, "projectMember.member_group", "group_name");
        Long groupType = Json.lng(mg, "projectMember.member_group", "group_type");
        String dn = Json.str(mg, "projectMember.member_group", "ldap_group_dn");
        if (role == null || !ROLES.containsKey(role)) throw ApiError.badRequest("Failed to update project member, role is not in 1,2,3");
        String type;
        long entityId;
        String entityName;
        if (userId != null && userId > 0) {
            SiteData.User u = site.users.get(userId);
            if (u == null) throw ApiError.badRequest("user " + userId + " is not found");
            type = "u"; entityId = u.id; entityName = u.username;
        } else if (groupId != null && groupId > 0) {
            SiteData.Group g = site.groups.get(groupId);
            if (g == null) throw ApiError.badRequest("group " + groupId + " is not found");
            type = "g"; entityId = g.id; entityName = g.name;
        } else if (username != null && !username.isEmpty()) {
            SiteData.User u = site.userByName(username); // db_auth: no onboarding
            if (u == null) throw ApiError.notFound("user " + username + " is not found");
            type = "u"; entityId = u.id; entityName = u.username;
        } else if (dn != null && !dn.isEmpty()) {
            SiteData.Group g = site.groups.values().stream().filter(x -> x.type == 1 && dn.equals(x.ldapDn)).findFirst()
                    .orElseThrow(() -> ApiError.notFound("LDAP group " + dn + " is not found"));
            type = "g"; entityId = g.id; entityName = g.name;
        } else if (groupName != null && !groupName.isEmpty()) {
            int gt = groupType == null ? 0 : groupType.intValue();
            SiteData.Group g = site.groups.values().stream().filter(x -> x.name.equals(groupName) && (gt == 0 || x.type == gt))
                    .findFirst().orElse(null);
            if (g == null && gt == 3) g = addGroupRow(groupName, 3, null); // OIDC groups are auto-created
            if (g == null) throw ApiError.notFound("group " + groupName + " is not found");
            type = "g"; entityId = g.id; entityName = g.name;
        } else {
            // neither a user nor a group: Harbor fails inside (step mem.add.nouser)
            throw new ApiError(500, "UNKNOWN", "internal server error");
        }
        for (SiteData.Member m : site.members.values()) {
            if (m.projectId == p.id && m.entityType.equals(type) && m.entityId == entityId) {
                throw ApiError.conflict("The project member specified already exist");
            }
        }
        SiteData.Member m = addMemberRow(p.id, type, entityId, entityName, role);
        auditMember(r, "create", m, p);
        return Response.created(BASE + "/projects/" + asGiven + "/members/" + m.id);
    }

    /** Only Harbors newer than v2.15.2 log member changes (src/pkg/auditext/event/member/member.go on main). */
    private void auditMember(Request r, String op, SiteData.Member m, SiteData.Project p) {
        if (!options.memberAuditEvents()) return;
        String what = "u".equals(m.entityType) ? "user" : "group";
        audit.record(r.username(), "member", op, m.entityName, p.id,
                op + " " + what + " member " + m.entityName + " in project " + p.name);
    }

    SiteData.Group addGroupRow(String name, int type, String dn) {
        SiteData.Group g = new SiteData.Group();
        g.id = site.next("group");
        g.name = name;
        g.type = type;
        g.ldapDn = dn;
        site.groups.put(g.id, g);
        return g;
    }

    private SiteData.Member member(SiteData.Project p, String mid) {
        if (!isLong(mid)) throw ApiError.unprocessable("mid in path must be of type int64: \"" + mid + "\"");
        SiteData.Member m = site.members.get(Long.parseLong(mid));
        return m != null && m.projectId == p.id ? m : null;
    }

    private Response getMember(SiteData.Project p, String mid) {
        SiteData.Member m = member(p, mid);
        if (m == null || !ROLES.containsKey(m.role)) {
            throw ApiError.notFound("the project member is not found, project id " + p.id + ", member id " + mid);
        }
        return Response.ok(memberJson(m));
    }

    private Response updateMember(Request r, SiteData.Project p, String mid) {
        SiteData.Member m = member(p, mid);
        JsonNode body = r.json();
        Long role = body == null ? null : Json.lng(body, "role", "role_id");
        if (m != null && role != null) m.role = role; // no validation, no existence check (api-notes 5)
        if (m != null) auditMember(r, "update", m, p);
        return Response.empty();
    }

    private Response deleteMember(Request r, SiteData.Project p, String mid) {
        SiteData.Member m = member(p, mid);
        if (m != null) site.members.remove(m.id);
        if (m != null) auditMember(r, "delete", m, p);
        return Response.empty();
    }

    // ------------------------------------------------------------------ repositories, artifacts, tags (api-notes 6)

    /** The repository segment was decoded once with the path; Harbor unescapes it once more. */
    private SiteData.Repository repo(Request r, Map<String, String> params) {
        SiteData.Project p = projectByName(r, params.get("p"));
        String name = Request.pathUnescape(params.get("r"));
        SiteData.Repository repo = site.repository(p.id, p.name + "/" + name);
        if (repo == null) throw ApiError.notFound("repository " + p.name + "/" + name + " not found");
        return repo;
    }

    private ObjectNode repoJson(SiteData.Repository repo) {
        return Json.obj().put("id", repo.id).put("project_id", repo.projectId).put("name", repo.name)
                .put("artifact_count", site.artifactsOf(repo.id).size()).put("pull_count", 0) // no description (repo.get)
                .put("creation_time", Json.time(repo.created)).put("update_time", Json.time(repo.updated));
    }

    private Response listRepositories(Request r, SiteData.Project p) {
        Predicate<SiteData.Repository> filter = x -> true;
        for (Map.Entry<String, String> t : r.qTerms()) {
            if (!t.getKey().equals("name")) continue;
            String v = t.getValue();
            filter = filter.and(v.startsWith("~") ? x -> x.name.contains(v.substring(1)) : x -> x.name.equals(v));
        }
        // newest first, as Harbor lists them (observations §1 "list order", step repo.list)
        List<SiteData.Repository> list = site.repositoriesOf(p.id).stream().filter(filter)
                .sorted(Comparator.comparing((SiteData.Repository x) -> x.created).thenComparingLong(x -> x.id).reversed())
                .toList();
        return page(r, list, this::repoJson);
    }

    private SiteData.Artifact artifact(SiteData.Repository repo, String ref) {
        SiteData.Artifact a = site.artifact(repo.id, ref);
        if (a == null) throw ApiError.notFound("artifact " + repo.name + (ref.contains(":") ? "@" : ":") + ref + " not found");
        return a;
    }

    private ObjectNode tagJson(SiteData.Tag t, SiteData.Artifact a, SiteData.Repository repo) {
        return Json.obj().put("id", t.id).put("repository_id", repo.id).put("artifact_id", a.id).put("name", t.name)
                .put("push_time", Json.time(t.pushTime)).put("pull_time", Json.time(ZERO_TIME)).put("immutable", false);
    }

    private ObjectNode artifactJson(SiteData.Artifact a, SiteData.Repository repo, boolean withTag) {
        ObjectNode o = Json.obj().put("id", a.id).put("type", "IMAGE")
                .put("media_type", "application/vnd.oci.image.config.v1+json")
                .put("manifest_media_type", "application/vnd.oci.image.manifest.v1+json")
                .put("project_id", repo.projectId).put("repository_id", repo.id).put("repository_name", repo.name)
                .put("digest", a.digest).put("size", 0).put("icon", "sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06")
                .put("push_time", Json.time(a.pushTime)).put("pull_time", Json.time(ZERO_TIME));
        // fields Harbor adds to every artifact (observations §1 "field shapes", steps art.*), with its Go nil slices as
        // JSON null (accessories, labels, references, and tags when not asked for or none) and the extra_attrs of an
        // image config without those fields: both outside the spec, see testsupport.HarborSpec's whitelist.
        o.putNull("accessories").putNull("labels");
        o.putObject("extra_attrs").put("architecture", "").put("author", "").put("created", "0001-01-01T00:00:00Z")
                .put("os", "").putObject("config");
        o.put("artifact_type", "application/vnd.oci.image.config.v1+json");
        o.putObject("addition_links").putObject("build_history").put("absolute", false).put("href", BASE + "/projects/"
                + repo.name.substring(0, repo.name.indexOf('/')) + "/repositories/"
                + repo.name.substring(repo.name.indexOf('/') + 1).replace("/", "%252F") + "/artifacts/" + a.digest
                + "/additions/build_history");
        o.putNull("references");
        if (withTag && !a.tags.isEmpty()) {
            ArrayNode tags = o.putArray("tags");
            newestFirst(a.tags).forEach(t -> tags.add(tagJson(t, a, repo)));
        } else {
            o.putNull("tags"); // step art.get.digest.notag
        }
        return o;
    }

    /** Tags newest first, as Harbor lists them (steps tag.list.tagc, tag.list.after). */
    private static List<SiteData.Tag> newestFirst(List<SiteData.Tag> tags) {
        return tags.stream().sorted(Comparator.comparing((SiteData.Tag t) -> t.pushTime).thenComparingLong(t -> t.id)
                .reversed()).toList();
    }

    /** Artifacts newest push first, as Harbor lists them (observations §1 "list order", step art.list). */
    private Response listArtifacts(Request r, Map<String, String> params) {
        SiteData.Project p = projectByName(r, params.get("p"));
        SiteData.Repository repo = site.repository(p.id, p.name + "/" + Request.pathUnescape(params.get("r")));
        if (repo == null) return page(r, List.of(), this::repoJson); // 200 [], not 404 (step art.get.missingrepo)
        boolean withTag = !Boolean.FALSE.equals(r.boolParam("with_tag"));
        List<SiteData.Artifact> list = site.artifactsOf(repo.id).stream()
                .sorted(Comparator.comparing((SiteData.Artifact a) -> a.pushTime).thenComparingLong(a -> a.id).reversed())
                .toList();
        return page(r, list, a -> decorated(r, artifactJson(a, repo, withTag), a, repo));
    }

    /** {@code with_label} and {@code with_immutable_status} (observations §4, §5). */
    private ObjectNode decorated(Request r, ObjectNode o, SiteData.Artifact a, SiteData.Repository repo) {
        if (Boolean.TRUE.equals(r.boolParam("with_label"))) labels.decorate(o, a);
        if (Boolean.TRUE.equals(r.boolParam("with_immutable_status"))) immutableRules.decorate(o, repo);
        return o;
    }

    private Response deleteArtifact(Request r, Map<String, String> params) {
        SiteData.Repository repo = repo(r, params);
        SiteData.Artifact a = artifact(repo, params.get("ref"));
        immutableRules.refuseDelete(repo, a.tags.stream().map(t -> t.name).toList());
        removeArtifact(r.username(), r.requestId, repo, a, true);
        return Response.empty();
    }

    /** Deletes the whole artifact with its tags: one DELETE_ARTIFACT (first tag) and one artifact/delete row. */
    private void removeArtifact(String operator, String requestId, SiteData.Repository repo, SiteData.Artifact a, boolean repoStays) {
        site.artifacts.remove(a.id);
        audit.record(operator, "artifact", "delete", repo.name + "@" + a.digest, repo.projectId);
        String tag = a.tags.isEmpty() ? null : a.tags.get(0).name;
        fireArtifactEvent("DELETE_ARTIFACT", repo, a.digest, tag, repoStays, operator, requestId);
    }

    private Response deleteRepository(Request r, SiteData.Repository repo) {
        // the repository row goes first, so the payloads carry no date_created (webhook-samples README)
        site.repositories.remove(repo.id);
        for (SiteData.Artifact a : site.artifactsOf(repo.id)) removeArtifact(r.username(), r.requestId, repo, a, false);
        audit.record(r.username(), "repository", "delete", repo.name, repo.projectId);
        return Response.empty();
    }

    /** A tag as the distribution reference grammar has it: at most 128 word characters, dots and dashes. */
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");

    /**
     * A tag is unique in its repository: one on another artifact is a 409 as on this one, never moved (a push moves
     * tags, the API does not). 201 without Location; an invalid name 400 (observations §11, steps tag.create.*).
     */
    private Response createTag(Request r, Map<String, String> params) {
        SiteData.Repository repo = repo(r, params);
        SiteData.Artifact a = artifact(repo, params.get("ref"));
        ObjectNode body = Json.requireObject(r.json(), "tag");
        String name = Json.str(body, "tag", "name");
        if (name == null || !TAG.matcher(name).matches()) {
            throw ApiError.badRequest("bad request: invalid tag name: " + (name == null ? "" : name));
        }
        for (SiteData.Artifact any : site.artifactsOf(repo.id)) {
            if (any.tags.stream().anyMatch(t -> t.name.equals(name))) {
                throw ApiError.conflict("tag " + name + " already exists under the repository " + repo.id);
            }
        }
        moveTag(repo, a, name);
        audit.record(r.username(), "tag", "create", repo.name + ":" + name, repo.projectId); // no webhook (api-notes 0)
        return Response.status(201);
    }

    private void moveTag(SiteData.Repository repo, SiteData.Artifact target, String name) {
        for (SiteData.Artifact other : site.artifactsOf(repo.id)) {
            if (other != target) other.tags.removeIf(t -> t.name.equals(name));
        }
        if (target.tags.stream().noneMatch(t -> t.name.equals(name))) {
            SiteData.Tag t = new SiteData.Tag();
            t.id = site.next("tag");
            t.name = name;
            t.pushTime = Instant.now();
            target.tags.add(t);
        }
    }

    private Response deleteTag(Request r, Map<String, String> params) {
        SiteData.Repository repo = repo(r, params);
        SiteData.Artifact a = artifact(repo, params.get("ref"));
        String name = params.get("tag");
        if (a.tags.stream().noneMatch(t -> t.name.equals(name))) {
            throw ApiError.notFound("tag " + name + " attached to artifact " + a.id + " not found");
        }
        immutableRules.refuseDelete(repo, List.of(name));
        a.tags.removeIf(t -> t.name.equals(name));
        audit.record(r.username(), "tag", "delete", repo.name + ":" + name, repo.projectId); // no webhook
        return Response.empty();
    }

    /** A push as the registry would record it: repository created on demand, tags moved, one PUSH_ARTIFACT. */
    String push(String operator, String requestId, String projectName, String repository, String digest, List<String> tags) {
        SiteData.Project p = site.projectByName(projectName);
        if (p == null) throw ApiError.notFound("project " + projectName + " not found");
        if (repository == null || repository.isEmpty()) throw ApiError.badRequest("repository is required");
        String d = digest == null || digest.isEmpty() ? randomDigest() : digest;
        if (!d.matches("sha256:[0-9a-f]{64}")) throw ApiError.badRequest("invalid digest " + d);
        Instant now = Instant.now();
        String full = p.name + "/" + repository;
        SiteData.Repository repo = site.repository(p.id, full);
        if (repo != null) immutableRules.refusePush(repo, d, tags);
        if (repo == null) {
            repo = new SiteData.Repository();
            repo.id = site.next("repository");
            repo.projectId = p.id;
            repo.name = full;
            repo.created = now;
            site.repositories.put(repo.id, repo);
        }
        repo.updated = now;
        SiteData.Artifact a = site.artifact(repo.id, d);
        if (a == null) {
            a = new SiteData.Artifact();
            a.id = site.next("artifact");
            a.repoId = repo.id;
            a.digest = d;
            site.artifacts.put(a.id, a);
        }
        a.pushTime = now;
        for (String t : tags) moveTag(repo, a, t);
        String tag = tags.isEmpty() ? null : tags.get(0);
        // resource repo:tag, description by digest (observations §10)
        audit.record(operator, "artifact", "create", tag == null ? full + "@" + d : full + ":" + tag, p.id,
                "push artifact: " + full + "@" + d);
        fireArtifactEvent("PUSH_ARTIFACT", repo, d, tag, true, operator, requestId);
        return d;
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
        addMemberRow(p.id, "u", owner.id, owner.username, 1);
        return p;
    }

    /**
     * Bulk load for benchmarks: the project as Harbor holds it after the admin created it (owner as projectAdmin
     * member, quota unlimited, empty allowlist), with its members and content, straight into the site data: no
     * audit rows, no webhooks, and none of the per-item scans a push does, so a large dataset loads in moments.
     * Users named as members are created (without password) when missing. Caller holds the site lock.
     */
    void seedProject(String name, Map<String, String> metadata, Map<String, Integer> memberRoles,
                     Map<String, Map<String, List<String>>> repositories) {
        if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("bad project name " + name);
        if (site.projectByName(name) != null) throw new IllegalArgumentException("project " + name + " exists");
        Instant now = Instant.now();
        SiteData.User owner = site.userByName(options.adminUsername());
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.putIfAbsent("public", "false");
        SiteData.Project p = insertProject(name, owner, meta, 0, -1, now);
        memberRoles.forEach((username, role) -> {
            if (!ROLES.containsKey((long) role)) throw new IllegalArgumentException("no role " + role);
            if (username.equals(owner.username)) throw new IllegalArgumentException("the owner is always a member");
            SiteData.User u = site.userByName(username);
            if (u == null) u = addUserRow(username, null);
            addMemberRow(p.id, "u", u.id, u.username, role);
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

    // ------------------------------------------------------------------ webhooks (api-notes 2)

    private void fireArtifactEvent(String type, SiteData.Repository repo, String digest, String tag, boolean repoStays,
                                   String operator, String requestId) {
        SiteData.Project p = site.projects.get(repo.projectId);
        long occurAt = Instant.now().getEpochSecond();
        ObjectNode data = Json.obj();
        ArrayNode resources = data.putArray("resources");
        String url = options.externalHost() + "/" + repo.name + (tag == null ? "@" + digest : ":" + tag);
        resources.addObject().put("digest", digest).put("tag", tag == null ? digest : tag).put("resource_url", url);
        ObjectNode rj = data.putObject("repository");
        if (repoStays) rj.put("date_created", repo.created.getEpochSecond());
        rj.put("name", repo.name.substring(repo.name.indexOf('/') + 1)).put("namespace", p.name)
                .put("repo_full_name", repo.name).put("repo_type", "true".equals(p.metadata.get("public")) ? "public" : "private");
        for (SiteData.WebhookPolicy w : site.webhookPolicies.values()) {
            if (w.projectId != p.id || !w.enabled || !w.eventTypes.contains(type)) continue;
            w.lastTriggered.put(type, Instant.now());
            for (JsonNode t : w.targets) {
                if (!"http".equals(t.path("type").asText())) continue; // slack is not emulated
                String format = t.path("payload_format").asText("Default");
                byte[] body;
                String contentType;
                if (format.equals("CloudEvents")) {
                    ObjectNode ce = Json.obj().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
                            .put("source", "/projects/" + p.id + "/webhook/policies/" + w.id)
                            .put("type", type.equals("PUSH_ARTIFACT") ? "harbor.artifact.pushed" : "harbor.artifact.deleted")
                            .put("datacontenttype", "application/json")
                            .put("time", Instant.ofEpochSecond(occurAt).toString());
                    ce.set("data", data);
                    ce.put("operator", operator).put("requestid", requestId == null ? "" : requestId);
                    body = Json.bytes(ce);
                    contentType = "application/cloudevents+json";
                } else {
                    ObjectNode d = Json.obj().put("type", type).put("occur_at", occurAt).put("operator", operator);
                    d.set("event_data", data);
                    body = Json.bytes(d);
                    contentType = "application/json";
                }
                webhooks.send(t.path("address").asText(), t.path("auth_header").asText(""), contentType, body, type, format,
                        webhookExecutions.started(w, type, body));
            }
        }
    }

    /**
     * Real Harbor's shape (observations §7, steps hook.get, hook.get.afterupdate): keys in the swagger model's order,
     * no {@code creator}, empty name/description, {@code auth_header} and false {@code skip_cert_verify} omitted.
     */
    private ObjectNode webhookJson(SiteData.WebhookPolicy w) {
        ObjectNode o = Json.obj().put("creation_time", Json.time(w.created));
        if (!w.description.isEmpty()) o.put("description", w.description);
        o.put("enabled", w.enabled);
        ArrayNode et = o.putArray("event_types");
        w.eventTypes.forEach(et::add);
        o.put("id", w.id);
        if (!w.name.isEmpty()) o.put("name", w.name);
        o.put("project_id", w.projectId);
        ArrayNode targets = o.putArray("targets");
        for (JsonNode t : w.targets) {
            ObjectNode tn = targets.addObject().put("address", t.path("address").asText());
            if (!t.path("auth_header").asText().isEmpty()) tn.put("auth_header", t.path("auth_header").asText());
            if (t.has("payload_format")) tn.put("payload_format", t.path("payload_format").asText());
            if (t.path("skip_cert_verify").asBoolean()) tn.put("skip_cert_verify", true);
            tn.put("type", t.path("type").asText());
        }
        o.put("update_time", Json.time(w.updated));
        return o;
    }

    private SiteData.WebhookPolicy webhookPolicy(SiteData.Project p, String id) {
        SiteData.WebhookPolicy w = isLong(id) ? site.webhookPolicies.get(Long.parseLong(id)) : null;
        if (w == null || w.projectId != p.id) throw ApiError.notFound("notificationPolicy " + id + " not found");
        return w;
    }

    private Response listWebhookPolicies(Request r, SiteData.Project p) {
        return page(r, site.webhookPolicies.values().stream().filter(w -> w.projectId == p.id).toList(), this::webhookJson);
    }

    /**
     * Create and PUT alike (observations §7, Harbor's webhook handler): event types are checked first, then the
     * targets (address parsed as Harbor's utils.ParseEndpoint does, then type and format), then the name is unique in
     * the project. A nameless policy is allowed; {@code enabled} absent means false; PUT replaces every field.
     */
    private void fillWebhookPolicy(SiteData.WebhookPolicy w, ObjectNode body, SiteData.Project p) {
        String given = Json.str(body, "policy", "name");
        String name = given == null ? "" : given;
        List<String> types = new ArrayList<>();
        ArrayNode et = Json.array(body, "policy", "event_types");
        if (et == null || et.isEmpty()) throw ApiError.badRequest("empty event type");
        for (JsonNode t : et) {
            if (!EVENT_TYPES.contains(t.asText())) throw ApiError.badRequest("unsupported event type " + t.asText());
            types.add(t.asText());
        }
        ArrayNode targets = Json.arr();
        ArrayNode ts = Json.array(body, "policy", "targets");
        if (ts == null || ts.isEmpty()) throw ApiError.badRequest("empty notification target with policy " + name);
        for (JsonNode t : ts) {
            String type = Json.str(t, "policy.targets", "type");
            String address = Json.str(t, "policy.targets", "address");
            String format = Json.str(t, "policy.targets", "payload_format");
            Boolean skip = Json.bool(t, "policy.targets", "skip_cert_verify");
            String auth = Json.str(t, "policy.targets", "auth_header");
            String endpoint = parseEndpoint(address == null ? "" : address);
            if (!"http".equals(type) && !"slack".equals(type)) {
                throw ApiError.badRequest("unsupported target type " + type + " with policy " + name);
            }
            boolean hasFormat = format != null && !format.isEmpty();
            if (type.equals("slack") && hasFormat) throw ApiError.badRequest("set payload format is not allowed for slack");
            if (hasFormat && !Set.of("Default", "CloudEvents").contains(format)) {
                throw ApiError.badRequest("unsupported payload format type: " + format);
            }
            ObjectNode tn = targets.addObject().put("type", type).put("address", endpoint)
                    .put("auth_header", auth == null ? "" : auth).put("skip_cert_verify", skip != null && skip);
            if (type.equals("http") || hasFormat) tn.put("payload_format", hasFormat ? format : "Default");
        }
        if (!name.isEmpty()) {
            for (SiteData.WebhookPolicy o : site.webhookPolicies.values()) {
                if (o != w && o.projectId == p.id && o.name.equals(name)) {
                    throw ApiError.conflict("notification policy named " + name + " already exists");
                }
            }
        }
        String desc = Json.str(body, "policy", "description");
        Boolean enabled = Json.bool(body, "policy", "enabled");
        w.name = name;
        w.description = desc == null ? "" : desc;
        w.enabled = enabled != null && enabled;
        w.eventTypes = types;
        w.targets = targets;
    }

    /**
     * Harbor's utils.ParseEndpoint: spaces and trailing slashes trimmed, no scheme means http, only http and https
     * pass, and what is kept is scheme://host/path (the query goes, against SSRF). Go's url.ParseRequestURI refuses a
     * space in the host.
     */
    private static String parseEndpoint(String address) {
        String s = address.strip().replaceAll("/+$", "");
        if (s.isEmpty()) throw ApiError.badRequest("empty URL");
        if (!s.contains("://")) s = "http://" + s;
        String scheme = s.substring(0, s.indexOf("://"));
        if (!scheme.equals("http") && !scheme.equals("https")) throw ApiError.badRequest("invalid scheme: " + scheme);
        try {
            java.net.URI u = new java.net.URI(s);
            if (u.getRawAuthority() == null || u.getRawAuthority().isEmpty()) {
                throw ApiError.badRequest("parse \"" + s + "\": empty host");
            }
            return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (java.net.URISyntaxException e) {
            throw ApiError.badRequest("parse \"" + s + "\": invalid character \" \" in host name");
        }
    }

    private Response createWebhookPolicy(Request r, SiteData.Project p, String asGiven) {
        ObjectNode body = Json.requireObject(r.json(), "policy");
        SiteData.WebhookPolicy w = new SiteData.WebhookPolicy();
        fillWebhookPolicy(w, body, p);
        w.id = site.next("webhook");
        w.projectId = p.id;
        w.creator = r.username();
        w.created = w.updated = Instant.now();
        site.webhookPolicies.put(w.id, w);
        return Response.created(BASE + "/projects/" + asGiven + "/webhook/policies/" + w.id);
    }

    /** Observations §7: every PUT zeroes creation_time and leaves update_time as it was (step hook.get.afterupdate). */
    private Response updateWebhookPolicy(Request r, SiteData.Project p, String id) {
        SiteData.WebhookPolicy w = webhookPolicy(p, id);
        fillWebhookPolicy(w, Json.requireObject(r.json(), "policy"), p);
        w.created = ZERO_TIME;
        return Response.empty();
    }

    /**
     * One entry per (policy, event type) of the project (Harbor's constructPolicyWithTriggerTime): a nameless policy's
     * policy_name omitted, zero time when it never fired; no X-Total-Count (step next.lasttrigger).
     */
    private Response lastTrigger(SiteData.Project p) {
        ArrayNode arr = Json.arr();
        for (SiteData.WebhookPolicy w : site.webhookPolicies.values()) {
            if (w.projectId != p.id) continue;
            for (String type : w.eventTypes) {
                ObjectNode o = arr.addObject().put("creation_time", Json.time(w.created)).put("enabled", w.enabled)
                        .put("event_type", type);
                o.put("last_trigger_time", Json.time(w.lastTriggered.getOrDefault(type, ZERO_TIME)));
                if (!w.name.isEmpty()) o.put("policy_name", w.name);
            }
        }
        return Response.ok(arr);
    }

    private Response webhookEvents(SiteData.Project p) {
        ObjectNode o = Json.obj();
        ArrayNode et = o.putArray("event_type");
        EVENT_TYPES.forEach(et::add);
        o.putArray("notify_type").add("http").add("slack");
        ArrayNode pf = o.putArray("payload_formats");
        ObjectNode http = pf.addObject(); // only http takes a payload format (step hook.events)
        http.putArray("formats").add("Default").add("CloudEvents");
        http.put("notify_type", "http");
        return Response.ok(o);
    }

    // ------------------------------------------------------------------ for LabelsApi, ImmutableRulesApi, RetentionsApi

    SiteData.Project projectOf(Request r, String nameOrId) { return project(r, nameOrId); }

    SiteData.Repository repositoryOf(Request r, Map<String, String> params) { return repo(r, params); }

    SiteData.Artifact artifactOf(SiteData.Repository repo, String ref) { return artifact(repo, ref); }

    SiteData.WebhookPolicy webhookPolicyOf(Request r, String project, String id) { return webhookPolicy(project(r, project), id); }

    // ------------------------------------------------------------------ registries, replication (api-notes 7.2, 7.3)

    private SiteData.Doc doc(Map<Long, SiteData.Doc> docs, String id, String what) {
        SiteData.Doc d = isLong(id) ? docs.get(Long.parseLong(id)) : null;
        if (d == null) throw ApiError.notFound(what + " " + id + " not found");
        return d;
    }

    private Response listDocs(Request r, Map<Long, SiteData.Doc> docs, Function<SiteData.Doc, JsonNode> f) {
        requireSysadminOrRobot(r);
        String name = r.param("name");
        for (Map.Entry<String, String> t : r.qTerms()) if (t.getKey().equals("name")) name = t.getValue();
        String n = name;
        List<SiteData.Doc> list = docs.values().stream()
                .filter(d -> n == null || (n.startsWith("~") ? d.json.path("name").asText().contains(n.substring(1))
                        : d.json.path("name").asText().equals(n))).toList();
        return page(r, list, f);
    }

    /** Newest first, and {@code name} a substring match (observations §1, steps repl.list, repl.list.q). */
    private Response listPolicies(Request r) {
        requireSysadminOrRobot(r);
        String name = r.param("name");
        Predicate<SiteData.Doc> filter = d -> name == null || d.json.path("name").asText().contains(name);
        for (Map.Entry<String, String> t : r.qTerms()) {
            if (!t.getKey().equals("name")) continue;
            String v = t.getValue();
            filter = filter.and(v.startsWith("~") ? d -> d.json.path("name").asText().contains(v.substring(1))
                    : d -> d.json.path("name").asText().equals(v));
        }
        List<SiteData.Doc> list = site.replicationPolicies.values().stream().filter(filter)
                .sorted(Comparator.comparingLong((SiteData.Doc d) -> d.id).reversed()).toList();
        return page(r, list, this::policyJson);
    }

    private Response deleteDoc(Request r, Map<Long, SiteData.Doc> docs, String id, String what) {
        requireSysadminOrRobot(r);
        docs.remove(doc(docs, id, what).id);
        return Response.empty();
    }

    private boolean nameTaken(Map<Long, SiteData.Doc> docs, String name, long exceptId) {
        return docs.values().stream().anyMatch(d -> d.id != exceptId && d.json.path("name").asText().equals(name));
    }

    private ObjectNode registryJson(SiteData.Doc d) {
        ObjectNode o = d.json.deepCopy();
        if (o.path("ca_certificate").asText("").isEmpty()) o.remove("ca_certificate"); // omitted when empty (step reg.get)
        JsonNode cred = o.get("credential");
        if (cred instanceof ObjectNode c && c.hasNonNull("access_secret") && !c.get("access_secret").asText().isEmpty()) {
            c.put("access_secret", "*****");
        }
        return o;
    }

    private Response createRegistry(Request r) {
        requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "registry");
        String name = Json.str(body, "registry", "name");
        String url = Json.str(body, "registry", "url");
        String type = Json.str(body, "registry", "type");
        Boolean insecure = Json.bool(body, "registry", "insecure");
        ObjectNode cred = Json.object(body, "registry", "credential");
        if (name == null || name.isEmpty()) throw ApiError.badRequest("name is required");
        if (url == null || url.isEmpty()) throw ApiError.badRequest("url is required");
        if (type == null || type.isEmpty()) throw ApiError.badRequest("type is required");
        if (nameTaken(site.registries, name, 0)) throw ApiError.conflict("registry " + name + " already exists");
        SiteData.Doc d = new SiteData.Doc();
        d.id = site.next("registry");
        String now = Json.time(Instant.now());
        d.json = Json.obj().put("id", d.id).put("name", name).put("url", url).put("type", type)
                .put("insecure", insecure != null && insecure)
                .put("ca_certificate", textOr(body, "ca_certificate")).put("description", textOr(body, "description"))
                .put("status", "healthy").put("creation_time", now).put("update_time", now);
        ObjectNode c = d.json.putObject("credential");
        c.put("type", cred == null ? "basic" : textOr(cred, "type", "basic"))
                .put("access_key", textOr(cred, "access_key")).put("access_secret", textOr(cred, "access_secret"));
        site.registries.put(d.id, d);
        return Response.created(BASE + "/registries/" + d.id);
    }

    private static String textOr(JsonNode o, String f) { return textOr(o, f, ""); }

    private static String textOr(JsonNode o, String f, String dflt) {
        return o == null || !o.hasNonNull(f) ? dflt : o.get(f).asText();
    }

    private Response updateRegistry(Request r, SiteData.Doc d) {
        requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "registry");
        String name = Json.str(body, "registry", "name");
        if (name != null && nameTaken(site.registries, name, d.id)) throw ApiError.conflict("registry " + name + " already exists");
        for (String f : List.of("name", "description", "url", "ca_certificate")) {
            String v = Json.str(body, "registry", f);
            if (v != null) d.json.put(f, v);
        }
        Boolean insecure = Json.bool(body, "registry", "insecure");
        if (insecure != null) d.json.put("insecure", insecure);
        ObjectNode c = (ObjectNode) d.json.get("credential");
        String ct = Json.str(body, "registry", "credential_type"), ak = Json.str(body, "registry", "access_key"),
                as = Json.str(body, "registry", "access_secret");
        if (ct != null) c.put("type", ct);
        if (ak != null) c.put("access_key", ak);
        if (as != null) c.put("access_secret", as);
        d.json.put("update_time", Json.time(Instant.now()));
        return Response.empty();
    }

    /**
     * A policy as Harbor answers it (observations §1, steps repl.get*): the local side is the "Local" registry (id 0),
     * {@code deletion} and {@code replicate_deletion} are both set when true and both omitted when false, an empty
     * {@code dest_namespace} is omitted, {@code copy_by_chunk} and {@code single_active_replication} always there.
     */
    private ObjectNode policyJson(SiteData.Doc d) {
        ObjectNode o = d.json.deepCopy();
        for (String side : List.of("src_registry", "dest_registry")) {
            long rid = o.path(side).path("id").asLong(0);
            SiteData.Doc reg = site.registries.get(rid);
            if (reg != null) o.set(side, registryJson(reg));
        }
        boolean pull = o.path("src_registry").path("id").asLong(0) > 0;
        o.set(pull ? "dest_registry" : "src_registry", localRegistryJson());
        boolean deletion = o.path("deletion").asBoolean(false);
        o.remove(List.of("deletion", "replicate_deletion"));
        if (deletion) o.put("deletion", true).put("replicate_deletion", true);
        if (o.path("dest_namespace").asText("").isEmpty()) o.remove("dest_namespace");
        for (String flag : List.of("copy_by_chunk", "single_active_replication")) {
            o.put(flag, o.path(flag).asBoolean(false));
        }
        return o;
    }

    /** The site itself as a replication policy names it. */
    private static ObjectNode localRegistryJson() {
        ObjectNode o = Json.obj().put("creation_time", Json.time(ZERO_TIME));
        o.putObject("credential").put("access_secret", "*****").put("type", "secret");
        return o.put("id", 0).put("insecure", true).put("name", "Local").put("status", "healthy").put("type", "harbor")
                .put("update_time", Json.time(ZERO_TIME)).put("url", "http://127.0.0.1:8080");
    }

    private ObjectNode policyFromBody(ObjectNode body, long id, Instant created) {
        String name = Json.str(body, "policy", "name");
        if (name == null || name.isEmpty()) throw ApiError.badRequest("name is required");
        if (nameTaken(site.replicationPolicies, name, id)) throw ApiError.conflict("policy " + name + " already exists");
        for (String b : List.of("deletion", "replicate_deletion", "override", "enabled", "copy_by_chunk", "single_active_replication")) {
            Json.bool(body, "policy", b);
        }
        for (String side : List.of("src_registry", "dest_registry")) {
            ObjectNode reg = Json.object(body, "policy", side);
            Long rid = reg == null ? null : Json.lng(reg, "policy." + side, "id");
            if (rid != null && rid > 0 && !site.registries.containsKey(rid)) throw ApiError.badRequest("registry " + rid + " not found");
        }
        ObjectNode trigger = Json.object(body, "policy", "trigger");
        if (trigger != null && "event_based".equals(trigger.path("type").asText())
                && body.path("single_active_replication").asBoolean(false)) {
            throw ApiError.badRequest("single_active_replication is not allowed with event_based trigger");
        }
        ObjectNode o = body.deepCopy();
        o.remove("replicate_deletion"); // ignored on input; only `deletion` counts
        o.put("id", id);
        o.put("deletion", body.path("deletion").asBoolean(false));
        o.put("enabled", !body.has("enabled") || body.path("enabled").asBoolean(true));
        o.put("creation_time", Json.time(created)).put("update_time", Json.time(Instant.now()));
        return o;
    }

    private Response createPolicy(Request r) {
        requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "policy");
        SiteData.Doc d = new SiteData.Doc();
        ObjectNode json = policyFromBody(body, 0, Instant.now());
        d.id = site.next("replication_policy");
        json.put("id", d.id);
        d.json = json;
        site.replicationPolicies.put(d.id, d);
        return Response.created(BASE + "/replication/policies/" + d.id);
    }

    private Response updatePolicy(Request r, SiteData.Doc d) {
        requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "policy");
        d.json = policyFromBody(body, d.id, Instant.parse(d.json.path("creation_time").asText()));
        return Response.empty();
    }

    private Response startExecution(Request r) {
        requireSysadminOrRobot(r);
        ObjectNode body = Json.requireObject(r.json(), "execution");
        Long pid = Json.lng(body, "execution", "policy_id");
        if (pid == null || !site.replicationPolicies.containsKey(pid)) throw ApiError.notFound("policy " + pid + " not found");
        SiteData.Doc d = new SiteData.Doc();
        d.id = site.next("execution");
        String now = Json.time(Instant.now());
        // nothing is copied: the execution is recorded as an immediately succeeded manual run
        d.json = Json.obj().put("id", d.id).put("policy_id", pid).put("status", "Succeed").put("trigger", "manual")
                .put("start_time", now).put("end_time", now).put("status_text", "").put("total", 0).put("failed", 0)
                .put("succeed", 0).put("in_progress", 0).put("stopped", 0);
        site.executions.put(d.id, d);
        return Response.created(BASE + "/replication/executions/" + d.id);
    }

    private Response listExecutions(Request r) {
        requireSysadminOrRobot(r);
        Long pid = r.longParam("policy_id");
        List<SiteData.Doc> list = new ArrayList<>(site.executions.values().stream()
                .filter(d -> pid == null || d.json.path("policy_id").asLong() == pid).toList());
        list.sort(Comparator.comparingLong((SiteData.Doc d) -> d.id).reversed());
        return page(r, list, d -> d.json);
    }

    // ------------------------------------------------------------------ audit log (api-notes 3)

    private static ObjectNode auditJson(AuditLog.Row row) {
        return Json.obj().put("id", row.id()).put("username", row.username()).put("resource", row.resource())
                .put("resource_type", row.resourceType()).put("operation", row.operation())
                .put("operation_description", row.description()).put("operation_result", row.result())
                .put("op_time", Json.time(row.opTime()));
    }

    private boolean mayListAudit(Principal who) {
        if (who.admin()) return true;
        if (!who.isRobot()) return false;
        for (JsonNode perm : site.robots.get(who.robotId()).permissions) {
            if (!perm.path("kind").asText().equals("system")) continue;
            for (JsonNode a : perm.path("access")) {
                if (a.path("resource").asText().equals("audit-log") && a.path("action").asText().equals("list")) return true;
            }
        }
        return false;
    }

    private Response listAudit(Request r) {
        List<AuditLog.Row> rows = mayListAudit(r.principal) ? new ArrayList<>(audit.rows()) : new ArrayList<>();
        for (Map.Entry<String, String> t : r.qTerms()) {
            Predicate<AuditLog.Row> f = auditFilter(t.getKey(), t.getValue());
            if (f != null) rows.removeIf(f.negate());
        }
        String sort = r.param("sort");
        Comparator<AuditLog.Row> cmp = Comparator.comparing(AuditLog.Row::opTime).thenComparingLong(AuditLog.Row::id).reversed();
        if (sort != null && !sort.isEmpty()) {
            Comparator<AuditLog.Row> c = null;
            for (String s : sort.split(",")) {
                boolean desc = s.startsWith("-");
                String key = desc ? s.substring(1) : s;
                Comparator<AuditLog.Row> one = switch (key) {
                    case "id" -> Comparator.comparingLong(AuditLog.Row::id);
                    case "op_time" -> Comparator.comparing(AuditLog.Row::opTime);
                    case "username" -> Comparator.comparing(AuditLog.Row::username);
                    case "resource" -> Comparator.comparing(AuditLog.Row::resource);
                    case "resource_type" -> Comparator.comparing(AuditLog.Row::resourceType);
                    case "operation" -> Comparator.comparing(AuditLog.Row::operation);
                    default -> null; // unknown sort keys are ignored
                };
                if (one == null) continue;
                if (desc) one = one.reversed();
                c = c == null ? one : c.thenComparing(one);
            }
            if (c != null) cmp = c;
        }
        rows.sort(cmp);
        return page(r, rows, EmulatorRoutes::auditJson);
    }

    /** One q term: exact, ~fuzzy, [min~max] range (ints), {a b} list. Unknown keys are ignored (null). */
    private static Predicate<AuditLog.Row> auditFilter(String key, String value) {
        Function<AuditLog.Row, Object> field = switch (key) {
            case "id" -> AuditLog.Row::id;
            case "project_id" -> AuditLog.Row::projectId;
            case "username" -> AuditLog.Row::username;
            case "resource" -> AuditLog.Row::resource;
            case "resource_type" -> AuditLog.Row::resourceType;
            case "operation" -> AuditLog.Row::operation;
            case "op_time" -> row -> row.opTime().toString();
            default -> null;
        };
        if (field == null) return null;
        if (value.startsWith("[") && value.endsWith("]") && value.contains("~")) {
            String inner = value.substring(1, value.length() - 1);
            int t = inner.indexOf('~');
            String lo = inner.substring(0, t).trim(), hi = inner.substring(t + 1).trim();
            return row -> inRange(field.apply(row), lo, hi);
        }
        if (value.startsWith("{") && value.endsWith("}")) {
            List<String> items = List.of(value.substring(1, value.length() - 1).trim().split("\\s+"));
            return row -> items.contains(String.valueOf(field.apply(row)));
        }
        if (value.startsWith("~")) {
            String v = value.substring(1);
            return row -> String.valueOf(field.apply(row)).toLowerCase().contains(v.toLowerCase());
        }
        String v = value.startsWith("\\") ? value.substring(1) : value;
        return row -> String.valueOf(field.apply(row)).equals(v);
    }

    private static boolean inRange(Object actual, String lo, String hi) {
        if (actual instanceof Long n) {
            try {
                return (lo.isEmpty() || n >= Long.parseLong(lo)) && (hi.isEmpty() || n <= Long.parseLong(hi));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        String s = String.valueOf(actual);
        return (lo.isEmpty() || s.compareTo(lo) >= 0) && (hi.isEmpty() || s.compareTo(hi) <= 0);
    }

    private Response auditEvents() {
        ArrayNode arr = Json.arr();
        if (options.memberAuditEvents()) {
            for (String e : List.of("create_member", "update_member", "delete_member")) arr.addObject().put("event_type", e);
        }
        for (String e : List.of("create_artifact", "delete_artifact", "pull_artifact", "create_project", "delete_project",
                "delete_repository", "login_user", "logout_user", "create_user", "delete_user", "update_user",
                "create_robot", "delete_robot", "update_configuration")) {
            arr.addObject().put("event_type", e);
        }
        return Response.ok(arr);
    }

    // ------------------------------------------------------------------ users

    private Response listUsers(Request r) {
        if (!r.principal.admin()) throw ApiError.forbidden("forbidden");
        String name = null;
        for (Map.Entry<String, String> t : r.qTerms()) if (t.getKey().equals("username")) name = t.getValue();
        String n = name;
        List<SiteData.User> list = site.users.values().stream().filter(u -> n == null
                || (n.startsWith("~") ? u.username.contains(n.substring(1)) : u.username.equals(n))).toList();
        return page(r, list, UsersApi::userJson);
    }

    private Response createUser(Request r) {
        if (!r.principal.admin()) throw ApiError.forbidden("forbidden");
        ObjectNode body = Json.requireObject(r.json(), "userReq");
        String username = Json.str(body, "userReq", "username");
        String password = Json.str(body, "userReq", "password");
        UsersApi.requireValidPassword(password); // before anything else (steps user.create.weakpw, user.create.nopw)
        if (username == null || username.isEmpty()) throw ApiError.badRequest("username is required");
        String email = textOr(body, "email");
        if (site.userByName(username) != null
                || !email.isEmpty() && site.users.values().stream().anyMatch(u -> u.email.equals(email))) {
            throw ApiError.conflict("user " + username + " or email " + email + " already exists"); // user.create.dup
        }
        SiteData.User u = addUserRow(username, password);
        u.email = email;
        u.realname = textOr(body, "realname");
        u.comment = textOr(body, "comment");
        audit.record(r.username(), "user", "create", username, 0, "create user with name: " + username); // COMMON_API resolver; §10
        return Response.created(BASE + "/users/" + u.id);
    }

    SiteData.User addUserRow(String username, String password) {
        SiteData.User u = new SiteData.User();
        u.id = site.next("user");
        u.username = username;
        u.password = password;
        u.created = Instant.now();
        site.users.put(u.id, u);
        return u;
    }

    static Map<String, List<String>> lowerCaseHeaders(Map<String, List<String>> in) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.computeIfAbsent(k.toLowerCase(), x -> new ArrayList<>()).addAll(v));
        return out;
    }
}
