package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.RetentionPolicy;
import io.harborsync.harbor.HarborModel.RetentionRule;
import io.harborsync.harbor.HarborModel.RetentionScope;
import io.harborsync.harbor.HarborModel.RetentionTrigger;
import io.harborsync.harbor.HarborModel.Selector;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.RetentionRuleValue;
import io.harborsync.sync.Values.RetentionTriggerValue;
import io.harborsync.sync.Values.RetentionValue;
import io.harborsync.sync.Values.SelectorValue;
import io.harborsync.sync.Values.Value;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A project's tag retention policy, one key per project ({@link Keys#retention}; observations §6): its algorithm, its
 * rules in order (action, template, parameters, tag and repository selectors) and its trigger (kind and cron). The
 * policy's id, its scope (the site's project id), the project's {@code retention_id} metadata (never a synced
 * metadata key, see {@link ProjectKind#SYNCED_METADATA}) and {@code next_scheduled_time} are per site. Found through
 * the project's {@code retention_id}, which the project read already holds: one GET per project that has a policy.
 *
 * <p>Real Harbor answers 500 for a policy id that no longer exists: a {@code retention_id} that points at nothing
 * (or a GET that keeps failing) makes this key unknown on that site only, with the reason, and the project's other
 * keys sync on. A person must mend such a project: Harbor also refuses a new policy for it.
 */
final class RetentionPolicyKind implements MirroredKind {
    static final Kind RETENTION_POLICY = Kind.define("retention-policy", true);
    static final String POLICY_ID = "retention";
    static final String RETENTION_ID = "retention_id";
    /**
     * A schedule that runs at most once a year, for the moment between two PUTs: Harbor refuses a Manual policy
     * becoming {@code Schedule} with an empty cron (observations §6), but takes the empty cron from a scheduled one.
     */
    static final String STEPPING_STONE_CRON = "0 0 0 1 1 *";

    @Override
    public Kind kind() {
        return RETENTION_POLICY;
    }

    @Override
    public Kind parent() {
        return Kind.PROJECT;
    }

    @Override
    public int createPhase() {
        return 2; // after its project
    }

    @Override
    public int deletePhase() {
        return 2;
    }

    @Override
    public Class<? extends Value> valueType() {
        return RetentionValue.class;
    }

    @Override
    public void readUnder(SiteRead site, String project, Object parent) {
        Optional<Long> id = policyId((Project) parent);
        if (id.isEmpty()) {
            return;
        }
        String key = Keys.retention(project);
        RetentionPolicy policy;
        try {
            policy = site.client().retentions().get(id.get());
        } catch (HarborException.ServerError | HarborException.NotFound e) {
            site.unknown(RETENTION_POLICY, key, "the project's retention_id " + id.get() + " could not be read ("
                    + e.getMessage() + "); Harbor answers 500 for a policy that no longer exists");
            return;
        }
        site.put(RETENTION_POLICY, key, value(policy));
        site.id(POLICY_ID, key, id.get());
    }

    /** The project's {@code retention_id}, when it has one that is a number. */
    static Optional<Long> policyId(Project p) {
        String v = p.metadata() == null ? null : p.metadata().get(RETENTION_ID);
        try {
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static RetentionValue value(RetentionPolicy p) {
        List<RetentionRuleValue> rules = p.rules() == null ? List.of() : p.rules().stream().map(r -> {
            TreeMap<String, List<SelectorValue>> scopes = new TreeMap<>();
            if (r.scopeSelectors() != null) {
                r.scopeSelectors().forEach((s, sels) -> scopes.put(s, ImmutableRuleKind.selectors(sels)));
            }
            return new RetentionRuleValue(r.action(), r.template(), r.params() == null ? null : new TreeMap<>(r.params()),
                    ImmutableRuleKind.selectors(r.tagSelectors()), scopes, Boolean.TRUE.equals(r.disabled()));
        }).toList();
        RetentionTrigger t = p.trigger();
        Object cron = t == null || t.settings() == null ? null : t.settings().get("cron");
        return new RetentionValue(p.algorithm(), rules,
                new RetentionTriggerValue(t == null ? null : t.kind(), cron == null ? null : cron.toString()));
    }

    private static RetentionPolicy body(RetentionValue v, long projectId, String cron) {
        List<RetentionRule> rules = v.rules().stream().map(r -> {
            Map<String, List<Selector>> scopes = new LinkedHashMap<>();
            r.scopeSelectors().forEach((s, sels) -> scopes.put(s, ImmutableRuleKind.harbor(sels)));
            return new RetentionRule(null, null, r.disabled(), r.action(), r.template(),
                    r.params().isEmpty() ? null : new LinkedHashMap<>(r.params()),
                    ImmutableRuleKind.harbor(r.tagSelectors()), scopes);
        }).toList();
        RetentionTrigger trigger = v.trigger().kind().isEmpty() ? null
                : new RetentionTrigger(v.trigger().kind(), Map.of("cron", cron));
        return new RetentionPolicy(null, v.algorithm().isEmpty() ? null : v.algorithm(), rules, trigger,
                new RetentionScope("project", projectId));
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        HarborClient c = ctx.client();
        String project = Keys.projectOf(op.key());
        switch (op.type()) {
            case CREATE -> {
                RetentionValue v = (RetentionValue) op.value();
                long projectId = ctx.id(ProjectKind.PROJECT_ID, project)
                        .orElseGet(() -> c.projects().get(project).projectId());
                c.retentions().create(body(v, projectId, v.trigger().cron()));
            }
            case UPDATE -> {
                RetentionValue to = (RetentionValue) op.value();
                RetentionValue from = (RetentionValue) op.from();
                Optional<Long> knownProject = ctx.id(ProjectKind.PROJECT_ID, project);
                Optional<Long> knownPolicy = ctx.id(POLICY_ID, op.key());
                Project p = knownProject.isPresent() && knownPolicy.isPresent() ? null : c.projects().get(project);
                long projectId = knownProject.orElseGet(() -> p.projectId());
                long id = knownPolicy.or(() -> policyId(p)).orElseThrow(() -> HarborException.of(
                        c.site(), "update retention policy of " + project, 404, "NOT_FOUND", "policy vanished"));
                boolean fromManual = from == null || !"Schedule".equals(from.trigger().kind());
                if (fromManual && "Schedule".equals(to.trigger().kind()) && to.trigger().cron().isEmpty()) {
                    c.retentions().update(id, body(to, projectId, STEPPING_STONE_CRON));
                }
                c.retentions().update(id, body(to, projectId, to.trigger().cron()));
            }
            case DELETE -> {
                Optional<Long> id = ctx.id(POLICY_ID, op.key())
                        .or(() -> c.projects().find(project).flatMap(RetentionPolicyKind::policyId));
                id.ifPresent(i -> {
                    try {
                        c.retentions().delete(i);
                    } catch (HarborException.BadRequest gone) {
                        // "no such Retention policy": gone already, unless the project still points at it
                        if (c.projects().find(project).flatMap(RetentionPolicyKind::policyId).isPresent()) {
                            throw gone;
                        }
                    }
                });
            }
            default -> throw new IllegalStateException(op.type() + " is not an operation on retention policies");
        }
        return Applied.DONE;
    }
}
