package io.harborsync.testsupport;

import io.harborsync.store.BaseRecord;
import io.harborsync.store.BaseStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A BaseStore in memory, for generated-history tests that run thousands of reconciles. */
public final class InMemoryBaseStore implements BaseStore {
    private final Map<String, BaseRecord> records = new ConcurrentSkipListMap<>();
    private volatile boolean everWritten;

    private static String id(String kind, String key) {
        return kind + "\u0000" + key;
    }

    @Override
    public Optional<BaseRecord> get(String kind, String key) {
        return Optional.ofNullable(records.get(id(kind, key)));
    }

    @Override
    public List<BaseRecord> list(String kind, String keyPrefix) {
        return records.values().stream().filter(r -> r.kind().equals(kind) && r.key().startsWith(keyPrefix)).toList();
    }

    @Override
    public void put(BaseRecord record) {
        everWritten = true;
        records.put(id(record.kind(), record.key()), record);
    }

    @Override
    public void delete(String kind, String key) {
        records.remove(id(kind, key));
    }

    @Override
    public long countOnSite(String kind, String site, long atMost) {
        return Math.min(atMost, records.values().stream()
                .filter(r -> r.kind().equals(kind) && r.sites().contains(site)).count());
    }

    @Override
    public boolean isEmpty() {
        return !everWritten;
    }

    private final Map<String, io.harborsync.store.ListingMark> marks = new ConcurrentSkipListMap<>();

    @Override
    public List<io.harborsync.store.ListingMark> marks(String keyPrefix) {
        return marks.values().stream().filter(m -> m.key().startsWith(keyPrefix)).toList();
    }

    @Override
    public synchronized void writeMarks(List<io.harborsync.store.ListingMark> puts, java.util.Collection<String> forget) {
        java.util.Set<String> gone = new java.util.HashSet<>(forget);
        marks.values().removeIf(m -> gone.contains(m.key()));
        puts.forEach(m -> marks.put(m.key() + "\u0000" + m.site(), m));
    }

    public int size() {
        return records.size();
    }
}
