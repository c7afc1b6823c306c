package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.sync.Values.Value;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the sites hold right now, read for one {@link Scope} by the kinds of a {@link KindRegistry}. A failed read
 * never shrinks the picture: the site (or the project's content on that site) is recorded as unknown instead.
 */
final class LiveState {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LiveState.class);
    private final KindRegistry kinds;
    private final Map<Kind, NavigableMap<String, Map<String, Value>>> values = new HashMap<>();
    /** Sites whose listing failed, with why: every key is unknown there. */
    final Map<String, String> unknownSites = new TreeMap<>();
    /** site -> projects whose read broke off (their value or content): every key of them is unknown there. */
    final Map<String, Set<String>> unknownChildren = new HashMap<>();
    /** Kinds not read on any site, with why ({@link MirroredKind#precondition}): every key of them is unknown. */
    final Map<Kind, String> paused = new java.util.LinkedHashMap<>();
    /** site -> top-level kinds (after the first) whose listing failed there, with why: unknown on that site. */
    final Map<String, Map<Kind, String>> unknownKinds = new TreeMap<>();
    /**
     * site -> "kind|key" -> why: single keys a kind could not read there while the rest of their project read fine
     * ({@link SiteRead#unknown}); unknown on that site alone.
     */
    final Map<String, Map<String, String>> unknownKeys = new TreeMap<>();
    /** Top-level keys not synced, with the reason (e.g. proxy-cache projects in front of an unknown endpoint). */
    final Map<String, Plan.Excluded> excluded = new TreeMap<>();
    /** site -> "what|key" -> id there (ids are per site): a write then needs no lookup. */
    private final Map<String, Map<String, Long>> ids = new HashMap<>();
    /** "site|project" -> harbor-sync's own webhook policy there, when that project's policies were listed. */
    private final Map<String, Optional<WebhookPolicies.Found>> daemonWebhooks = new HashMap<>();

    /**
     * harbor-sync's own webhook policy in the project on the site: absent when the policies were not listed there
     * (unknown), an empty Optional inside when they were and it has none.
     */
    synchronized Optional<Optional<WebhookPolicies.Found>> daemonWebhook(String site, String project) {
        String k = site + "|" + project;
        return daemonWebhooks.containsKey(k) ? Optional.of(daemonWebhooks.get(k)) : Optional.empty();
    }

    /** site -> key -> Harbor's update time, for the "newest" policy. */
    private final Map<String, Map<String, Instant>> changedAt = new HashMap<>();

    /** What the reconcile of every project this state is a part of listed first (null otherwise). */
    private Head head;

    /** The quick check of the run that read this state (none for a state made otherwise). */
    private Shortcut quick = Shortcut.NONE;

    /** The settings the kinds read with (proxy-cache registries, bootstrap's robots), kept for read-backs. */
    private SyncSettings settings = SyncSettings.defaults("none");

    /** Reading tasks per request slot of a site (see {@link #read}). */
    static final int READERS_PER_SLOT = 2;

    LiveState(KindRegistry kinds) {
        this.kinds = kinds;
        for (Kind k : kinds.kinds()) {
            values.put(k, new TreeMap<>());
        }
    }

    /** An empty state of the standard kinds (nothing read: every key absent). */
    LiveState() {
        this(KindRegistry.standard());
    }

    /**
     * Where a site's listing under a key may be left out (issue 18's quick check, {@code QuickCheck}): what is under
     * the key on the site, per kind, when the site shows the key's mark unchanged; empty when it must be read.
     */
    interface Shortcut {
        Shortcut NONE = (site, kind, key, mark) -> Optional.empty();

        Optional<Map<Kind, Map<String, Value>>> unchanged(String site, Kind kind, String key, String mark);
    }

    /**
     * Reads the sites at the same time, and on each site as many projects at once as the site's client lets
     * requests through (harbor-sync.http.max-concurrency): a full read is thousands of small listings, so its
     * time is their latency divided by the requests in flight.
     *
     * <p>Each site's lane runs twice as many tasks as the site has slots: a task whose answer came back gives its
     * slot up before it files what it read and asks for the next page, and the task already waiting for a slot
     * takes it at once, so the slots stay busy while answers are processed. The client's slots, not the lanes,
     * bound the requests in flight; the lanes keep one site's reads from taking every thread of the executor.
     *
     * @param quick which listings may be left out because the site shows them unchanged (issue 18)
     */
    static LiveState read(KindRegistry kinds, Map<String, HarborClient> clients, Scope scope,
                          SyncSettings settings, Map<Kind, String> paused, Executor executor, Shortcut quick) {
        return read(kinds, clients, scope, settings, paused, executor, quick, null);
    }

    /**
     * What a reconcile of every project lists once, before it works through its parts (issue 18: the parts read
     * their batch of projects' content, never every site's whole state at once): per site, its projects with
     * their quotas (the quota listing complete, its pages side by side), or why the site is unknown this run.
     */
    static final class Head {
        /** site -> project name -> what the project kind listed (read by each part for its projects). */
        private final Map<String, Map<String, ?>> projects = new TreeMap<>();
        /** The head's own state: the sites it could not list or whose quota listing failed, with why. */
        private final LiveState state;
        /** The head's tasks: the project listings, and the quota pages still in flight while the first parts read. */
        private final Work work;
        private final Map<String, HarborClient> clients;
        /** Each client's lost sessions when the head began ({@link HarborClient#sessionsLost()}). */
        private final Map<String, Long> lostAtStart;
        /** Whether a part has joined the head yet ({@link #finish}). */
        private boolean joined;

        private Head(LiveState state, Work work, Map<String, HarborClient> clients, Map<String, Long> lostAtStart) {
            this.state = state;
            this.work = work;
            this.clients = clients;
            this.lostAtStart = lostAtStart;
        }

        /** Sites unknown for the rest of the run, with why. */
        Map<String, String> unknownSites() {
            synchronized (state) {
                return new TreeMap<>(state.unknownSites);
            }
        }

        /** Every project name some readable site listed. */
        Set<String> names() {
            Map<String, String> unknown = unknownSites();
            Set<String> out = new TreeSet<>();
            synchronized (this) {
                projects.forEach((site, items) -> {
                    if (!unknown.containsKey(site)) {
                        out.addAll(items.keySet());
                    }
                });
            }
            return out;
        }

        /** The project names the readable site listed; empty when it is unknown. */
        Optional<Set<String>> names(String site) {
            if (unknownSites().containsKey(site)) {
                return Optional.empty();
            }
            synchronized (this) {
                return Optional.ofNullable(projects.get(site)).map(Map::keySet);
            }
        }

        /**
         * Waits for the quota listings: the first parts read their projects while the pages are in flight, and a
         * project read meanwhile is filed into the part that read it when they end. Returns, to the first part
         * that joins, the sites whose session was lost while the head's listings ran (their answers may be an
         * anonymous caller's), as a part's read does for its own requests; to later parts none.
         */
        Set<String> finish() {
            work.await();
            synchronized (this) {
                if (joined) {
                    return Set.of();
                }
                joined = true;
            }
            Set<String> lost = new TreeSet<>();
            clients.forEach((site, client) -> {
                if (client.sessionsLost() != lostAtStart.get(site)) {
                    lost.add(site);
                }
            });
            return lost;
        }
    }

    /**
     * Lists every site's projects for the parts of a reconcile of every project ({@link Head}) and starts their
     * quota listings, which run on alongside the first part's reads: returns once the projects are listed.
     */
    static Head listHead(KindRegistry kinds, Map<String, HarborClient> clients, SyncSettings settings,
                         Executor executor) {
        LiveState s = new LiveState(kinds);
        s.settings = settings;
        Work work = new Work(executor);
        clients.forEach((site, client) -> work.lane(site, READERS_PER_SLOT * client.maxConcurrency()));
        Map<String, Long> lostBefore = new HashMap<>();
        clients.forEach((site, client) -> lostBefore.put(site, client.sessionsLost()));
        Head head = new Head(s, work, Map.copyOf(clients), Map.copyOf(lostBefore));
        MirroredKind projects = kinds.of(Kind.PROJECT);
        java.util.concurrent.CountDownLatch listed = new java.util.concurrent.CountDownLatch(clients.size());
        clients.forEach((site, client) -> work.submit(site, () -> {
            try {
                Map<String, ?> items = projects.listTop(new Reader(s, site, client, settings, work), Scope.ALL);
                synchronized (head) {
                    head.projects.put(site, items);
                }
            } catch (HarborException e) {
                synchronized (s) {
                    s.unknownSites.put(site, whyUnknown(e));
                }
            } finally {
                listed.countDown();
            }
        }));
        boolean interrupted = false;
        while (true) {
            try {
                listed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the listings hold slots: let them end
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        clients.forEach((site, client) -> {
            if (client.sessionsLost() != lostBefore.get(site)) {
                s.sessionLost(site);
            }
        });
        return head;
    }

    /**
     * @param head what a reconcile of every project listed before its parts, for a part's read (else null): a
     *             site it could not list is unknown in every part and not read again
     */
    static LiveState read(KindRegistry kinds, Map<String, HarborClient> clients, Scope scope,
                          SyncSettings settings, Map<Kind, String> paused, Executor executor, Shortcut quick,
                          Head head) {
        LiveState s = new LiveState(kinds);
        s.paused.putAll(paused);
        s.settings = settings;
        s.quick = quick;
        s.head = head;
        Work work = new Work(executor);
        clients.forEach((site, client) -> work.lane(site, READERS_PER_SLOT * client.maxConcurrency()));
        Map<String, Long> lostBefore = new HashMap<>();
        clients.forEach((site, client) -> lostBefore.put(site, client.sessionsLost()));
        Map<String, String> unknownBefore = head == null ? Map.of() : head.unknownSites();
        clients.forEach((site, client) -> {
            if (unknownBefore.containsKey(site)) {
                s.unknownSites.put(site, unknownBefore.get(site));
                return;
            }
            work.submit(site, () -> s.readSite(new Reader(s, site, client, settings, work), scope, work));
        });
        work.await();
        clients.forEach((site, client) -> {
            if (client.sessionsLost() != lostBefore.get(site)) {
                s.sessionLost(site);
            }
        });
        return s;
    }

    /**
     * For a part of a reconcile of every project, after its read: waits for the head's quota listings (the part's
     * projects read meanwhile are filed into it as they end) and takes the sites the head could not read. The read
     * itself returns without waiting, so that the next part can be read while this one waits and is worked on.
     * Nothing for other reads.
     */
    void joinHead() {
        if (head == null) {
            return;
        }
        head.finish().forEach(this::sessionLost);
        Map<String, String> unknown = head.unknownSites();
        synchronized (this) {
            unknown.forEach(unknownSites::putIfAbsent);
        }
    }

    private void readSite(Reader r, Scope scope, Work work) {
        if (scope.isArtifacts()) {
            MirroredKind artifacts = kinds.of(Kind.ARTIFACT);
            for (String key : scope.artifactKeys()) {
                work.submit(r.site, () -> {
                    try {
                        artifacts.readOne(r, key).ifPresent(v -> put(Kind.ARTIFACT, key, r.site, v));
                    } catch (HarborException e) {
                        projectUnknown(r.site, Keys.projectOf(key), e);
                    }
                });
            }
            return;
        }
        MirroredKind first = kinds.top().get(0);
        for (MirroredKind top : kinds.top()) {
            if (paused.containsKey(top.kind())) {
                continue;
            }
            Map<String, ?> items;
            try {
                items = top.listTop(r, scope);
            } catch (HarborException e) {
                synchronized (this) {
                    // The first kind (projects) holds everything else: without it the site is unknown. A later
                    // top-level kind's listing (system robots) failing leaves the projects known; a 401 never does.
                    if (top == first || e instanceof HarborException.Unauthorized) {
                        unknownSites.put(r.site, whyUnknown(e));
                        return;
                    }
                    unknownKinds.computeIfAbsent(r.site, x -> new java.util.LinkedHashMap<>())
                            .put(top.kind(), whyUnknown(e));
                }
                continue;
            }
            items.forEach((key, item) -> work.submit(r.site, () -> {
                try {
                    top.readTop(r, key, item);
                } catch (HarborException e) {
                    synchronized (this) {
                        forgetUnder(top.kind(), key, r.site);
                        projectUnknown(r.site, Keys.projectOf(key), e);
                    }
                }
            }));
        }
    }

    /** The engine's side of a kind's read of one site. */
    private static final class Reader implements SiteRead {
        private final LiveState s;
        private final String site;
        private final HarborClient client;
        private final SyncSettings settings;
        private final Map<String, Map<Object, ?>> lookups = new ConcurrentHashMap<>();
        /** The run's tasks, for {@link #alongside}; null outside a site's full read (a read-back). */
        private final Work work;

        Reader(LiveState s, String site, HarborClient client, SyncSettings settings, Work work) {
            this.s = s;
            this.site = site;
            this.client = client;
            this.settings = settings;
            this.work = work;
        }

        @Override
        public String site() {
            return site;
        }

        @Override
        public HarborClient client() {
            return client;
        }

        @Override
        public SyncSettings settings() {
            return settings;
        }

        @Override
        public void put(Kind kind, String key, Value value) {
            s.put(kind, key, site, value);
        }

        @Override
        public void id(String what, String key, long id) {
            synchronized (s) {
                s.ids.computeIfAbsent(site, x -> new HashMap<>()).put(what + "|" + key, id);
            }
        }

        @Override
        public void daemonWebhook(String project, Optional<WebhookPolicies.Found> found) {
            synchronized (s) {
                s.daemonWebhooks.put(site + "|" + project, found);
            }
        }

        @Override
        public void changedAt(String key, Instant at) {
            synchronized (s) {
                s.changedAt.computeIfAbsent(site, x -> new HashMap<>()).put(key, at);
            }
        }

        @Override
        public boolean unchanged(Kind kind, String key, String mark) {
            Optional<Map<Kind, Map<String, Value>>> held = s.quick.unchanged(site, kind, key, mark);
            held.ifPresent(byKind -> byKind.forEach((k, values) ->
                    values.forEach((childKey, v) -> s.put(k, childKey, site, v))));
            return held.isPresent();
        }

        @Override
        public void exclude(Kind kind, String key, String reason) {
            synchronized (s) {
                s.excluded.put(key, new Plan.Excluded(kind, reason));
            }
        }

        @Override
        public void unknown(Kind kind, String key, String why) {
            synchronized (s) {
                s.unknownKeys.computeIfAbsent(site, x -> new TreeMap<>()).put(kind.id() + "|" + key, why);
                s.writable(kind, key); // planned (as unknown, so reported) even where no site has a value for it
            }
            LOG.warnf("%s %s unknown on %s: %s", kind, key, site, why);
        }

        @Override
        public Optional<Map<String, ?>> listedBefore(Kind kind) {
            if (s.head == null || !kind.equals(Kind.PROJECT)) {
                return Optional.empty();
            }
            synchronized (s.head) {
                return Optional.ofNullable(s.head.projects.get(site));
            }
        }

        @Override
        public void alongside(Runnable task) {
            Runnable guarded = () -> {
                try {
                    task.run();
                } catch (HarborException e) {
                    synchronized (s) {
                        s.unknownSites.put(site, whyUnknown(e));
                    }
                }
            };
            if (work == null) {
                guarded.run();
            } else {
                work.submitFirst(site, guarded);
            }
        }

        @Override
        public void descend(Kind kind, String key, Object item) {
            for (MirroredKind child : s.kinds.childrenOf(kind)) {
                if (!s.paused.containsKey(child.kind())) {
                    child.readUnder(this, key, item);
                }
            }
        }

        /** Listed once per site read, and only if a kind asks (e.g. registries, for proxy-cache projects only). */
        @Override
        @SuppressWarnings("unchecked")
        public <T> Optional<T> lookup(String what, Object id, Supplier<Map<Object, T>> listing) {
            Map<Object, ?> m = lookups.get(what);
            if (m == null) {
                synchronized (lookups) {
                    m = lookups.get(what);
                    if (m == null) {
                        m = Map.copyOf(listing.get());
                        lookups.put(what, m);
                    }
                }
            }
            return Optional.ofNullable((T) m.get(id));
        }
    }

    /**
     * Harbor refused or forgot the login session during this site's read. The client logged in again and sent the
     * refused request once more, so no read failed; but Harbor answers an unknown session as anonymous (200 with the
     * public projects only), and what it answered before the loss was noticed may have been that: the whole site is
     * unknown for this run, as it is for a 401 (see whyUnknown).
     */
    private synchronized void sessionLost(String site) {
        unknownSites.putIfAbsent(site, HarborClient.NOT_AUTHENTICATED
                + " (Harbor forgot the login session during the read; logged in again)");
    }

    /** A project's read failed: its content is unknown, and the whole site where the failure was a 401 (see whyUnknown). */
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

    /** Everything under the key (of every kind below its kind) is gone from the site. */
    private synchronized void forgetUnder(Kind kind, String key, String site) {
        String prefix = kinds.of(kind).childPrefix(key);
        for (Kind below : kinds.below(kind)) {
            forgetPrefix(below, site, prefix);
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
     * (see Reconciler#moveBase for why that is enough), except a key whose kind Harbor may not take whole at
     * creation ({@link MirroredKind#readBackAfterCreate}), which is read back.
     */
    LiveState afterWrites(List<Decision.Op> ops, Map<String, HarborClient> clients, Executor executor) {
        LiveState after = copy();
        Work work = new Work(executor);
        clients.forEach((site, client) -> work.lane(site, client.maxConcurrency()));
        for (Decision.Op op : ops) {
            String site = op.site();
            if (!values.containsKey(op.kind())) {
                continue; // not a mirrored kind (the daemon's own webhook policies)
            }
            MirroredKind kind = kinds.of(op.kind());
            if (op.type() == Decision.OpType.DELETE) {
                synchronized (after) {
                    after.remove(op.kind(), op.key(), site);
                    after.forgetUnder(op.kind(), op.key(), site);
                }
            } else if (op.type() == Decision.OpType.CREATE && kind.readBackAfterCreate()) {
                Reader r = new Reader(after, site, clients.get(site), settings, null);
                work.submit(site, () -> after.readBack(kind, r, op));
            } else {
                after.put(op.kind(), op.key(), site, op.value());
            }
        }
        work.await();
        return after;
    }

    private void readBack(MirroredKind kind, Reader r, Decision.Op op) {
        try {
            Optional<Value> v = kind.readOne(r, op.key());
            if (v.isEmpty()) {
                synchronized (this) {
                    remove(op.kind(), op.key(), r.site);
                    forgetUnder(op.kind(), op.key(), r.site); // a deleted project takes everything in it along
                }
                return;
            }
            put(op.kind(), op.key(), r.site, v.get());
        } catch (HarborException e) {
            synchronized (this) {
                unknownChildren.computeIfAbsent(r.site, x -> new HashSet<>()).add(Keys.projectOf(op.key()));
            }
        }
    }

    /** The keys of a kind starting with the prefix are gone from the site (sorted keys: only those are visited). */
    private synchronized void forgetPrefix(Kind kind, String site, String prefix) {
        List<String> there = new ArrayList<>();
        for (Map.Entry<String, Map<String, Value>> e : values.get(kind).tailMap(prefix, true).entrySet()) {
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
        LiveState c = new LiveState(kinds);
        // The keys' by-site maps are shared until the copy changes one (writable): a full reconcile's state has
        // every key of every site, and copying all of them for the few the writes touched filled a small heap.
        values.forEach((kind, byKey) -> c.values.put(kind, new TreeMap<>(byKey)));
        c.own = new HashMap<>();
        for (Kind k : kinds.kinds()) {
            c.own.put(k, new HashSet<>());
        }
        c.unknownSites.putAll(unknownSites);
        unknownChildren.forEach((site, projects) -> c.unknownChildren.put(site, new HashSet<>(projects)));
        c.excluded.putAll(excluded);
        c.paused.putAll(paused);
        unknownKinds.forEach((site, m) -> c.unknownKinds.put(site, new java.util.LinkedHashMap<>(m)));
        unknownKeys.forEach((site, m) -> c.unknownKeys.put(site, new TreeMap<>(m)));
        c.settings = settings;
        c.head = head;
        changedAt.forEach((site, m) -> c.changedAt.put(site, new HashMap<>(m)));
        ids.forEach((site, m) -> c.ids.put(site, new HashMap<>(m)));
        return c;
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

    /** The key's state on every site, as the decision function wants it. */
    KeyState keyState(Kind kind, String key, List<String> sites, Optional<KeyState.Base> base, Set<String> fresh) {
        Map<String, Value> present = new TreeMap<>();
        Set<String> absent = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        Map<String, Value> bySite = values.get(kind).getOrDefault(key, Map.of());
        String project = Keys.projectOf(key);
        Map<String, Instant> when = new HashMap<>();
        for (String site : sites) {
            // A project whose read broke off (quota, members, repositories, artifacts) is unknown there as a
            // whole: its value may be missing, and deciding its fate needs its content.
            if (unknownSites.containsKey(site) || unknownChildren.getOrDefault(site, Set.of()).contains(project)
                    || paused.containsKey(kind) || unknownKinds.getOrDefault(site, Map.of()).containsKey(kind)
                    || unknownKeys.getOrDefault(site, Map.of()).containsKey(kind.id() + "|" + key)) {
                unknown.add(site);
            } else if (bySite.containsKey(site)) {
                present.put(site, bySite.get(site));
            } else {
                absent.add(site);
            }
            Instant t = changedAt.getOrDefault(site, Map.of()).get(key);
            if (t != null) {
                when.put(site, t);
            }
        }
        return new KeyState(kind, key, present, absent, unknown, base, fresh, when);
    }

    synchronized Optional<Long> id(String site, String what, String key) {
        return Optional.ofNullable(ids.getOrDefault(site, Map.of()).get(what + "|" + key));
    }

    /** The keys of a kind that start with the prefix (a project's children: "p/"), with their values by site. */
    Map<String, Map<String, Value>> startingWith(Kind kind, String prefix) {
        Map<String, Map<String, Value>> out = new TreeMap<>();
        for (Map.Entry<String, Map<String, Value>> e : values.get(kind).tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break; // sorted: every key with the prefix comes right after it
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** What the site holds of the kind under the prefix (a verify pass compares it with the base). */
    Map<String, Value> onSite(Kind kind, String prefix, String site) {
        Map<String, Value> out = new HashMap<>();
        startingWith(kind, prefix).forEach((key, bySite) -> {
            if (bySite.containsKey(site)) {
                out.put(key, bySite.get(site));
            }
        });
        return out;
    }

    /** The key's values by site (empty when no site has it). */
    Map<String, Value> valuesOf(Kind kind, String key) {
        return values.get(kind).getOrDefault(key, Map.of());
    }

    Set<String> keys(Kind kind) {
        return values.get(kind).keySet();
    }

    /** Whether the project's content on some site could not be read this run. */
    boolean contentUnknown(String project) {
        return unknownChildren.values().stream().anyMatch(ps -> ps.contains(project));
    }
}
