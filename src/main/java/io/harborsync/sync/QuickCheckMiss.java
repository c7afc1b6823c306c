package io.harborsync.sync;

import io.harborsync.model.Kind;

/**
 * A change the quick check would have missed, found by a verify pass: on {@code site}, {@code differing} keys under
 * {@code key} differed from the base although the site showed the key unchanged. {@code kind} says which shortcut
 * trusted it: {@link Kind#REPOSITORY} (the repository listed with an unchanged mark; its artifacts and their labels
 * differed) or {@link Kind#MEMBER} ({@code key} a project whose audit log showed no member row; its members differed).
 */
public record QuickCheckMiss(String site, Kind kind, String key, int differing) {
    /** How many keys differ between what the base says a site holds and what it listed (either side may lack one). */
    static int differing(java.util.Map<String, ?> want, java.util.Map<String, ?> have) {
        java.util.Set<String> keys = new java.util.HashSet<>(want.keySet());
        keys.addAll(have.keySet());
        return (int) keys.stream().filter(k -> !java.util.Objects.equals(want.get(k), have.get(k))).count();
    }
}
