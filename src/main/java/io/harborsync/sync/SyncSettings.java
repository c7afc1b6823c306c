package io.harborsync.sync;

import io.harborsync.model.Kind;
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
 * @param accounts        per site, the account the daemon signs in with (to know whom Harbor makes the owner of a
 *                        project it creates); a site without one is taken as signed in as a robot account
 * @param bootstrapRobots per site, the ids of the robots {@code bootstrap} made for replication and for the daemon
 *                        (its record, {@value #BOOTSTRAP_RECORD}): each site's own by design, never mirrored
 */
public record SyncSettings(ConflictPolicy policy, double maxDeleteFraction, Set<Kind> deletionDisabled,
                           Optional<String> webhookUrl, Map<String, String> webhookSecrets, int groupType,
                           Set<String> proxyCacheRegistries, Map<String, String> accounts,
                           Map<String, Set<Long>> bootstrapRobots) {
    /** The file in bootstrap's secrets directory that lists, per site, the ids of the robots it made. */
    public static final String BOOTSTRAP_RECORD = "bootstrap-robots.json";

    public SyncSettings(ConflictPolicy policy, double maxDeleteFraction, Set<Kind> deletionDisabled,
                        Optional<String> webhookUrl, Map<String, String> webhookSecrets, int groupType,
                        Set<String> proxyCacheRegistries, Map<String, String> accounts) {
        this(policy, maxDeleteFraction, deletionDisabled, webhookUrl, webhookSecrets, groupType, proxyCacheRegistries,
                accounts, Map.of());
    }

    /** Harbor makes its first sysadmin, user id 1 that cannot be deleted, the owner of what robot accounts create. */
    static final String FIRST_SYSADMIN = "admin";

    public SyncSettings(ConflictPolicy policy, double maxDeleteFraction, Set<Kind> deletionDisabled,
                        Optional<String> webhookUrl, Map<String, String> webhookSecrets, int groupType,
                        Set<String> proxyCacheRegistries) {
        this(policy, maxDeleteFraction, deletionDisabled, webhookUrl, webhookSecrets, groupType, proxyCacheRegistries,
                Map.of());
    }

    public SyncSettings(ConflictPolicy policy, double maxDeleteFraction, Set<Kind> deletionDisabled,
                        Optional<String> webhookUrl, Map<String, String> webhookSecrets, int groupType) {
        this(policy, maxDeleteFraction, deletionDisabled, webhookUrl, webhookSecrets, groupType, Set.of());
    }

    /** The same settings with another conflict policy (the active site moved). */
    public SyncSettings withPolicy(ConflictPolicy other) {
        return new SyncSettings(other, maxDeleteFraction, deletionDisabled, webhookUrl, webhookSecrets, groupType,
                proxyCacheRegistries, accounts, bootstrapRobots);
    }

    public boolean propagates(Kind kind) {
        return !deletionDisabled.contains(kind);
    }

    /** Whom Harbor makes a member (the owner) of a project the daemon creates on the site. */
    public String creatorOn(String site) {
        String account = accounts.get(site);
        return account == null || account.startsWith(io.harborsync.model.Keys.ROBOT_PREFIX) ? FIRST_SYSADMIN : account;
    }

    public static SyncSettings defaults(String activeSite) {
        return new SyncSettings(ConflictPolicy.parse("active-site", activeSite), 0.25, Set.of(), Optional.empty(),
                Map.of(), 1);
    }
}
