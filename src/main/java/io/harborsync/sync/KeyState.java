package io.harborsync.sync;

import io.harborsync.model.Kind;
import io.harborsync.sync.Values.Value;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything known about one key in one run: the live state per site (present, known absent, or
 * unknown because the site could not be read), the base, and the sites whose copy of the key's
 * project is being created in this run (their absence is not a deletion).
 */
public record KeyState(Kind kind, String key, Map<String, Value> present, Set<String> absent, Set<String> unknown,
                       Optional<Base> base, Set<String> freshSites, Map<String, Instant> changedAt) {

    /** What the sites last agreed on, and where the key existed then. */
    public record Base(Value value, Set<String> sites) {
    }
}
