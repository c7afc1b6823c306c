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
 */
public record SyncSettings(ConflictPolicy policy, double maxDeleteFraction, Set<Kind> deletionDisabled,
                           Optional<String> webhookUrl, Map<String, String> webhookSecrets, int groupType) {

    public boolean propagates(Kind kind) {
        return !deletionDisabled.contains(kind);
    }

    public static SyncSettings defaults(String activeSite) {
        return new SyncSettings(ConflictPolicy.parse("active-site", activeSite), 0.25, Set.of(), Optional.empty(),
                Map.of(), 1);
    }
}
