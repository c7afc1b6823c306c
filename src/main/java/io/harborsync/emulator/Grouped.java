package io.harborsync.emulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * A site's rows of one resource by id, in insertion order, that also knows its rows per parent (a repository's
 * artifacts, a project's repositories), as Harbor's database finds them by an indexed foreign key. Without it, every
 * listing scanned all rows of the site under the site lock, which made the emulator, not the simulated latency,
 * the limit of a large benchmark. Rows change only through {@link #put} and {@link #remove}; the parent of a row is
 * fixed when it is put.
 */
final class Grouped<V> extends LinkedHashMap<Long, V> {
    private final transient ToLongFunction<V> parentOf;
    private final transient Map<Long, LinkedHashMap<Long, V>> byParent = new HashMap<>();

    Grouped(ToLongFunction<V> parentOf) {
        this.parentOf = parentOf;
    }

    @Override
    public V put(Long id, V row) {
        V old = super.put(id, row);
        if (old != null) unlink(id, old);
        byParent.computeIfAbsent(parentOf.applyAsLong(row), p -> new LinkedHashMap<>()).put(id, row);
        return old;
    }

    @Override
    public V remove(Object id) {
        V old = super.remove(id);
        if (old != null) unlink((Long) id, old);
        return old;
    }

    private void unlink(Long id, V row) {
        long parent = parentOf.applyAsLong(row);
        LinkedHashMap<Long, V> rows = byParent.get(parent);
        if (rows != null) {
            rows.remove(id);
            if (rows.isEmpty()) byParent.remove(parent);
        }
    }

    /** The rows of one parent, in the order they were put. */
    List<V> of(long parent) {
        LinkedHashMap<Long, V> rows = byParent.get(parent);
        return rows == null ? new ArrayList<>() : new ArrayList<>(rows.values());
    }

    Collection<V> viewOf(long parent) {
        LinkedHashMap<Long, V> rows = byParent.get(parent);
        return rows == null ? List.of() : rows.values();
    }

    /** Read-only: a removal through a view would bypass the per-parent rows, so it fails instead. */
    @Override
    public Collection<V> values() {
        return Collections.unmodifiableCollection(super.values());
    }

    @Override
    public Set<Long> keySet() {
        return Collections.unmodifiableSet(super.keySet());
    }

    @Override
    public Set<Map.Entry<Long, V>> entrySet() {
        return Collections.unmodifiableSet(super.entrySet());
    }

    @Override
    public void clear() {
        super.clear();
        byParent.clear();
    }

    /** Removes every row of one parent (a project deleted with its rows). */
    void removeParent(long parent) {
        LinkedHashMap<Long, V> rows = byParent.get(parent);
        if (rows != null) new ArrayList<>(rows.keySet()).forEach(this::remove);
    }

    /** Removes the rows the test holds (a removal through {@link #values()} is refused). */
    void removeRows(java.util.function.Predicate<V> test) {
        List<Long> ids = new ArrayList<>();
        super.forEach((id, row) -> {
            if (test.test(row)) ids.add(id);
        });
        ids.forEach(this::remove);
    }
}
