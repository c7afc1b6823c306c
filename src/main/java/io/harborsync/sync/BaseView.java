package io.harborsync.sync;

import io.harborsync.model.Kind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.store.BaseRecord;
import io.harborsync.store.BaseStore;
import io.harborsync.sync.Values.Value;

import java.util.HashMap;
import java.util.List;
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

    private record Listing(String prefix, List<BaseRecord> sorted, Map<String, BaseRecord> records) {
    }

    private final BaseStore store;
    private final KindRegistry kinds;
    private final Cache cache;
    /** Concurrent: the quick check lists a kind from the reading threads, the planner the same listing later. */
    private final Map<Kind, Listing> listed = new ConcurrentHashMap<>();

    BaseView(BaseStore store, KindRegistry kinds, Cache cache) {
        this.store = store;
        this.kinds = kinds;
        this.cache = cache;
    }

    /**
     * Lists the kind's records under the prefix ("" for all), ordered by key, and keeps them for this run's lookups:
     * the same listing asked again in this run (the quick check's, then the planner's) is not read again.
     */
    List<BaseRecord> list(Kind kind, String prefix) {
        Listing l = listed.get(kind);
        if (l != null && l.prefix().equals(prefix)) {
            return l.sorted();
        }
        List<BaseRecord> records = store.list(kind.id(), prefix);
        Map<String, BaseRecord> byKey = new HashMap<>();
        records.forEach(r -> byKey.put(r.key(), r));
        listed.put(kind, new Listing(prefix, records, byKey));
        return records;
    }

    /** The kind's records under the prefix, without keeping them (a question about other keys). */
    List<BaseRecord> peek(Kind kind, String prefix) {
        return store.list(kind.id(), prefix);
    }

    /** The key's base record: from this run's listing when it covers the key, else from the store. */
    Optional<BaseRecord> record(Kind kind, String key) {
        Listing l = listed.get(kind);
        if (l != null && key.startsWith(l.prefix())) {
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
