package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Artifact;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.CveItem;
import io.harborsync.harbor.HarborModel.Member;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.Quota;
import io.harborsync.harbor.HarborModel.Repository;
import io.harborsync.sync.Values.ArtifactValue;
import io.harborsync.sync.Values.MemberValue;
import io.harborsync.sync.Values.ProjectValue;
import io.harborsync.sync.Values.RepositoryValue;
import io.harborsync.sync.Values.Value;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the sites hold right now, read for one {@link Scope}. A failed read never shrinks the
 * picture: the site (or the project's children on that site) is recorded as unknown instead.
 */
final class LiveState {
    /** Metadata keys that are synced (sync-model.md); "public" travels as its own attribute. */
    static final List<String> SYNCED_METADATA = List.of("auto_scan", "severity", "prevent_vul",
            "enable_content_trust", "enable_content_trust_cosign", "reuse_sys_cve_allowlist", "auto_sbom_generation");

    final Map<Kind, Map<String, Map<String, Value>>> values = new EnumMap<>(Kind.class);
    /** Sites whose project listing failed: every key is unknown there. */
    final Map<String, String> unknownSites = new TreeMap<>();
    /** site -> projects whose read broke off (their value or content): every key of them is unknown there. */
    final Map<String, Set<String>> unknownChildren = new HashMap<>();
    /** Proxy-cache projects: skipped, reported. */
    final Set<String> proxyCache = new TreeSet<>();
    /** site -> member key -> the membership's id there, so that a role change or removal needs no lookup. */
    private final Map<String, Map<String, Long>> memberIds = new HashMap<>();
    /** Per site, project name to its quota's id: a storage-limit write is then one PUT. */
    private final Map<String, Map<String, Long>> quotaIds = new HashMap<>();
    /** site -> project -> its id there (ids are per site). */
    private final Map<String, Map<String, Long>> projectIds = new HashMap<>();
    /** site -> project -> Harbor's update_time, for the "newest" policy. */
    final Map<String, Map<String, Instant>> projectChangedAt = new HashMap<>();

    /** Reading threads per request slot of a site (see {@link #read}). */
    static final int READERS_PER_SLOT = 2;

    LiveState() {
        for (Kind k : Kind.values()) {
            values.put(k, new TreeMap<>());
        }
    }

    /**
     * Reads the sites at the same time, and on each site as many projects at once as the site's client
     * lets requests through (harbor-sync.http.max-concurrency): a full read is thousands of small
     * listings, so its time is their latency divided by the requests in flight.
     *
     * <p>Each site's pool has twice as many threads as the site has slots: a thread whose answer came back
     * gives its slot up before it files what it read and asks for the next page, and the thread already
     * waiting for a slot takes it at once, so the slots stay busy while answers are processed. The client's
     * slots, not the pool, bound the requests in flight.
     */
    static LiveState read(Map<String, HarborClient> clients, Scope scope, Set<String> proxyCacheRegistries) {
        LiveState s = new LiveState();
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        List<ExecutorService> pools = new ArrayList<>();
        // One thread per site waits for that site's project reads, which run on the site's own pool.
        ExecutorService sitePool = Executors.newFixedThreadPool(Math.max(1, clients.size()), daemonThreads("site"));
        pools.add(sitePool);
        try {
            clients.forEach((site, client) -> {
                ExecutorService pool = Executors.newFixedThreadPool(READERS_PER_SLOT * client.maxConcurrency(),
                        daemonThreads(site));
                pools.add(pool);
                reads.add(CompletableFuture.runAsync(
                        () -> s.readSite(site, client, scope, proxyCacheRegistries, pool), sitePool));
            });
            reads.forEach(LiveState::join);
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
        }
        return s;
    }

    private void readSite(String site, HarborClient client, Scope scope, Set<String> proxyCacheRegistries,
                          ExecutorService pool) {
        if (scope.isArtifacts()) {
            List<CompletableFuture<Void>> reads = new ArrayList<>();
            for (String key : scope.artifactKeys()) {
                reads.add(CompletableFuture.runAsync(() -> readArtifact(site, client, key), pool));
            }
            reads.forEach(LiveState::join);
            return;
        }
        List<Project> projects;
        Map<Long, Quota> quotas = null;
        try {
            if (scope.project().isPresent()) {
                projects = client.projects().find(scope.project().get()).map(List::of).orElse(List.of());
            } else {
                projects = client.projects().list();
                // After the projects, so that every project listed already has its quota.
                quotas = client.quotas().byProject();
            }
        } catch (HarborException e) {
            synchronized (this) {
                unknownSites.put(site, whyUnknown(e));
            }
            return;
        }
        Map<Long, String> registryNames = new HashMap<>();
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (Project p : projects) {
            Map<Long, Quota> q = quotas;
            reads.add(CompletableFuture.runAsync(() -> readProjectOrMarkUnknown(site, client, p, q,
                    proxyCacheRegistries, registryNames), pool));
        }
        reads.forEach(LiveState::join);
    }

    /** One artifact: absent where Harbor answers 404 (for it, its repository or its project). */
    private void readArtifact(String site, HarborClient client, String key) {
        String project = Keys.projectOf(key);
        try {
            client.artifacts().find(project, Keys.repositoryName(key), Keys.digest(key))
                    .ifPresent(a -> put(Kind.ARTIFACT, key, site, artifactValue(a)));
        } catch (HarborException e) {
            projectUnknown(site, project, e);
        }
    }

    private void readProjectOrMarkUnknown(String site, HarborClient client, Project p, Map<Long, Quota> quotas,
                                          Set<String> proxyCacheRegistries, Map<Long, String> registryNames) {
        try {
            String registry = null;
            if (p.isProxyCache()) {
                registry = registryName(client, p.registryId(), registryNames);
                if (registry == null || !proxyCacheRegistries.contains(registry)) {
                    synchronized (this) {
                        proxyCache.add(p.name()); // no endpoint of the same name is known on every site
                    }
                    return;
                }
            }
            readProject(site, client, p, registry, quotas);
        } catch (HarborException e) {
            synchronized (this) {
                forgetChildren(site, p.name());
                projectUnknown(site, p.name(), e);
            }
        }
    }

    /** A project's read failed: its children are unknown, and the whole site where the failure was a 401 (see whyUnknown). */
    private synchronized void projectUnknown(String site, String project, HarborException e) {
        unknownChildren.computeIfAbsent(site, x -> new HashSet<>()).add(project);
        if (e instanceof HarborException.Unauthorized) {
            unknownSites.put(site, whyUnknown(e));
        }
    }

    /**
     * Why a site is unknown for this run. Real Harbor answers bad credentials as anonymous, not 401: the project
     * listing is 200 with the public projects only and a public project reads 200 (observations §2, steps
     * auth.wrongpw.list, auth.none.getpublic). So a site's read is trusted only with a request in it that needs a
     * login, and every scope's read has one, which anonymous gets 401 for: the quota listing (a full read), the
     * project's quota (a public project's read; a private or missing project is 401 itself). A 401 anywhere in a
     * site's read therefore means the credentials were not accepted, and makes the whole site unknown, not only
     * the project: never "these projects were deleted". This costs no request of its own.
     */
    private static String whyUnknown(HarborException e) {
        if (e instanceof HarborException.Unauthorized) {
            return HarborClient.NOT_AUTHENTICATED + " (" + e.operation() + " answered HTTP 401)";
        }
        return e.getMessage();
    }

    /** Marks the registry names of a site as listed (no registry has a negative id). */
    private static final Long LISTED = -1L;

    /** Registry endpoints are listed once per site read, and only if a proxy-cache project needs them. */
    private static String registryName(HarborClient client, Long registryId, Map<Long, String> names) {
        synchronized (names) {
            if (!names.containsKey(LISTED)) {
                for (io.harborsync.harbor.HarborModel.Registry r : client.registries().list()) {
                    names.put(r.id(), r.name());
                }
                names.put(LISTED, null);
            }
            return names.get(registryId);
        }
    }

    private void readProject(String site, HarborClient client, Project p, String proxyCacheRegistry,
                             Map<Long, Quota> quotas) {
        Optional<Quota> quota = quotas != null ? Optional.ofNullable(quotas.get(p.projectId()))
                : client.quotas().ofProject(p.projectId());
        Long storage = quota.map(Quota::hardStorage).orElse(null);
        put(Kind.PROJECT, p.name(), site, projectValue(p, storage, proxyCacheRegistry));
        synchronized (this) {
            projectIds.computeIfAbsent(site, x -> new HashMap<>()).put(p.name(), p.projectId());
            quota.ifPresent(q -> quotaIds.computeIfAbsent(site, x -> new HashMap<>()).put(p.name(), q.id()));
        }
        parseTime(p.updateTime()).ifPresent(t -> {
            synchronized (this) {
                projectChangedAt.computeIfAbsent(site, x -> new HashMap<>()).put(p.name(), t);
            }
        });
        for (Member m : client.members().list(p.name())) {
            String key = Keys.member(p.name(), m.entityName(), m.isGroup());
            put(Kind.MEMBER, key, site, new MemberValue(m.roleId()));
            synchronized (this) {
                memberIds.computeIfAbsent(site, x -> new HashMap<>()).put(key, m.id());
            }
        }
        for (Repository r : client.repositories().list(p.name())) {
            String repo = r.name().substring(p.name().length() + 1);
            put(Kind.REPOSITORY, Keys.repository(p.name(), repo), site, RepositoryValue.EXISTS);
            List<Artifact> artifacts = client.artifacts().list(p.name(), repo);
            if (artifacts.isEmpty() && r.artifactCount() != null && r.artifactCount() > 0) {
                // Harbor lists the artifacts of a repository it does not find as 200 [] (observations §1, step
                // art.get.missingrepo): an empty listing of a repository just listed with artifacts is no proof
                // that they are gone (deleted meanwhile, or a name Harbor resolved to nothing). Unknown this run.
                throw HarborException.of(site, "list artifacts of " + p.name() + "/" + repo, 503,
                        "INCOMPLETE_LISTING", "the repository was listed with " + r.artifactCount()
                                + " artifact(s) but its artifact listing is empty");
            }
            for (Artifact a : artifacts) {
                put(Kind.ARTIFACT, Keys.artifact(p.name(), repo, a.digest()), site, artifactValue(a));
            }
        }
    }

    private synchronized void forgetChildren(String site, String project) {
        for (Kind k : List.of(Kind.MEMBER, Kind.REPOSITORY, Kind.ARTIFACT)) {
            forgetPrefix(k, site, Keys.childPrefix(project)); // a child key is its project's name and a '/'
        }
    }

    /**
     * In a state made by {@link #copy}: the keys whose by-site map belongs to this state (copied on its first
     * change); the others are shared with the state it was copied from, which stays as it was. Null in a state
     * read from the sites, whose maps are all its own.
     */
    private Map<Kind, Set<String>> own;

    /** The key's by-site map, this state's own to change (copied first when shared); created when absent. */
    private Map<String, Value> writable(Kind kind, String key) {
        Map<String, Map<String, Value>> byKey = values.get(kind);
        Map<String, Value> bySite = byKey.get(key);
        if (bySite == null) {
            bySite = new TreeMap<>();
            byKey.put(key, bySite);
            if (own != null) {
                own.get(kind).add(key);
            }
        } else if (own != null && own.get(kind).add(key)) {
            bySite = new TreeMap<>(bySite);
            byKey.put(key, bySite);
        }
        return bySite;
    }

    /** The key is gone from the site; nothing happens when it was not there. */
    private synchronized void remove(Kind kind, String key, String site) {
        Map<String, Value> bySite = values.get(kind).get(key);
        if (bySite != null && bySite.containsKey(site)) {
            writable(kind, key).remove(site);
        }
    }

    /**
     * This state with the given operations done, each on its own site: taken from the writes' own answers
     * (see Reconciler#moveBase for why that is enough), except a project this run created, which is read
     * back because Harbor drops settings it does not know at creation without saying so.
     */
    LiveState afterWrites(List<Decision.Op> ops, Map<String, HarborClient> clients) {
        LiveState after = copy();
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        Map<String, ExecutorService> pools = new HashMap<>();
        try {
            for (Decision.Op op : ops) {
                String site = op.site();
                if (op.type() == Decision.OpType.DELETE) {
                    after.remove(op.kind(), op.key(), site);
                    switch (op.kind()) {
                        case PROJECT -> after.forgetChildren(site, op.key());
                        case REPOSITORY -> after.forgetPrefix(Kind.ARTIFACT, site, op.key() + "@");
                        default -> { }
                    }
                } else if (op.kind() == Kind.PROJECT && op.type() == Decision.OpType.CREATE) {
                    HarborClient client = clients.get(site);
                    ExecutorService pool = pools.computeIfAbsent(site,
                            x -> Executors.newFixedThreadPool(client.maxConcurrency(), daemonThreads(x)));
                    reads.add(CompletableFuture.runAsync(() -> after.rereadProject(site, client, op.key()), pool));
                } else {
                    after.put(op.kind(), op.key(), site, op.value());
                }
            }
            reads.forEach(LiveState::join);
        } finally {
            pools.values().forEach(ExecutorService::shutdownNow);
        }
        return after;
    }

    private void rereadProject(String site, HarborClient client, String project) {
        try {
            Optional<Project> p = client.projects().find(project);
            if (p.isEmpty()) {
                synchronized (this) {
                    remove(Kind.PROJECT, project, site);
                    forgetChildren(site, project); // a deleted project takes everything in it along
                }
                return;
            }
            Long storage = client.quotas().ofProject(p.get().projectId()).map(Quota::hardStorage).orElse(null);
            // Proxy-cache projects are synced only when their endpoint has the same name everywhere.
            String registry = p.get().isProxyCache() ? proxyCacheRegistryOf(project) : null;
            put(Kind.PROJECT, project, site, projectValue(p.get(), storage, registry));
        } catch (HarborException e) {
            synchronized (this) {
                unknownChildren.computeIfAbsent(site, x -> new HashSet<>()).add(project);
            }
        }
    }

    private synchronized String proxyCacheRegistryOf(String project) {
        return values.get(Kind.PROJECT).getOrDefault(project, Map.of()).values().stream()
                .map(v -> ((ProjectValue) v).proxyCacheRegistry()).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
    }

    /** The keys of a kind starting with the prefix are gone from the site (sorted keys: only those are visited). */
    private synchronized void forgetPrefix(Kind kind, String site, String prefix) {
        List<String> there = new ArrayList<>();
        for (Map.Entry<String, Map<String, Value>> e
                : ((java.util.NavigableMap<String, Map<String, Value>>) values.get(kind)).tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (e.getValue().containsKey(site)) {
                there.add(e.getKey());
            }
        }
        there.forEach(key -> writable(kind, key).remove(site));
    }

    private synchronized LiveState copy() {
        LiveState c = new LiveState();
        // The keys' by-site maps are shared until the copy changes one (writable): a full reconcile's state has
        // every key of every site, and copying all of them for the few the writes touched filled a small heap.
        values.forEach((kind, byKey) -> c.values.put(kind, new TreeMap<>(byKey)));
        c.own = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            c.own.put(k, new HashSet<>());
        }
        c.unknownSites.putAll(unknownSites);
        unknownChildren.forEach((site, projects) -> c.unknownChildren.put(site, new HashSet<>(projects)));
        c.proxyCache.addAll(proxyCache);
        projectChangedAt.forEach((site, m) -> c.projectChangedAt.put(site, new HashMap<>(m)));
        projectIds.forEach((site, m) -> c.projectIds.put(site, new HashMap<>(m)));
        return c;
    }

    private static void join(CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static ThreadFactory daemonThreads(String site) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "harbor-sync-read-" + site + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private synchronized void put(Kind kind, String key, String site, Value v) {
        Map<String, Value> bySite = writable(kind, key);
        // Sites in sync hold equal values: keep one instance (with its tag set) for all of them, as a full
        // read holds every key of every site at once on a small heap. Values are immutable once read.
        for (Value other : bySite.values()) {
            if (other.equals(v)) {
                v = other;
                break;
            }
        }
        bySite.put(site, v);
    }

    static ProjectValue projectValue(Project p, Long storageLimit) {
        return projectValue(p, storageLimit, null);
    }

    static ProjectValue projectValue(Project p, Long storageLimit, String proxyCacheRegistry) {
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

    static ArtifactValue artifactValue(Artifact a) {
        return new ArtifactValue(new TreeSet<>(a.tagNames()));
    }

    private static Optional<Instant> parseTime(String t) {
        try {
            return t == null ? Optional.empty() : Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The key's state on every site, as the decision function wants it. */
    KeyState keyState(Kind kind, String key, List<String> sites, Optional<KeyState.Base> base, Set<String> fresh) {
        Map<String, Value> present = new TreeMap<>();
        Set<String> absent = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        Map<String, Value> bySite = values.get(kind).getOrDefault(key, Map.of());
        String project = Keys.projectOf(key);
        Map<String, Instant> changedAt = new HashMap<>();
        for (String site : sites) {
            // A project whose read broke off (quota, members, repositories, artifacts) is unknown there as a
            // whole: its value may be missing, and deciding its fate needs its content.
            if (unknownSites.containsKey(site) || unknownChildren.getOrDefault(site, Set.of()).contains(project)) {
                unknown.add(site);
            } else if (bySite.containsKey(site)) {
                present.put(site, bySite.get(site));
            } else {
                absent.add(site);
            }
            if (kind == Kind.PROJECT) {
                Instant t = projectChangedAt.getOrDefault(site, Map.of()).get(project);
                if (t != null) {
                    changedAt.put(site, t);
                }
            }
        }
        return new KeyState(kind, key, present, absent, unknown, base, fresh, changedAt);
    }

    synchronized Optional<Long> quotaId(String site, String project) {
        return Optional.ofNullable(quotaIds.getOrDefault(site, Map.of()).get(project));
    }

    synchronized Optional<Long> memberId(String site, String memberKey) {
        return Optional.ofNullable(memberIds.getOrDefault(site, Map.of()).get(memberKey));
    }

    synchronized Long projectId(String site, String project) {
        return projectIds.getOrDefault(site, Map.of()).get(project);
    }

    /** The keys of a kind that start with the prefix (a project's children: "p/"), with their values by site. */
    Map<String, Map<String, Value>> startingWith(Kind kind, String prefix) {
        Map<String, Map<String, Value>> out = new TreeMap<>();
        for (Map.Entry<String, Map<String, Value>> e
                : ((java.util.NavigableMap<String, Map<String, Value>>) values.get(kind)).tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break; // sorted: every key with the prefix comes right after it
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    Set<String> keys(Kind kind) {
        return values.get(kind).keySet();
    }
}
