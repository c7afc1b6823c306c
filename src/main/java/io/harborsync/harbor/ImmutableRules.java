package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.ImmutableRule;

import java.util.List;

import static io.harborsync.harbor.HarborTransport.BY_NAME;

/**
 * A project's tag immutability rules ({@code HarborClient.immutableRules()}; observations §5). Rules have no name;
 * their ids are per site. A PUT must carry the path's id in its body, and when its {@code disabled} differs from the
 * stored one Harbor changes only that flag: {@link #update} refuses a body without the id before sending.
 */
public final class ImmutableRules {
    private final HarborTransport t;

    ImmutableRules(HarborTransport transport) {
        this.t = transport;
    }

    public List<ImmutableRule> list(String project) {
        return t.list("list immutable tag rules of " + project,
                (api, page, size) -> api.listImmutableRules(BY_NAME, project, page, size));
    }

    /** 409 when the project has an identical rule (disabled and priority included). */
    public long create(String project, ImmutableRule rule) {
        return t.create("create immutable tag rule in " + project,
                api -> api.createImmutableRule(BY_NAME, project, rule));
    }

    /**
     * Replaces the rule when {@code rule.disabled()} equals the stored flag; otherwise Harbor sets only the flag
     * (observations §5). No conflict check on update.
     */
    public void update(String project, long id, ImmutableRule rule) {
        String op = "update immutable tag rule " + id + " in " + project;
        if (rule.id() == null || rule.id() != id) {
            throw t.refused(op, 400, "BAD_REQUEST", "the body's id must be the rule's id " + id);
        }
        t.run(op, api -> api.updateImmutableRule(BY_NAME, project, id, rule));
    }

    public void delete(String project, long id) {
        t.run("delete immutable tag rule " + id + " in " + project,
                api -> api.deleteImmutableRule(BY_NAME, project, id));
    }
}
