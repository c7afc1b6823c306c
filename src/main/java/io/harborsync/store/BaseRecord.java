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
        Set<String> given = sites == null ? Set.of() : sites;
        for (String s : given) {
            if (s == null || s.isEmpty() || s.indexOf(',') >= 0) {
                throw new IllegalArgumentException("invalid site name in base record: '" + s + "'");
            }
        }
        sites = canonicalSites(given);
        if (updatedAt.getNano() % 1000 != 0) {
            updatedAt = updatedAt.truncatedTo(ChronoUnit.MICROS);
        }
    }

    /**
     * Every record of a base names one of a handful of site sets ("h1,h2"), and a reconcile holds tens of
     * thousands of records: one shared unmodifiable sorted set per combination instead of one per record.
     */
    private static final java.util.Map<Set<String>, java.util.SortedSet<String>> SITE_SETS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_SITE_SETS = 1024;

    private static java.util.SortedSet<String> canonicalSites(Set<String> valid) {
        java.util.SortedSet<String> known = SITE_SETS.get(valid);
        if (known != null) {
            return known;
        }
        java.util.SortedSet<String> made = Collections.unmodifiableSortedSet(new TreeSet<>(valid));
        if (SITE_SETS.size() < MAX_SITE_SETS) {
            java.util.SortedSet<String> raced = SITE_SETS.putIfAbsent(Set.copyOf(made), made);
            return raced != null ? raced : made;
        }
        return made;
    }
}
