package io.harborsync.sync;

/**
 * A change the quick check would have missed, found by a verify pass: on {@code site}, {@code differing} keys under
 * {@code key} (a repository) differed from the base although the site listed the key with an unchanged mark.
 */
public record QuickCheckMiss(String site, String key, int differing) {
}
