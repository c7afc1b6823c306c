package io.harborsync.sync;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Who wins when sites changed the same key differently ({@code harbor-sync.conflict-policy}):
 * {@code active-site} (default), {@code newest}, {@code site:<name>} or {@code report-only}.
 */
public sealed interface ConflictPolicy {

    /**
     * @param candidates the sites whose state could win
     * @param changedAt  when each site last changed the key, where Harbor tells (may be empty)
     * @return the winning site, or empty to leave the conflict unresolved (reported only)
     */
    Optional<String> winner(java.util.Set<String> candidates, Map<String, Instant> changedAt);

    String describe();

    static ConflictPolicy parse(String text, String activeSite) {
        String t = text == null ? "" : text.trim();
        if (t.equals("active-site")) {
            return new FixedSite(activeSite, "active-site (" + activeSite + ")");
        }
        if (t.equals("newest")) {
            return new Newest(activeSite);
        }
        if (t.equals("report-only")) {
            return new ReportOnly();
        }
        if (t.startsWith("site:") && t.length() > 5) {
            return new FixedSite(t.substring(5), t);
        }
        throw new IllegalArgumentException(
                "must be active-site, newest, site:<name> or report-only, got '" + text + "'");
    }

    /**
     * That site's version wins. Where it lacks the key (e.g. two other sites created it differently),
     * the newest known change wins, else the first site by name: every run picks the same.
     */
    record FixedSite(String site, String describe) implements ConflictPolicy {
        @Override
        public Optional<String> winner(java.util.Set<String> candidates, Map<String, Instant> changedAt) {
            if (candidates.contains(site)) {
                return Optional.of(site);
            }
            return newestOrFirst(candidates, changedAt);
        }
    }

    private static Optional<String> newestOrFirst(java.util.Set<String> candidates, Map<String, Instant> changedAt) {
        if (!candidates.isEmpty() && changedAt.keySet().containsAll(candidates)) {
            // Ties go to the alphabetically first site, so every run picks the same one.
            java.util.Comparator<String> byTime = java.util.Comparator.comparing(changedAt::get);
            return candidates.stream().max(byTime.thenComparing(java.util.Comparator.<String>reverseOrder()));
        }
        return candidates.stream().sorted().findFirst();
    }

    /** Newest change wins where every candidate's change time is known; otherwise the active site. */
    record Newest(String activeSite) implements ConflictPolicy {
        @Override
        public Optional<String> winner(java.util.Set<String> candidates, Map<String, Instant> changedAt) {
            if (changedAt.keySet().containsAll(candidates)) {
                return newestOrFirst(candidates, changedAt);
            }
            return candidates.contains(activeSite) ? Optional.of(activeSite) : newestOrFirst(candidates, Map.of());
        }

        @Override
        public String describe() {
            return "newest (falls back to " + activeSite + " where Harbor records no change time)";
        }
    }

    record ReportOnly() implements ConflictPolicy {
        @Override
        public Optional<String> winner(java.util.Set<String> candidates, Map<String, Instant> changedAt) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "report-only";
        }
    }
}
