package io.harborsync.store;

import java.util.List;
import java.util.Optional;

/** The sync base: what the sites last agreed on, per (kind, key). See docs/sync-model.md. */
public interface BaseStore {
    Optional<BaseRecord> get(String kind, String key);

    /** Records of {@code kind} whose key starts with {@code keyPrefix} ("" = all), ordered by key (String order). */
    List<BaseRecord> list(String kind, String keyPrefix);

    /**
     * Records of {@code kind} whose key starts with any of the prefixes, ordered by key: one part of a reconcile of
     * every project lists its batch of projects' content with it (issue 18), never the whole kind.
     */
    default List<BaseRecord> list(String kind, java.util.Collection<String> keyPrefixes) {
        List<BaseRecord> out = new java.util.ArrayList<>();
        for (String prefix : new java.util.TreeSet<>(keyPrefixes)) {
            out.addAll(list(kind, prefix));
        }
        out.sort(java.util.Comparator.comparing(BaseRecord::key));
        return out;
    }

    /** Insert or replace the record of (kind, key). */
    void put(BaseRecord record);

    /** Remove the record of (kind, key); nothing happens if there is none. */
    void delete(String kind, String key);

    /** A record to remove, for {@link #writeAll}. */
    record Removal(String kind, String key) {
    }

    /**
     * {@link #put} each record, then {@link #delete} each removal: what a reconcile moves the base by, in one
     * call, so that a store may write them together (one connection, a few commits) instead of one commit each.
     * Each (kind, key) appears at most once in both lists together.
     */
    default void writeAll(List<BaseRecord> puts, List<Removal> removals) {
        puts.forEach(this::put);
        removals.forEach(r -> delete(r.kind(), r.key()));
    }

    /**
     * Number of records of {@code kind} whose sites contain {@code site}, counted up to {@code atMost}: the
     * answer is min(count, atMost). The mass-deletion guard only asks "are there at least N?", and counting
     * stops there instead of scanning every record of a large base for each small batch of deletions.
     */
    long countOnSite(String kind, String site, long atMost);

    /**
     * The listing marks of keys starting with {@code keyPrefix} ("" = all), every site's (the quick check: what is
     * under a key whose site still lists it with the same mark is what the base says). A store without them
     * answers none, and every listing is then read in full.
     */
    default List<ListingMark> marks(String keyPrefix) {
        return List.of();
    }

    /** The listing marks of keys starting with any of the prefixes (one part of a reconcile of every project). */
    default List<ListingMark> marks(java.util.Collection<String> keyPrefixes) {
        List<ListingMark> out = new java.util.ArrayList<>();
        for (String prefix : new java.util.TreeSet<>(keyPrefixes)) {
            out.addAll(marks(prefix));
        }
        return out;
    }

    /**
     * Forgets every site's mark of each key in {@code forget}, then inserts or replaces each mark of {@code puts}.
     * A reconcile forgets the marks of keys whose content it saw differ before it moves the base, and puts the marks
     * of keys found agreed after it: a mark is never newer than the base it vouches for.
     */
    default void writeMarks(List<ListingMark> puts, java.util.Collection<String> forget) {
    }

    /**
     * True before the first base record was ever written (first contact). Stays false once a record was
     * written, even if every record is deleted later: an empty base after "deleted everywhere" is not
     * first contact.
     */
    boolean isEmpty();
}
