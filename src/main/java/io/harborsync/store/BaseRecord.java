package io.harborsync.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One entry of the sync base: for {@code (kind, key)}, the attributes the sites last agreed on
 * ({@code valueJson}, opaque to the store) and the sites on which the key then existed.
 * <p>
 * {@code sites} is kept sorted and unmodifiable; site names must not contain a comma (they are stored
 * comma-joined). {@code updatedAt} is truncated to microseconds, the precision both H2 and PostgreSQL
 * keep, so that a record reads back equal to what was written.
 */
public record BaseRecord(String kind, String key, String valueJson, Set<String> sites, Instant updatedAt) {
    public BaseRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(valueJson, "valueJson");
        Objects.requireNonNull(updatedAt, "updatedAt");
        TreeSet<String> sorted = new TreeSet<>();
        for (String s : sites == null ? Set.<String>of() : sites) {
            if (s == null || s.isEmpty() || s.indexOf(',') >= 0) {
                throw new IllegalArgumentException("invalid site name in base record: '" + s + "'");
            }
            sorted.add(s);
        }
        sites = Collections.unmodifiableSortedSet(sorted);
        updatedAt = updatedAt.truncatedTo(ChronoUnit.MICROS);
    }
}
