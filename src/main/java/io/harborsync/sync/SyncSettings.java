package io.harborsync.sync;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the engine behaves, resolved from configuration.
 *
 * @param webhookUrl      base URL Harbor should post webhooks to (…/webhooks/{site} is appended), if any
 * @param webhookSecrets  per site, the Authorization value for its webhook policies
 * @param groupType       group type used when a group member is added on a peer (1 LDAP, 2 HTTP, 3 OIDC):
 *                        Harbor's member listing does not say which type a group is
 * @param proxyCacheRegistries registry endpoints that exist under the same name on every site: proxy-cache
 *                        projects in front of them are synced; other proxy-cache projects are skipped
 */
public record SyncSettings(ConflictPolicy policy, double maxDeleteFraction, Set<Kind> deletionDisabled,
                           Optional<String> webhookUrl, Map<String, String> webhookSecrets, int groupType,
                           Set<String> proxyCacheRegistries) {

    public SyncSettings(ConflictPolicy policy, double maxDeleteFraction, Set<Kind> deletionDisabled,
                        Optional<String> webhookUrl, Map<String, String> webhookSecrets, int groupType) {
        this(policy, maxDeleteFraction, deletionDisabled, webhookUrl, webhookSecrets, groupType, Set.of());
    }

    /** The same settings with another conflict policy (the active site moved). */
    public SyncSettings withPolicy(ConflictPolicy other) {
        return new SyncSettings(other, maxDeleteFraction, deletionDisabled, webhookUrl, webhookSecrets, groupType,
                proxyCacheRegistries);
    }

    public boolean propagates(Kind kind) {
        return !deletionDisabled.contains(kind);
    }

    public static SyncSettings defaults(String activeSite) {
        return new SyncSettings(ConflictPolicy.parse("active-site", activeSite), 0.25, Set.of(), Optional.empty(),
                Map.of(), 1);
    }
}
