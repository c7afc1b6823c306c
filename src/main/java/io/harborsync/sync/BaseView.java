package io.harborsync.sync;

import io.harborsync.model.Kind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.store.BaseRecord;
import io.harborsync.store.BaseStore;
import io.harborsync.sync.Values.Value;

import io.harborsync.model.Keys;
import io.harborsync.model.Scope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run's view of the base: the records of its scope listed once (a full reconcile lists each kind once instead
 * of querying the store twice per key), parsed into values with a cache of distinct texts shared by runs (a base
 * holds few distinct values: {"roleId":2}, an artifact's usual tags). A run decides, applies and records with one
 * view; full and project reconciles run alone, so nobody writes the base between its listing and its recording.
 */
final class BaseView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CACHED = 4096;

    /** Parsed values and written texts, shared by the runs of one reconciler (concurrent, bounded, values immutable). */
    static final class Cache {
        private final Map<Kind, Map<String, Value>> parsed = new ConcurrentHashMap<>();
        private final Map<Value, String> written = new ConcurrentHashMap<>();
    }

    /** A kind's records the run listed: under {@code prefix}, or (prefix null) under a part's projects. */
    private record Listing(String prefix, Set<String> projects, List<BaseRecord> sorted,
                           Map<String, BaseRecord> records) {
        boolean covers(String key) {
            return prefix != null ? key.startsWith(prefix) : projects.contains(Keys.projectOf(key));
        }
    }

    private final BaseStore store;
    private final KindRegistry kinds;
    private final Cache cache;
    /** Concurrent: the quick check lists a kind from the reading threads, the planner the same listing later. */
    private final Map<Kind, Listing> listed = new ConcurrentHashMap<>();

    /** In a part's view: the project records of the whole run, listed once before its parts. */
    private final Map<String, BaseRecord> runProjects;

    BaseView(BaseStore store, KindRegistry kinds, Cache cache) {
        this(store, kinds, cache, null);
    }

    private BaseView(BaseStore store, KindRegistry kinds, Cache cache, Map<String, BaseRecord> runProjects) {
        this.store = store;
        this.kinds = kinds;
        this.cache = cache;
        this.runProjects = runProjects;
    }

    /**
     * The view of one part of a reconcile of every project: the project records are this view's (listed once for
     * the run), what is under them is listed per part.
     */
    BaseView forPart() {
        return new BaseView(store, kinds, cache, projectRecords());
    }

    /** The run's project records by key, listed once (each project is in one part only). */
    private Map<String, BaseRecord> projectsByKey;

    private synchronized Map<String, BaseRecord> projectRecords() {
        if (runProjects != null) {
            return runProjects;
        }
        if (projectsByKey == null) {
            Map<String, BaseRecord> projects = new HashMap<>();
            list(Kind.PROJECT, "").forEach(r -> projects.put(r.key(), r));
            projectsByKey = projects;
        }
        return projectsByKey;
    }

    /** The project keys the base knows (a run's view: listed once). */
    java.util.Set<String> projectKeys() {
        return projectRecords().keySet();
    }

    /**
     * The kind's records the scope covers, listed once per view: everything (every project), the project's own
     * record or what is under it (one project), or a part's: its projects' records, what is under them, and the
     * top-level kinds it carries. Artifact scopes ask for single keys instead ({@link #record}).
     */
    synchronized List<BaseRecord> inScope(Kind kind, Scope scope) {
        boolean top = kinds.of(kind).parent() == null;
        if (scope.isAll()) {
            return list(kind, "");
        }
        if (scope.project().isPresent()) {
            String p = scope.project().get();
            return top ? record(kind, p).stream().toList() : list(kind, Keys.childPrefix(p));
        }
        if (kind.equals(Kind.PROJECT)) {
            List<BaseRecord> out = new ArrayList<>();
            new java.util.TreeSet<>(scope.partProjects()).forEach(p -> record(kind, p).ifPresent(out::add));
            return out;
        }
        if (top) {
            return scope.coversTop(kind) ? list(kind, "") : List.of();
        }
        Listing l = listed.get(kind);
        if (l != null && l.prefix() == null && l.projects().equals(scope.partProjects())) {
            return l.sorted();
        }
        List<BaseRecord> records = store.list(kind.id(), scope.partProjects().stream().map(Keys::childPrefix).toList());
        Map<String, BaseRecord> byKey = new HashMap<>();
        records.forEach(r -> byKey.put(r.key(), r));
        listed.put(kind, new Listing(null, Set.copyOf(scope.partProjects()), records, byKey));
        return records;
    }

    /**
     * Lists the kind's records under the prefix ("" for all), ordered by key, and keeps them for this run's lookups:
     * the same listing asked again in this run (the quick check's, then the planner's) is not read again.
     */
    synchronized List<BaseRecord> list(Kind kind, String prefix) {
        Listing l = listed.get(kind);
        if (l != null && l.prefix().equals(prefix)) {
            return l.sorted();
        }
        List<BaseRecord> records = store.list(kind.id(), prefix);
        Map<String, BaseRecord> byKey = new HashMap<>();
        records.forEach(r -> byKey.put(r.key(), r));
        listed.put(kind, new Listing(prefix, Set.of(), records, byKey));
        return records;
    }

    /**
     * What the base says the site holds of the kind under the prefix, among the scope's records (listed once, see
     * {@link #inScope}): what a site the quick check found unchanged holds there.
     */
    Map<String, Value> onSite(Kind kind, Scope scope, String prefix, String site) {
        List<BaseRecord> sorted = inScope(kind, scope);
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) { // the first key at or after the prefix: every key with it follows
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).key().compareTo(prefix) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Map<String, Value> out = new java.util.TreeMap<>();
        for (int i = lo; i < sorted.size() && sorted.get(i).key().startsWith(prefix); i++) {
            BaseRecord r = sorted.get(i);
            if (r.sites().contains(site)) {
                out.put(r.key(), parsed(kind, r.valueJson()));
            }
        }
        return out;
    }

    /** The kind's records under the prefix, without keeping them (a question about other keys). */
    List<BaseRecord> peek(Kind kind, String prefix) {
        return store.list(kind.id(), prefix);
    }

    /** The key's base record: from this run's listing when it covers the key, else from the store. */
    Optional<BaseRecord> record(Kind kind, String key) {
        if (runProjects != null && kind.equals(Kind.PROJECT)) {
            return Optional.ofNullable(runProjects.get(key));
        }
        Listing l = listed.get(kind);
        if (l != null && l.covers(key)) {
            return Optional.ofNullable(l.records().get(key));
        }
        return store.get(kind.id(), key);
    }

    Optional<KeyState.Base> base(Kind kind, String key) {
        return record(kind, key).map(r -> new KeyState.Base(parsed(kind, r.valueJson()), r.sites()));
    }

    /** How many keys of the kind the base says the site had, counted up to {@code enough}. */
    long countOnSite(Kind kind, String site, long enough) {
        return store.countOnSite(kind.id(), site, enough);
    }

    Value parsed(Kind kind, String json) {
        Map<String, Value> c = cache.parsed.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
        Value v = c.get(json);
        if (v == null) {
            try {
                v = JSON.readValue(json, kinds.of(kind).valueType());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable base record of kind " + kind + ": " + e.getOriginalMessage());
            }
            if (c.size() >= MAX_CACHED) {
                c.clear();
            }
            c.put(json, v);
        }
        return v;
    }

    /** Any attribute or value as JSON, uncached (conflict reports). */
    String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a " + value.getClass().getSimpleName(), e);
        }
    }

    String written(Value value) {
        String json = cache.written.get(value);
        if (json == null) {
            json = json(value);
            if (cache.written.size() >= MAX_CACHED) {
                cache.written.clear();
            }
            cache.written.put(value, json);
        }
        return json;
    }
}
