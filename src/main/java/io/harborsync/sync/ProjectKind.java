package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.Quotas;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.CveItem;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.Quota;
import io.harborsync.harbor.HarborModel.Registry;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.ProjectValue;
import io.harborsync.sync.Values.Value;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Projects with their settings: visibility, the synced metadata keys, the storage quota, the CVE allowlist, and for
 * a proxy-cache project the name of its registry endpoint. Proxy-cache projects whose endpoint is not configured
 * alike on every site ({@code harbor-sync.proxy-cache.registries}) are excluded.
 */
final class ProjectKind implements MirroredKind {
    /** Metadata keys that are synced (sync-model.md); "public" travels as its own attribute. */
    static final List<String> SYNCED_METADATA = List.of("auto_scan", "severity", "prevent_vul",
            "enable_content_trust", "enable_content_trust_cosign", "reuse_sys_cve_allowlist", "auto_sbom_generation");
    static final String QUOTA_ID = "quota";
    static final String PROJECT_ID = "project";

    /** A listed project, with the site's quota listing when the read listed every project (else null). */
    private record Listed(Project project, QuotaJoin quotas) {
    }

    @Override
    public Kind kind() {
        return Kind.PROJECT;
    }

    @Override
    public Kind parent() {
        return null;
    }

    @Override
    public int createPhase() {
        return 1;
    }

    @Override
    public int deletePhase() {
        return 6;
    }

    @Override
    public Class<? extends Value> valueType() {
        return ProjectValue.class;
    }

    @Override
    public boolean readBackAfterCreate() {
        return true; // Harbor drops settings it does not know at creation without saying so
    }

    /**
     * A full read lists the projects and then starts the quota listing alongside the project reads, its pages side
     * by side once page 1 has told how many there are (real Harbor takes long for each page): the quota a project's
     * value needs is joined with the project's read by {@link QuotaJoin}, whichever of the two ends last.
     */
    @Override
    public Map<String, ?> listTop(SiteRead site, Scope scope) {
        HarborClient client = site.client();
        Map<String, Listed> out = new LinkedHashMap<>();
        if (scope.project().isPresent()) {
            client.projects().find(scope.project().get()).ifPresent(p -> out.put(p.name(), new Listed(p, null)));
            return out;
        }
        if (scope.isPart()) {
            // listed once for the whole run, with its quotas complete (listed): this part's projects from it
            Map<String, ?> before = site.listedBefore(Kind.PROJECT).orElseThrow(() -> new IllegalStateException(
                    "a part of a reconcile of every project is read after its project listing"));
            for (String name : scope.partProjects()) {
                Object item = before.get(name);
                if (item != null) {
                    out.put(name, (Listed) item);
                }
            }
            return out;
        }
        // The quota listing from the start, alongside the project listing (its pages are Harbor's slowest): a
        // project created meanwhile is listed on no quota page and has its quota read on its own, an item of a
        // project deleted meanwhile is not looked at.
        QuotaJoin join = new QuotaJoin(site);
        site.alongside(() -> join.listFrom(1));
        List<Project> projects = client.projects().list();
        projects.forEach(p -> out.put(p.name(), new Listed(p, join)));
        return out;
    }

    @Override
    public void readTop(SiteRead site, String key, Object item) {
        Listed listed = (Listed) item;
        Project p = listed.project();
        Optional<String> registry = registryOf(site, p);
        if (p.isProxyCache() && registry.isEmpty()) {
            site.exclude(Kind.PROJECT, p.name(), "proxy-cache project whose registry endpoint is not in"
                    + " harbor-sync.proxy-cache.registries: not copied");
            return;
        }
        if (listed.quotas() == null) {
            fileReadingQuota(site, p, registry.orElse(null));
        } else {
            listed.quotas().projectRead(site, p, registry.orElse(null));
        }
        site.descend(Kind.PROJECT, p.name(), p);
    }

