package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;

import java.util.List;

/**
 * The one webhook policy harbor-sync keeps in every project of every site. Harbor has no system-wide
 * webhook (api-notes §2.1), so the reconciler checks it for each project it reads and bootstrap sets it
 * up for the projects that exist; both go through here so that they agree on what "in place" means.
 */
public final class WebhookPolicies {
    public static final String NAME = "harbor-sync";
    public static final List<String> EVENTS = List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT");

    public enum Outcome { IN_PLACE, CREATED, UPDATED }

    private WebhookPolicies() {
    }

    /** Where a site posts its webhooks: the daemon tells the sites apart by the path. */
    public static String address(String webhookUrl, String site) {
        return webhookUrl.replaceAll("/+$", "") + "/webhooks/" + site;
    }

    /**
     * Creates or corrects the policy in {@code project}. With {@code dryRun} only reports what it would do.
     *
     * @param secret the Authorization value Harbor sends (the site's webhook secret), or null for none
     */
    public static Outcome ensure(HarborClient c, String project, String webhookUrl, String secret, boolean dryRun) {
        String address = address(webhookUrl, c.site());
        WebhookPolicy want = new WebhookPolicy(null, NAME, "harbor-sync: keeps the sites in step", null,
                List.of(new WebhookTarget("http", address, secret, false, "Default")), EVENTS, true);
        for (WebhookPolicy p : c.webhookPolicies().list(project)) {
            if (NAME.equals(p.name())) {
                WebhookTarget t = p.targets() == null || p.targets().isEmpty() ? null : p.targets().get(0);
                boolean same = t != null && address.equals(t.address()) && Boolean.TRUE.equals(p.enabled())
                        && p.eventTypes() != null && p.eventTypes().containsAll(EVENTS)
                        && (secret == null || secret.equals(t.authHeader()));
                if (same) {
                    return Outcome.IN_PLACE;
                }
                if (!dryRun) {
                    c.webhookPolicies().update(project, p.id(), want);
                }
                return Outcome.UPDATED;
            }
        }
        if (!dryRun) {
            c.webhookPolicies().create(project, want);
        }
        return Outcome.CREATED;
    }
}
