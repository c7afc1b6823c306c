package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
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

    /** A listed project, with the site's quota listing when the read listed every project. */
    private record Listed(Project project, Map<Long, Quota> quotas) {
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

    @Override
    public Map<String, ?> listTop(SiteRead site, Scope scope) {
        HarborClient client = site.client();
        Map<String, Listed> out = new LinkedHashMap<>();
        if (scope.project().isPresent()) {
            client.projects().find(scope.project().get()).ifPresent(p -> out.put(p.name(), new Listed(p, null)));
            return out;
        }
        List<Project> projects = client.projects().list();
        // After the projects, so that every project listed already has its quota.
        Map<Long, Quota> quotas = client.quotas().byProject();
        projects.forEach(p -> out.put(p.name(), new Listed(p, quotas)));
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
        Optional<Quota> quota = listed.quotas() != null ? Optional.ofNullable(listed.quotas().get(p.projectId()))
                : site.client().quotas().ofProject(p.projectId());
        file(site, p, quota, registry.orElse(null));
        site.descend(Kind.PROJECT, p.name(), p);
    }

    @Override
    public Optional<Value> readOne(SiteRead site, String key) {
        Optional<Project> p = site.client().projects().find(key);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        Optional<Quota> quota = site.client().quotas().ofProject(p.get().projectId());
        return Optional.of(value(p.get(), quota.map(Quota::hardStorage).orElse(null), registryOf(site, p.get()).orElse(null)));
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

    private static void file(SiteRead site, Project p, Optional<Quota> quota, String registry) {
        site.put(Kind.PROJECT, p.name(), value(p, quota.map(Quota::hardStorage).orElse(null), registry));
        site.id(PROJECT_ID, p.name(), p.projectId());
        quota.ifPresent(q -> site.id(QUOTA_ID, p.name(), q.id()));
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