    @Override
    public Optional<Value> readOne(SiteRead site, String key) {
        Optional<Project> p = site.client().projects().find(key);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        String op = "get quota of project " + key;
        Quota quota = site.client().quotas().ofProject(p.get().projectId()).orElseThrow(() ->
                noQuota(site, op, "Harbor listed none for the project"));
        Long storage = quota.hardStorage();
        if (storage == null) {
            throw noQuota(site, op, "it has no storage limit");
        }
        return Optional.of(value(p.get(), storage, registryOf(site, p.get()).orElse(null)));
    }

    /** The project's quota is unknown (unknown-state, as an incomplete listing is): never read as "no quota". */
    private static HarborException noQuota(SiteRead site, String op, String why) {
        return HarborException.of(site.site(), op, 503, "NO_QUOTA", why);
    }

    /**
     * One site's quota listing of a full read, joined with its project reads: a project's value is filed by whichever
     * ends last, its read ({@link #projectRead}) or the listing (its last page). Neither waits for the other, as no
     * task of a read may wait for another. A project the listing did not show exactly once (Harbor's newest-first
     * listing moved while it was read, see {@link Quotas.Listing}) has its quota read on its own; a quota that
     * cannot be found makes the project's value unknown on the site, never "no quota". A page that cannot be read
     * makes the site unknown, as a failed project listing does.
     */
    private static final class QuotaJoin {
        private final SiteRead site;
        private final Quotas.Listing listing = new Quotas.Listing();
        /** Projects read while the listing was not complete yet, with their registry endpoint's name (or null). */
        private final Map<Long, Waiting> waiting = new HashMap<>();
        private int pagesLeft = -1;
        /** The page the next of the listing's side-by-side tasks asks for. */
        private int nextPage;
        private boolean complete;

        QuotaJoin(SiteRead site) {
            this.site = site;
        }

        /**
         * Page {@code first} and, when it is page 1, the further pages side by side (a task): at most one request
         * slot fewer than the site has at a time (at least one), each of those tasks asking for the next page not
         * asked for yet until none is left, so that the project listing and the project reads keep a slot while
         * Harbor takes its time over each page.
         */
        void listFrom(int first) {
            Quotas quotas = site.client().quotas();
            Quotas.Page page = quotas.page(first);
            if (first == 1 && page.total() != null) {
                int pages = quotas.pageCount(page.total());
                synchronized (this) {
                    pagesLeft = pages;
                    nextPage = 2;
                }
                int sideBySide = Math.max(1, site.client().maxConcurrency() - 1);
                for (int i = 0; i < Math.min(sideBySide, pages - 1); i++) {
                    site.alongside(() -> nextPages(quotas, pages));
                }
                pageArrived(page);
                return;
            }
            // No X-Total-Count (Harbor always sends one): the pages one after the other, to a short one.
            listing.add(page);
            if (page.items().size() >= quotas.pageSize() && first < 100_000) {
                listFrom(first + 1);
            } else {
                listed();
            }
        }

        /** Page after page not asked for yet, until every page of the listing is. */
        private void nextPages(Quotas quotas, int pages) {
            for (int number = takePage(); number <= pages; number = takePage()) {
                pageArrived(quotas.page(number));
            }
        }

        private synchronized int takePage() {
            return nextPage++;
        }

        private void pageArrived(Quotas.Page page) {
            listing.add(page);
            synchronized (this) {
                if (--pagesLeft > 0) {
                    return;
                }
            }
            listed();
        }

        /** The last page is in: files every project read meanwhile. */
        private void listed() {
            List<Waiting> ready;
            synchronized (this) {
                complete = true;
                ready = List.copyOf(waiting.values());
                waiting.clear();
            }
            if (listing.moved()) {
                LOG.infof("the quota listing of %s moved while it was read (%s): the quotas of projects it did not"
                        + " show exactly once are read one by one", site.site(), listing.describe());
            }
            for (Waiting e : ready) {
                Project p = e.project();
                Optional<Quota> q = listing.trusted(p.projectId());
                if (q.isPresent()) {
                    file(e.into(), p, q.get(), e.registry());
                } else {
                    // a task of the listing's read (a part's may be over), filing into the read that has the project
                    site.alongside(() -> fileReadingQuota(e.into(), p, e.registry()));
                }
            }
        }

