package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.RetentionPolicy;

/**
 * Tag retention policies ({@code HarborClient.retentions()}; observations §6): at most one per project, found by the
 * project's {@code retention_id} metadata (per site, like the policy's id), addressed by id.
 */
public final class Retentions {
    private final HarborTransport t;

    Retentions(HarborTransport transport) {
        this.t = transport;
    }

    /**
     * The policy with this id. Real Harbor answers 500 for an id that no longer exists (observations §6): the
     * caller cannot tell that from a failing site, so it is a {@code ServerError} like any other 5xx.
     */
    public RetentionPolicy get(long id) {
        return t.read("get retention policy " + id, api -> api.getRetention(id));
    }

    /** The new policy's id; {@code policy.scope()} names the site's project id (400 if it has a policy already). */
    public long create(RetentionPolicy policy) {
        String op = "create retention policy";
        if (policy.scope() == null || policy.scope().ref() == null || !"project".equals(policy.scope().level())) {
            throw t.refused(op, 400, "BAD_REQUEST", "a retention policy needs scope level project and its project id");
        }
        return t.create(op + " for project id " + policy.scope().ref(), api -> api.createRetention(policy));
    }

    /** A full replace (rules, algorithm, trigger); the scope must be the policy's own project. */
    public void update(long id, RetentionPolicy policy) {
        t.run("update retention policy " + id, api -> api.updateRetention(id, policy));
    }

    public void delete(long id) {
        t.run("delete retention policy " + id, api -> api.deleteRetention(id));
    }
}
