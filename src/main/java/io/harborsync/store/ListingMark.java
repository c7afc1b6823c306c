package io.harborsync.store;

import java.util.Objects;

/**
 * What one site's listing showed of a key (a repository: its {@code update_time} and {@code artifact_count}, as
 * Harbor wrote them) in the last run in which every site agreed on everything under the key. Opaque to the store:
 * only compared for equality with what the same site shows later (never across sites, never as a clock).
 */
public record ListingMark(String site, String key, String mark) {
    public ListingMark {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mark, "mark");
    }
}