        /**
         * The project's read is done but for its value: filed into {@code into} (the read of the run, or of the run's
         * part, that read the project) now if the listing is complete, else when it is.
         */
        void projectRead(SiteRead into, Project p, String registry) {
            synchronized (this) {
                if (!complete) {
                    waiting.put(p.projectId(), new Waiting(into, p, registry));
                    return;
                }
            }
            Optional<Quota> q = listing.trusted(p.projectId());
            if (q.isPresent()) {
                file(into, p, q.get(), registry);
            } else {
                fileReadingQuota(into, p, registry);
            }
        }
    }

    /** A proxy-cache project's registry endpoint name, when it is one that exists alike on every site. */
    private static Optional<String> registryOf(SiteRead site, Project p) {
        if (!p.isProxyCache()) {
            return Optional.empty();
        }
        Optional<String> name = site.lookup("registry", p.registryId(), () -> {
            Map<Object, String> names = new HashMap<>();
            for (Registry r : site.client().registries().list()) {
                names.put(r.id(), r.name());
            }
            return names;
        });
        return name.filter(site.settings().proxyCacheRegistries()::contains);
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ProjectKind.class);
    /** A project read while the quota listing was not complete yet, with its registry endpoint's name (or null). */
    private record Waiting(SiteRead into, Project project, String registry) {
    }

    /**
     * Reads the project's quota on its own and files its value; a quota Harbor does not list for a listed project,
     * or cannot give, leaves the value unknown on this site (never "no quota": the project is neither created,
     * updated nor deleted from it). A 401 escapes: the site's credentials were not accepted.
     */
    private static void fileReadingQuota(SiteRead site, Project p, String registry) {
        Optional<Quota> quota;
        try {
            quota = site.client().quotas().ofProject(p.projectId());
        } catch (HarborException.Unauthorized e) {
            throw e;
        } catch (HarborException e) {
            site.unknown(Kind.PROJECT, p.name(), "its quota could not be read: " + e.getMessage());
            return;
        }
        if (quota.isEmpty()) {
            site.unknown(Kind.PROJECT, p.name(), "Harbor listed no quota for it (project id " + p.projectId() + ")");
            return;
        }
        file(site, p, quota.get(), registry);
    }

    private static void file(SiteRead site, Project p, Quota quota, String registry) {
        if (quota.hardStorage() == null) {
            site.unknown(Kind.PROJECT, p.name(), "its quota " + quota.id() + " has no storage limit");
            return;
        }
        site.put(Kind.PROJECT, p.name(), value(p, quota.hardStorage(), registry));
        site.id(PROJECT_ID, p.name(), p.projectId());
        if (quota.id() != null) {
            site.id(QUOTA_ID, p.name(), quota.id());
        }
        parseTime(p.updateTime()).ifPresent(t -> site.changedAt(p.name(), t));
    }

    static ProjectValue value(Project p, Long storageLimit, String proxyCacheRegistry) {
        Map<String, String> meta = p.metadata() == null ? Map.of() : p.metadata();
        TreeMap<String, String> synced = new TreeMap<>();
        for (String k : SYNCED_METADATA) {
            if (meta.get(k) != null) {
                synced.put(k, meta.get(k));
            }
        }
        CveAllowlist al = p.cveAllowlist();
        List<String> cves = al == null || al.items() == null ? List.of()
                : al.items().stream().map(CveItem::cveId).sorted().distinct().toList();
        Long expires = al == null ? null : al.expiresAt();
        return new ProjectValue("true".equals(meta.get("public")), synced, storageLimit, cves, expires,
                proxyCacheRegistry);
    }

