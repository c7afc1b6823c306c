package io.harborsync.sync;

import io.harborsync.model.Kind;

/**
 * A change the quick check would have missed, found by a verify pass: on {@code site}, {@code differing} keys under
 * {@code key} differed from the base although the site showed the key unchanged. {@code kind} says which shortcut
 * trusted it: {@link Kind#REPOSITORY} (the repository listed with an unchanged mark; its artifacts and their labels
 * differed) or {@link Kind#MEMBER} ({@code key} a project whose audit log showed no member row; its members differed).
 */
public record QuickCheckMiss(String site, Kind kind, String key, int differing) {
}
