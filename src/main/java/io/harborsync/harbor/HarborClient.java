package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.*;
import jakarta.ws.rs.ProcessingException;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What harbor-sync may ask of one Harbor site. Adds to the raw {@link HarborApi}: every page of a
 * listing, Harbor's double encoding of repository names and {@code q}, typed errors that name the
 * site and operation, and checks before sending that make Harbor's answers to writes definitive:
 * role ids outside Harbor's roles and metadata keys outside {@code ProjectMetadata}, which Harbor would
 * store or drop without saying so (api-notes §4, §5), are refused here, so a 2xx means the write took effect
 * and nothing is read back.
 *
 * <p>Repository names passed here are without the project ("app/web" in project "team-a").
 */
public final class HarborClient {
    private static final String BY_NAME = "true";
    /** A listing whose total moves under us is retried this many times before we call it unknown. */
    private static final int LISTING_ATTEMPTS = 3;

    private final String site;
    private final HarborApi api;
    private final int pageSize;
    private final CircuitBreaker breaker;
    /** Bounds the requests in flight to this site, whoever sends them. */
    private final Semaphore slots;
    private final int maxConcurrency;

    HarborClient(String site, HarborApi api, int pageSize, int maxConcurrency, CircuitBreaker breaker) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("max concurrency must be at least 1, got " + maxConcurrency);
        }
        this.site = site;
        this.api = api;
        this.pageSize = Math.max(1, Math.min(100, pageSize));
        this.breaker = breaker;
        this.maxConcurrency = maxConcurrency;
        this.slots = new Semaphore(maxConcurrency, true);
    }

    /** Requests that may be in flight to this site at once. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Requests waiting for a free slot right now (a sign the bound is too low for the work). */
    public int waitingForSlot() {
        return slots.getQueueLength();
    }

    public String site() {
        return site;
    }

    /** This site's circuit breaker: closed, open or half-open, and the failures in a row. */
    public CircuitBreaker.Snapshot breakerState() {
        return breaker.snapshot();
    }

    // ---------------------------------------------------------------- system

    public OverallHealth health() {
        return call("get health", api::health);
    }

    public SystemInfo systemInfo() {
        return call("get systeminfo", api::systemInfo);
    }

    /**
     * Why a site whose credentials failed is unknown, in the report, /status and readiness: real Harbor treats
     * bad credentials as anonymous, not 401 (observations §2), so a listing alone proves nothing.
     */
    public static final String NOT_AUTHENTICATED = "the credentials were not accepted (Harbor answered as anonymous)";

    // ---------------------------------------------------------------- projects

    public List<Project> listProjects() {
        return all("list projects", page -> api.listProjects(page, pageSize, null, true));
    }

    /** HEAD /projects?project_name=: the only existence check that a robot account gets a 404 from. */
    public boolean projectExists(String name) {
        try {
            call("check project " + name, () -> api.headProject(name));
            return true;
        } catch (HarborException.NotFound e) {
            return false;
        }
    }

    public Optional<Project> findProject(String name) {
        try {
            return Optional.of(call("get project " + name, () -> api.getProject(BY_NAME, name)));
        } catch (HarborException.NotFound e) {
            return Optional.empty();
        } catch (HarborException.Forbidden e) {
            // A robot is told 403 for a missing project; HEAD tells absent from forbidden.
            if (!projectExists(name)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Project getProject(String name) {
        return findProject(name).orElseThrow(() ->
                HarborException.of(site, "get project " + name, 404, "NOT_FOUND", "project " + name + " not found"));
    }

    /**
     * Creates a project. Harbor ignores cve_allowlist on create, so a non-empty one is applied with a
     * PUT afterwards (api-notes §4).
     */
    public long createProject(ProjectReq req) {
        String op = "create project " + req.projectName();
        ProjectReq withoutAllowlist = new ProjectReq(req.projectName(), req.isPublic(), req.metadata(), null,
                req.storageLimit(), req.registryId());
        RestResponse<Void> r = call(op, () -> api.createProject(withoutAllowlist));
        long id = idFromLocation(r, op);
        if (req.cveAllowlist() != null && req.cveAllowlist().items() != null
                && !req.cveAllowlist().items().isEmpty()) {
            updateProjectSettings(req.projectName(), Map.of(), req.cveAllowlist());
        }
        return id;
    }

    /** PUT /projects/{name}: Harbor merges metadata (never removes a key) and ignores storage_limit. */
    public void updateProject(String name, ProjectReq req) {
        run("update project " + name, () -> api.updateProject(BY_NAME, name, req));
    }

    public void deleteProject(String name) {
        run("delete project " + name, () -> api.deleteProject(BY_NAME, name));
    }

    public Map<String, String> metadata(String project) {
        return call("get metadata of " + project, () -> api.getMetadata(BY_NAME, project));
    }

    /**
     * The writable keys of the spec's {@code ProjectMetadata}. The project PUT stores any value of these as
     * given and silently drops any other key, so another key is refused before sending.
     */
    private static final java.util.Set<String> METADATA_KEYS = java.util.Set.of("public", "enable_content_trust",
            "enable_content_trust_cosign", "prevent_vul", "severity", "auto_scan", "auto_sbom_generation",
            "reuse_sys_cve_allowlist", "proxy_speed_kb", "max_upstream_conn", "proxy_cache_local_on_not_found");

    /**
     * One merging project PUT for metadata keys to set (may be empty) and, when not null, the CVE allowlist to
     * replace (ids and timestamps of another site are stripped). Harbor never removes a key on this PUT.
     */
    public void updateProjectSettings(String project, Map<String, String> metadata, CveAllowlist allowlist) {
        String op = "update settings of " + project;
        for (String k : metadata.keySet()) {
            if (!METADATA_KEYS.contains(k)) {
                throw HarborException.of(site, op, 400, "BAD_REQUEST", "'" + k + "' is not a project metadata key"
                        + " Harbor keeps (it would drop it without an error)");
            }
        }
        CveAllowlist portable = allowlist == null ? null
                : CveAllowlist.portable(allowlist.expiresAt(), allowlist.items());
        run(op, () -> api.updateProject(BY_NAME, project,
                new ProjectReq(null, null, metadata.isEmpty() ? null : metadata, portable, null, null)));
    }

    /** Removing a key needs its own DELETE (idempotent): the project PUT never removes one. */
    public void removeMetadata(String project, String key) {
        run("remove metadata " + key + " of " + project, () -> api.deleteMetadata(BY_NAME, project, key));
    }

    /**
     * Every project's quota by project id, in one paged listing: a full read needs the storage limit of
     * every project, and one request per project would cost as much as all the other listings together.
     */
    public Map<Long, Quota> listProjectQuotas() {
        Map<Long, Quota> byProject = new java.util.HashMap<>();
        for (Quota q : all("list project quotas", page -> api.listQuotaPage("project", page, pageSize))) {
            Object id = q.ref() == null ? null : q.ref().get("id");
            if (id instanceof Number n) {
                byProject.put(n.longValue(), q);
            }
        }
        return byProject;
    }

    public Optional<Quota> projectQuota(long projectId) {
        List<Quota> quotas = call("get quota of project id " + projectId,
                () -> api.listQuotas("project", Long.toString(projectId)));
        return quotas.stream().findFirst();
    }

    /**
     * Sets the project's storage limit in bytes (-1 = unlimited): one PUT when the quota's id is known from a
     * listing, otherwise the project and its quota are looked up first.
     */
    public void setStorageLimit(String project, long bytes, Optional<Long> knownQuotaId) {
        String op = "set storage quota of " + project;
        long quotaId = knownQuotaId.orElseGet(() -> {
            long projectId = getProject(project).projectId();
            return projectQuota(projectId).orElseThrow(() ->
                    HarborException.of(site, op, 404, "NOT_FOUND", "project " + project + " has no quota")).id();
        });
        run(op, () -> api.updateQuota(quotaId, QuotaUpdateReq.storage(bytes)));
    }

    // ---------------------------------------------------------------- members

    /**
     * Every member Harbor lists. Its X-Total-Count also counts the members it hides (a role id outside its
     * roles), so the count is no measure of the listing here (observations §1, step mem.list.afterrole9).
     */
    public List<Member> listMembers(String project) {
        return all("list members of " + project, Total.UPPER_BOUND,
                page -> api.listMembers(BY_NAME, project, page, pageSize, null));
    }

    /**
     * Members by exact entity name; users and groups may share a name, so the type decides. Harbor answers the
     * filtered rows with the count of every member of the project (observations §1, step mem.list.entity).
     */
    public Optional<Member> findMember(String project, String entityName, boolean group) {
        List<Member> found = all("find member " + entityName + " of " + project, Total.UPPER_BOUND,
                page -> api.listMembers(BY_NAME, project, page, pageSize, entityName));
        return found.stream()
                .filter(m -> entityName.equals(m.entityName()) && m.isGroup() == group)
                .findFirst();
    }

    /** Adds a user or group member; 404 means the peer does not know that user or group (yet). */
    public long addMember(String project, MemberReq req) {
        checkRole(req.roleId(), "add member to " + project);
        String op = "add member to " + project;
        return idFromLocation(call(op, () -> api.addMember(BY_NAME, project, req)), op);
    }

    /**
     * Harbor stores any role id (the member then vanishes from listings), so the role is checked here. It also
     * answers 200 for a member id it does not know: callers pass the id from their own listing of the site, so
     * that only happens when the member was removed meanwhile, which the next read sees as that removal.
     */
    public void updateMemberRole(String project, long memberId, int roleId) {
        String op = "update role of member " + memberId + " in " + project;
        checkRole(roleId, op);
        run(op, () -> api.updateMember(BY_NAME, project, memberId, new RoleRequest(roleId)));
    }

    /** Idempotent: 200 whether or not the member was still there, and either way it is gone. */
    public void removeMember(String project, long memberId) {
        run("remove member " + memberId + " from " + project, () -> api.deleteMember(BY_NAME, project, memberId));
    }

    private void checkRole(Integer roleId, String op) {
        if (roleId == null || roleId < 1 || roleId > 5) {
            throw HarborException.of(site, op, 400, "BAD_REQUEST", "role id must be 1..5, got " + roleId);
        }
    }

    // ---------------------------------------------------------------- repositories, artifacts, tags

    public List<Repository> listRepositories(String project) {
        return all("list repositories of " + project, page -> api.listRepositories(project, page, pageSize));
    }

    public void deleteRepository(String project, String repo) {
        run("delete repository " + project + "/" + repo, () -> api.deleteRepository(project, repoSegment(repo)));
    }

    public List<Artifact> listArtifacts(String project, String repo) {
        return all("list artifacts of " + project + "/" + repo,
                page -> api.listArtifacts(project, repoSegment(repo), page, pageSize, true));
    }

    /** reference = digest or tag. */
    public Optional<Artifact> findArtifact(String project, String repo, String reference) {
        try {
            return Optional.of(call("get artifact " + project + "/" + repo + "@" + reference,
                    () -> api.getArtifact(project, repoSegment(repo), reference)));
        } catch (HarborException.NotFound e) {
            return Optional.empty();
        }
    }

    /** Deletes the whole artifact with every tag it has, whether reference is a digest or a tag. */
    public void deleteArtifact(String project, String repo, String reference) {
        run("delete artifact " + project + "/" + repo + "@" + reference, () -> api.deleteArtifact(project, repoSegment(repo), reference));
    }

    public List<Tag> listTags(String project, String repo, String reference) {
        return all("list tags of " + project + "/" + repo + "@" + reference,
                page -> api.listTags(project, repoSegment(repo), reference, page, pageSize));
    }

    public void addTag(String project, String repo, String reference, String tag) {
        call("add tag " + tag + " to " + project + "/" + repo + "@" + reference, () ->
                api.createTag(project, repoSegment(repo), reference, Tag.named(tag)));
    }

    public void deleteTag(String project, String repo, String reference, String tag) {
        run("delete tag " + tag + " of " + project + "/" + repo, () -> api.deleteTag(project, repoSegment(repo), reference, tag));
    }

    // ---------------------------------------------------------------- robots

    public List<Robot> listSystemRobots() {
        return all("list system robots", page -> api.listRobots(page, pageSize, null));
    }

    public List<Robot> listProjectRobots(long projectId) {
        String q = query("Level=project,ProjectID=" + projectId);
        return all("list robots of project id " + projectId, page -> api.listRobots(page, pageSize, q));
    }

    public RobotCreated createRobot(RobotCreate req) {
        return call("create robot " + req.name(), () -> api.createRobot(req));
    }

    public Robot getRobot(long id) {
        return call("get robot " + id, () -> api.getRobot(id));
    }

    /**
     * Replaces a robot's permissions, description, duration and disable flag. The body must repeat the
     * name with its prefix and the level (api-notes §7.1); needs a user, not a robot.
     */
    public void updateRobot(long id, Robot robot) {
        run("update robot " + robot.name(), () -> api.updateRobot(id, robot));
    }

    /** Puts a known secret on a robot (8–128 chars with upper, lower and digit); needs a user, not a robot. */
    public void setRobotSecret(long id, String secret) {
        call("set secret of robot " + id, () -> api.refreshRobotSecret(id, new RobotSec(secret)));
    }

    public void deleteRobot(long id) {
        run("delete robot " + id, () -> api.deleteRobot(id));
    }

    // ---------------------------------------------------------------- registries, replication

    public List<Registry> listRegistries() {
        return all("list registries", page -> api.listRegistries(page, pageSize));
    }

    public long createRegistry(Registry req) {
        String op = "create registry " + req.name();
        return idFromLocation(call(op, () -> api.createRegistry(req)), op);
    }

    public Registry getRegistry(long id) {
        return call("get registry " + id, () -> api.getRegistry(id));
    }

    public void updateRegistry(long id, RegistryUpdate req) {
        run("update registry " + id, () -> api.updateRegistry(id, req));
    }

    public void deleteRegistry(long id) {
        run("delete registry " + id, () -> api.deleteRegistry(id));
    }

    public List<ReplicationPolicy> listReplicationPolicies() {
        return all("list replication policies", page -> api.listReplicationPolicies(page, pageSize));
    }

    public long createReplicationPolicy(ReplicationPolicy req) {
        String op = "create replication policy " + req.name();
        return idFromLocation(call(op, () -> api.createReplicationPolicy(req)), op);
    }

    public ReplicationPolicy getReplicationPolicy(long id) {
        return call("get replication policy " + id, () -> api.getReplicationPolicy(id));
    }

    public void updateReplicationPolicy(long id, ReplicationPolicy req) {
        run("update replication policy " + id, () -> api.updateReplicationPolicy(id, req));
    }

    public void deleteReplicationPolicy(long id) {
        run("delete replication policy " + id, () -> api.deleteReplicationPolicy(id));
    }

    public long startReplication(long policyId) {
        String op = "start replication of policy " + policyId;
        return idFromLocation(call(op, () -> api.startReplication(new StartReplicationExecution(policyId))), op);
    }

    public List<ReplicationExecution> listReplicationExecutions(long policyId) {
        return all("list executions of policy " + policyId,
                page -> api.listReplicationExecutions(policyId, page, pageSize));
    }

    public ReplicationExecution getReplicationExecution(long id) {
        return call("get replication execution " + id, () -> api.getReplicationExecution(id));
    }

    // ---------------------------------------------------------------- webhook policies

    public List<WebhookPolicy> listWebhookPolicies(String project) {
        return all("list webhook policies of " + project,
                page -> api.listWebhookPolicies(BY_NAME, project, page, pageSize));
    }

    public long createWebhookPolicy(String project, WebhookPolicy policy) {
        String op = "create webhook policy in " + project;
        return idFromLocation(call(op, () -> api.createWebhookPolicy(BY_NAME, project, policy)), op);
    }

    public void updateWebhookPolicy(String project, long id, WebhookPolicy policy) {
        run("update webhook policy " + id + " in " + project, () -> api.updateWebhookPolicy(BY_NAME, project, id, policy));
    }

    public void deleteWebhookPolicy(String project, long id) {
        run("delete webhook policy " + id + " in " + project, () -> api.deleteWebhookPolicy(BY_NAME, project, id));
    }

    // ---------------------------------------------------------------- audit log

    /**
     * Audit-log rows with an id of at least {@code fromId}, oldest first, at most {@code limit} rows
     * (one page). Rows can become visible out of id order, so callers re-read a small overlap.
     */
    public List<AuditLogExt> auditLogSince(long fromId, int limit) {
        String q = query("id=[" + fromId + "~]");
        int size = Math.max(1, Math.min(100, limit));
        return call("read audit log from id " + fromId, () -> api.listAuditLogs(q, "id", 1, size)).getEntity();
    }

    /** Which audit-log event types this Harbor records: newer releases add member and project updates. */
    public List<String> auditLogEventTypes() {
        return call("list audit log event types", api::listAuditLogEventTypes).stream()
                .map(AuditLogEventType::eventType).toList();
    }

    // ---------------------------------------------------------------- plumbing

    /** What a listing's X-Total-Count says about its items. */
    private enum Total {
        /** The number of items listed: fewer items than that means a page was skipped. */
        EXACT,
        /**
         * At least the number of items listed: Harbor also counts rows it does not list (members' count ignores
         * {@code entityname} and counts members hidden by an invalid role). Only a change between pages tells
         * the listing moved.
         */
        UPPER_BOUND
    }

    private <T> List<T> all(String op, IntFunction<RestResponse<List<T>>> fetchPage) {
        return all(op, Total.EXACT, fetchPage);
    }

    /**
     * Follows every page. A listing that changed while it was paged (items shift between pages) is re-read; still
     * moving = unknown. It moved when the total changed between pages, or, where the total counts exactly the
     * items, when fewer or more items came than it said. A next link that does not lead to the following page is
     * never followed (Harbor sends such links for {@code page_size=-1} and {@code page<1}, observations §2):
     * the listing is unknown rather than read forever.
     */
    private <T> List<T> all(String op, Total kind, IntFunction<RestResponse<List<T>>> fetchPage) {
        for (int attempt = 1; ; attempt++) {
            List<T> items = new ArrayList<>();
            Long firstTotal = null;
            boolean moved = false;
            for (int page = 1; ; page++) {
                int p = page;
                RestResponse<List<T>> r = call(op, () -> fetchPage.apply(p));
                List<T> batch = r.getEntity() == null ? List.of() : r.getEntity();
                items.addAll(batch);
                Long total = headerLong(r, "X-Total-Count");
                if (firstTotal == null) {
                    firstTotal = total;
                } else if (total != null && !total.equals(firstTotal)) {
                    moved = true;
                }
                if (!hasNext(r, batch, items.size(), total, kind)) {
                    break;
                }
                Long next = nextPage(r);
                if (next != null && next != page + 1) {
                    throw HarborException.of(site, op, 503, "PAGING",
                            "Harbor's next page link after page " + page + " leads to page " + next);
                }
                if (page > 100_000) {
                    throw HarborException.of(site, op, 500, "PAGING", "more than 100000 pages");
                }
            }
            boolean complete = firstTotal == null
                    || (kind == Total.EXACT ? firstTotal == items.size() : items.size() <= firstTotal);
            if (!moved && complete) {
                return items;
            }
            if (attempt == LISTING_ATTEMPTS) {
                throw HarborException.of(site, op, 503, "INCOMPLETE_LISTING",
                        "the listing changed while it was read (" + items.size() + " of " + firstTotal + ")");
            }
        }
    }

    private boolean hasNext(RestResponse<?> r, List<?> batch, int seen, Long total, Total kind) {
        String link = r.getHeaderString("Link");
        if (link != null) {
            return link.contains("rel=\"next\"");
        }
        if (batch.isEmpty()) {
            return false;
        }
        return total != null && kind == Total.EXACT ? seen < total : batch.size() >= pageSize;
    }

    private static final Pattern NEXT_LINK =
            Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"next\"");
    private static final Pattern PAGE_PARAM = Pattern.compile("[?&]page=([^&]*)");

    /** The page number of the Link header's next link, null when it has none or names no page. */
    private static Long nextPage(RestResponse<?> r) {
        String link = r.getHeaderString("Link");
        Matcher next = link == null ? null : NEXT_LINK.matcher(link);
        if (next == null || !next.find()) {
            return null;
        }
        Matcher page = PAGE_PARAM.matcher(next.group(1));
        if (!page.find()) {
            return null;
        }
        try {
            return Long.parseLong(page.group(1));
        } catch (NumberFormatException e) {
            return -1L; // no page that could be asked for
        }
    }

    private static Long headerLong(RestResponse<?> r, String name) {
        String v = r.getHeaderString(name);
        try {
            return v == null ? null : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private long idFromLocation(RestResponse<?> r, String op) {
        URI location = r.getLocation();
        String path = location == null ? null : location.getPath();
        if (path == null || path.isEmpty()) {
            throw HarborException.of(site, op, r.getStatus(), "NO_LOCATION", "Harbor sent no Location header");
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        try {
            return Long.parseLong(last);
        } catch (NumberFormatException e) {
            throw HarborException.of(site, op, r.getStatus(), "BAD_LOCATION", "Location is not an id: " + path);
        }
    }

    /** Every request goes through here: the breaker sees each outcome, and errors get their type. */
    /** A call whose answer carries nothing we need. */
    private void run(String op, Runnable request) {
        call(op, () -> {
            request.run();
            return null;
        });
    }

    private <T> T call(String op, Supplier<T> request) {
        // Uninterruptibly: every request has a read timeout, so a slot is always given back.
        slots.acquireUninterruptibly();
        try {
            return callInSlot(op, request);
        } finally {
            slots.release();
        }
    }

    private <T> T callInSlot(String op, Supplier<T> request) {
        breaker.acquire(op);
        boolean judged = false;
        try {
            T result = request.get();
            breaker.succeeded();
            judged = true;
            return result;
        } catch (HarborHttpError e) {
            judged = true;
            throw judge(HarborException.of(site, op, e.status, e.code, e.harborMessage));
        } catch (ProcessingException e) {
            judged = true;
            throw judge(new HarborException.Unreachable(site, op, e));
        } catch (jakarta.ws.rs.WebApplicationException e) {
            judged = true;
            throw judge(HarborException.of(site, op, e.getResponse().getStatus(), null, null));
        } finally {
            if (!judged) {
                breaker.released();
            }
        }
    }

    private HarborException judge(HarborException e) {
        if (e.isUnknownState()) {
            breaker.failed(e);
        } else {
            breaker.succeeded(); // Harbor answered about the resource: the site works
        }
        return e;
    }

    /**
     * Harbor unescapes repository names once more than the router does (api-notes §1), so the name
     * goes out encoded twice: once here, once by the REST client. References and tags are unescaped
     * only by the router: they are left to the REST client alone.
     */
    static String repoSegment(String repo) {
        return segment(repo);
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, '/' included. */
    static String segment(String value) {
        StringBuilder b = new StringBuilder();
        for (byte c : value.getBytes(StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
                    || u == '-' || u == '.' || u == '_' || u == '~') {
                b.append((char) u);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(u & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** Harbor URL-unescapes q a second time, so a '+' or '%' in a value must be encoded twice. */
    static String query(String q) {
        return segment(q);
    }
}
