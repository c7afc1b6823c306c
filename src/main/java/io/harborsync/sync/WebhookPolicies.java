package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The one webhook policy harbor-sync keeps in every project of every site. Harbor has no system-wide
 * webhook (api-notes §2.1), so the reconciler checks it for each project it reads and bootstrap sets it
 * up for the projects that exist; both go through here so that they agree on what "in place" means.
 * <p>
 * Its name identifies this installation: {@code harbor-sync-} and a hash of {@code harbor-sync.webhook.url}, so
 * that several installations on the same Harbors (a staging daemon beside production, two lab daemons) never
 * rewrite each other's policy. Every policy named {@code harbor-sync} or {@code harbor-sync-…} is a daemon's and
 * is never mirrored as a user's; one named plain {@code harbor-sync} (what earlier versions made) is taken over
 * when its target is this installation's address, and left alone otherwise.
 */
public final class WebhookPolicies {
    /** What versions before per-installation names called every daemon's policy. */
    public static final String LEGACY_NAME = "harbor-sync";
    static final String PREFIX = LEGACY_NAME + "-";
    public static final List<String> EVENTS = List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT");

    public enum Outcome { IN_PLACE, CREATED, UPDATED }

    /** This installation's policy in one project of one site: its id there and whether it needs no write. */
    public record Found(long id, boolean inPlace) {
    }

    private WebhookPolicies() {
    }

    /** The name of this installation's policy: the same on every site, another for another webhook URL. */
    public static String name(String webhookUrl) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(base(webhookUrl).getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(h, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A policy some harbor-sync installation keeps (this one's or another's): never a user's policy. */
    public static boolean isDaemons(String policyName) {
        return policyName != null && (policyName.equals(LEGACY_NAME) || policyName.startsWith(PREFIX));
    }

    private static String base(String webhookUrl) {
        return webhookUrl.replaceAll("/+$", "");
    }

    /** Where a site posts its webhooks: the daemon tells the sites apart by the path. */
    public static String address(String webhookUrl, String site) {
        return base(webhookUrl) + "/webhooks/" + site;
    }

    /**
     * This installation's policy among a project's policies: the one of its name, else a legacy one whose target
     * is its address (taken over, so never in place: it gets the new name). Empty when there is none.
     *
     * @param secret the Authorization value Harbor sends (the site's webhook secret), or null for none
     */
    public static Optional<Found> ours(List<WebhookPolicy> policies, String webhookUrl, String site, String secret) {
        String name = name(webhookUrl);
        String address = address(webhookUrl, site);
        WebhookPolicy legacy = null;
        for (WebhookPolicy p : policies) {
            if (p.id() == null) {
                continue;
            }
            if (name.equals(p.name())) {
                WebhookTarget t = p.targets() == null || p.targets().isEmpty() ? null : p.targets().get(0);
                boolean same = t != null && p.targets().size() == 1 && address.equals(t.address())
                        && Boolean.TRUE.equals(p.enabled()) && p.eventTypes() != null
                        && p.eventTypes().containsAll(EVENTS)
                        && (secret == null || secret.equals(t.authHeader()));
                return Optional.of(new Found(p.id(), same));
            }
            if (legacy == null && LEGACY_NAME.equals(p.name()) && p.targets() != null
                    && p.targets().stream().anyMatch(t -> address.equals(t.address()))) {
                legacy = p;
            }
        }
        return legacy == null ? Optional.empty() : Optional.of(new Found(legacy.id(), false));
    }

    /** The policy as this installation wants it on {@code site}. */
    static WebhookPolicy wanted(String webhookUrl, String site, String secret) {
        return new WebhookPolicy(null, name(webhookUrl), "harbor-sync: keeps the sites in step", null,
                List.of(new WebhookTarget("http", address(webhookUrl, site), secret, false, "Default")), EVENTS, true);
    }

    /** Writes the wanted policy: a PUT of the one found (whole), or a new one. One request, no listing. */
    public static Outcome apply(HarborClient c, String project, String webhookUrl, String secret,
                                Optional<Found> found) {
        WebhookPolicy want = wanted(webhookUrl, c.site(), secret);
        if (found.isPresent()) {
            if (found.get().inPlace()) {
                return Outcome.IN_PLACE;
            }
            c.webhookPolicies().update(project, found.get().id(), want);
            return Outcome.UPDATED;
        }
        c.webhookPolicies().create(project, want);
        return Outcome.CREATED;
    }

    /**
     * Creates or corrects the policy in {@code project} after listing the project's policies (bootstrap's way;
     * the engine knows them from its read). With {@code dryRun} only reports what it would do.
     *
     * @param secret the Authorization value Harbor sends (the site's webhook secret), or null for none
     */
    public static Outcome ensure(HarborClient c, String project, String webhookUrl, String secret, boolean dryRun) {
        Optional<Found> found = ours(c.webhookPolicies().list(project), webhookUrl, c.site(), secret);
        if (dryRun) {
            return found.map(f -> f.inPlace() ? Outcome.IN_PLACE : Outcome.UPDATED).orElse(Outcome.CREATED);
        }
        return apply(c, project, webhookUrl, secret, found);
    }
}