    /** Harbor's update time of an object, if it has one that parses (the "newest" policy's input). */
    static Optional<Instant> parseTime(String t) {
        try {
            return t == null ? Optional.empty() : Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> projectHintedBy(AuditLogExt row) {
        return "project".equals(row.resourceType()) && row.resource() != null ? Optional.of(row.resource())
                : Optional.empty();
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        HarborClient c = ctx.client();
        String name = op.key();
        switch (op.type()) {
            case CREATE -> create(ctx, name, (ProjectValue) op.value());
            case UPDATE -> update(ctx, name, (ProjectValue) op.from(), (ProjectValue) op.value());
            case DELETE -> ApplyContext.ignoreNotFound(() -> ctx.write(OwnWrites.Resource.PROJECT, name,
                    OwnWrites.Action.DELETE, () -> c.projects().delete(name)));
            default -> throw new IllegalStateException(op.type() + " is not an operation on projects");
        }
        return Applied.DONE;
    }

    private static void create(ApplyContext ctx, String name, ProjectValue v) {
        HarborClient c = ctx.client();
        Map<String, String> meta = new HashMap<>(v.metadata());
        meta.put("public", Boolean.toString(v.isPublic()));
        Long registryId = null;
        if (v.proxyCacheRegistry() != null) {
            registryId = c.registries().list().stream().filter(r -> v.proxyCacheRegistry().equals(r.name()))
                    .findFirst().map(Registry::id)
                    .orElseThrow(() -> HarborException.of(c.site(), "create proxy-cache project " + name, 404,
                            "NOT_FOUND", "no registry endpoint named " + v.proxyCacheRegistry()));
        }
        Long registry = registryId;
        ctx.write(OwnWrites.Resource.PROJECT, name, OwnWrites.Action.CREATE, () -> c.projects().create(
                new ProjectReq(name, v.isPublic(), meta, allowlist(v), v.storageLimit(), registry)));
        Project created = c.projects().get(name);
        Optional<Quota> q = c.quotas().ofProject(created.projectId());
        Long quota = q.map(Quota::hardStorage).orElse(null);
        if (v.storageLimit() != null && !v.storageLimit().equals(quota)) {
            // only sysadmins' storage_limit is honoured on create
            c.quotas().setStorageLimit(name, v.storageLimit(), q.map(Quota::id));
        }
    }

    private static void update(ApplyContext ctx, String name, ProjectValue from, ProjectValue to) {
        HarborClient c = ctx.client();
        if (!Objects.equals(from.proxyCacheRegistry(), to.proxyCacheRegistry())) {
            throw HarborException.of(c.site(), "update project " + name, 400, "BAD_REQUEST",
                    "Harbor cannot change whether or where a project proxies: recreate it by hand");
        }
        Map<String, String> set = new HashMap<>();
        to.metadata().forEach((k, val) -> {
            if (!val.equals(from.metadata().get(k))) {
                set.put(k, val);
            }
        });
        if (from.isPublic() != to.isPublic()) {
            set.put("public", Boolean.toString(to.isPublic()));
        }
        boolean allowlistChanged = !from.cveIds().equals(to.cveIds())
                || !Objects.equals(from.cveExpiresAt(), to.cveExpiresAt());
        // metadata and allowlist travel in one project PUT: one request for the project's settings
        if (!set.isEmpty() || allowlistChanged) {
            // no audit row on v2.15.2; newer Harbors log project updates
            ctx.write(OwnWrites.Resource.PROJECT, name, OwnWrites.Action.UPDATE, () ->
                    c.projects().updateSettings(name, set, allowlistChanged ? allowlist(to) : null));
        }
        for (String k : from.metadata().keySet()) {
            if (!to.metadata().containsKey(k)) {
                c.projects().removeMetadata(name, k);
            }
        }
        if (to.storageLimit() != null && !to.storageLimit().equals(from.storageLimit())) {
            c.quotas().setStorageLimit(name, to.storageLimit(), ctx.id(QUOTA_ID, name));
        }
    }

    private static CveAllowlist allowlist(ProjectValue v) {
        return CveAllowlist.portable(v.cveExpiresAt(), v.cveIds().stream().map(CveItem::new).toList());
    }
}
