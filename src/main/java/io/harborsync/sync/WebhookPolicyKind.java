package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.Value;
import io.harborsync.sync.Values.WebhookPolicyValue;
import io.harborsync.sync.Values.WebhookTargetValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The webhook policies people made in a project (observations §7), keyed by project and name
 * ({@link Keys#webhookPolicy}: "p/webhook:deploy-hook"): description, enabled, event types and targets, merged
 * attribute by attribute. Not a daemon's own policy ({@link WebhookPolicies#isDaemons}, kept by the upkeep, recognised
 * by the same name test), nor a nameless one (Harbor allows it; without a name it has no key). Harbor writes no
 * audit row for them (§10): they sync at project reconciles. A PUT replaces the whole policy, so every field is
 * sent ({@code enabled} left out would be false). Targets' auth headers are secrets: values hold fingerprints, and a
 * copy gets the plaintext this process read on the site that has it ({@link WebhookAuthHeaders}).
 */
final class WebhookPolicyKind implements MirroredKind {
    static final Kind WEBHOOK_POLICY = Kind.define("webhook-policy", true);
    static final String POLICY_ID = "webhook-policy";
    static final String NAMELESS = "a webhook policy without a name has no key to mirror it by";

    private final WebhookAuthHeaders headers = new WebhookAuthHeaders();

    @Override
    public Kind kind() {
        return WEBHOOK_POLICY;
    }

    @Override
    public Kind parent() {
        return Kind.PROJECT;
    }

    @Override
    public int createPhase() {
        return 3;
    }

    @Override
    public int deletePhase() {
        return 2;
    }

    @Override
    public Class<? extends Value> valueType() {
        return WebhookPolicyValue.class;
    }

    /** One listing per project and site; what it shows of the daemon's own policy is the upkeep's read too. */
    @Override
    public void readUnder(SiteRead site, String project, Object parent) {
        List<WebhookPolicy> policies = site.client().webhookPolicies().list(project);
        site.settings().webhookUrl().ifPresent(url -> site.daemonWebhook(project, WebhookPolicies.ours(policies, url,
                site.site(), site.settings().webhookSecrets().get(site.site()))));
        for (WebhookPolicy p : policies) {
            if (WebhookPolicies.isDaemons(p.name())) {
                continue; // a daemon's own (this installation's or another's): never a user's policy
            }
            if (p.name() == null || p.name().isEmpty()) {
                site.exclude(WEBHOOK_POLICY, Keys.webhookPolicy(project, ""), NAMELESS);
                continue;
            }
            String key = Keys.webhookPolicy(project, p.name());
            site.put(WEBHOOK_POLICY, key, value(key, p));
            if (p.id() != null) {
                site.id(POLICY_ID, key, p.id());
            }
            // no changedAt: Harbor does not move update_time on a PUT (§7), so it says nothing about the newest
        }
    }

    /** The policy's portable value; each auth header becomes its fingerprint (and is kept in memory for copies). */
    WebhookPolicyValue value(String key, WebhookPolicy p) {
        List<WebhookTargetValue> targets = new ArrayList<>();
        for (WebhookTarget t : p.targets() == null ? List.<WebhookTarget>of() : p.targets()) {
            String header = t.authHeader() == null || t.authHeader().isEmpty() ? null : headers.remember(key, t.authHeader());
            targets.add(new WebhookTargetValue(t.type(), t.address(), emptyToNull(t.payloadFormat()),
                    Boolean.TRUE.equals(t.skipCertVerify()), header));
        }
        return new WebhookPolicyValue(p.description(), Boolean.TRUE.equals(p.enabled()),
                new TreeSet<>(p.eventTypes() == null ? List.of() : p.eventTypes()), targets);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        HarborClient c = ctx.client();
        String project = Keys.projectOf(op.key());
        String name = Keys.webhookPolicyName(op.key());
        // Harbor writes neither audit rows nor webhooks for webhook policies (§10): nothing to journal
        switch (op.type()) {
            case CREATE -> {
                Optional<WebhookPolicy> want = request(name, (WebhookPolicyValue) op.value());
                if (want.isEmpty()) {
                    return Applied.DEFERRED;
                }
                try {
                    c.webhookPolicies().create(project, want.get());
                } catch (HarborException.NotFound projectNotThere) {
                    return Applied.DEFERRED;
                } catch (HarborException.Conflict already) {
                    // made meanwhile under this name: make it what the plan says
                    long id = c.webhookPolicies().find(project, name).orElseThrow(() -> already).id();
                    c.webhookPolicies().update(project, id, want.get());
                }
            }
            case UPDATE -> {
                Optional<WebhookPolicy> want = request(name, (WebhookPolicyValue) op.value());
                if (want.isEmpty()) {
                    return Applied.DEFERRED;
                }
                long id = ctx.id(POLICY_ID, op.key()).orElseGet(() -> c.webhookPolicies().find(project, name)
                        .orElseThrow(() -> HarborException.of(c.site(), "update webhook policy " + name, 404,
                                "NOT_FOUND", "webhook policy vanished")).id());
                c.webhookPolicies().update(project, id, want.get());
            }
            case DELETE -> {
                Optional<Long> id = ctx.id(POLICY_ID, op.key())
                        .or(() -> c.webhookPolicies().find(project, name).map(WebhookPolicy::id));
                id.ifPresent(i -> ApplyContext.ignoreNotFound(() -> c.webhookPolicies().delete(project, i)));
            }
            default -> throw new IllegalStateException(op.type() + " is not an operation on webhook policies");
        }
        return Applied.DONE;
    }

    /**
     * The whole policy as a POST or PUT sends it (a PUT replaces every field), each auth header in plaintext; empty
     * when a header's plaintext was not read by this process (retried by a later reconcile, whose read finds it).
     */
    Optional<WebhookPolicy> request(String name, WebhookPolicyValue v) {
        List<WebhookTarget> targets = new ArrayList<>();
        for (WebhookTargetValue t : v.targets()) {
            String header = null;
            if (t.authHeader() != null) {
                Optional<String> plain = headers.plaintext(t.authHeader());
                if (plain.isEmpty()) {
                    return Optional.empty();
                }
                header = plain.get();
            }
            targets.add(new WebhookTarget(t.type(), t.address(), header, t.skipCertVerify(), t.payloadFormat()));
        }
        return Optional.of(new WebhookPolicy(null, name, v.description(), null, targets,
                List.copyOf(v.eventTypes()), v.enabled()));
    }
}
