package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.WebhookPolicy;

import java.util.List;

import static io.harborsync.harbor.HarborTransport.BY_NAME;

/**
 * A project's webhook policies ({@code HarborClient.webhookPolicies()}). Named apart from
 * {@code sync.WebhookPolicies}, the one definition of the policy the daemon keeps in every project.
 */
public final class WebhookPolicyRepository {
    private final HarborTransport t;

    WebhookPolicyRepository(HarborTransport transport) {
        this.t = transport;
    }

    public List<WebhookPolicy> list(String project) {
        return t.list("list webhook policies of " + project,
                (api, page, size) -> api.listWebhookPolicies(BY_NAME, project, page, size));
    }

    public long create(String project, WebhookPolicy policy) {
        return t.create("create webhook policy in " + project,
                api -> api.createWebhookPolicy(BY_NAME, project, policy));
    }

    public void update(String project, long id, WebhookPolicy policy) {
        t.run("update webhook policy " + id + " in " + project,
                api -> api.updateWebhookPolicy(BY_NAME, project, id, policy));
    }

    /** Deletes one (the webhook-policy kind's deletions; 404 when it is gone). */
    public void delete(String project, long id) {
        t.run("delete webhook policy " + id + " in " + project,
                api -> api.deleteWebhookPolicy(BY_NAME, project, id));
    }

    /** The project's policy of this name (names are unique in a project; the listing is its only lookup). */
    public java.util.Optional<WebhookPolicy> find(String project, String name) {
        return list(project).stream().filter(p -> name.equals(p.name())).findFirst();
    }
}
