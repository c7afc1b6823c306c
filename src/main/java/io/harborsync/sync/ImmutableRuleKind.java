package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.ImmutableRule;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.Selector;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.ImmutableRuleContent;
import io.harborsync.sync.Values.ImmutableRuleValue;
import io.harborsync.sync.Values.SelectorValue;
import io.harborsync.sync.Values.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A project's tag immutability rules (observations §5). A rule has no name and Harbor refuses an identical one, so a
 * rule is keyed by what it is: action, template, tag and repository selectors ({@link Keys#immutableRule}, the
 * content's {@link ImmutableRuleContent#canonicalText}). Its value adds what may differ between sites holding the
 * same rule: {@code disabled} and {@code priority} (the rules' order; Harbor keeps it as given). Changing a rule's
 * selectors on a site is, to every other site, one rule deleted and another created. Harbor writes no audit row for
 * rules (§10): they are read at every project reconcile.
 *
 * <p>Two rules of one project that differ only in priority or disabled (Harbor takes both) have one key: on that
 * site the key is unknown, with the reason, until a person removes one; the project's other keys sync on.
 */
final class ImmutableRuleKind implements MirroredKind {
    static final Kind IMMUTABLE_RULE = Kind.define("immutable-rule", true);
    static final String RULE_ID = "immutable-rule";

    @Override
    public Kind kind() {
        return IMMUTABLE_RULE;
    }

    @Override
    public Kind parent() {
        return Kind.PROJECT;
    }

    @Override
    public int createPhase() {
        return 2;
    }

    @Override
    public int deletePhase() {
        return 2;
    }

    @Override
    public Class<? extends Value> valueType() {
        return ImmutableRuleValue.class;
    }

    @Override
    public void readUnder(SiteRead site, String project, Object parent) {
        Map<String, List<ImmutableRule>> byKey = new LinkedHashMap<>();
        for (ImmutableRule r : site.client().immutableRules().list(((Project) parent).name())) {
            byKey.computeIfAbsent(key(project, r), k -> new ArrayList<>()).add(r);
        }
        byKey.forEach((key, rules) -> {
            if (rules.size() > 1) {
                site.unknown(IMMUTABLE_RULE, key, rules.size() + " rules of the project select the same tags (ids "
                        + rules.stream().map(r -> String.valueOf(r.id())).toList()
                        + "), differing in priority or disabled only: not synced until one is removed");
                return;
            }
            ImmutableRule r = rules.get(0);
            site.put(IMMUTABLE_RULE, key, value(r));
            site.id(RULE_ID, key, r.id());
        });
    }

    static String key(String project, ImmutableRule r) {
        return Keys.immutableRule(project, content(r).canonicalText());
    }

    static ImmutableRuleContent content(ImmutableRule r) {
        TreeMap<String, List<SelectorValue>> scopes = new TreeMap<>();
        if (r.scopeSelectors() != null) {
            r.scopeSelectors().forEach((scope, sels) -> scopes.put(scope, selectors(sels)));
        }
        return new ImmutableRuleContent(r.action(), r.template(), selectors(r.tagSelectors()), scopes);
    }

    static ImmutableRuleValue value(ImmutableRule r) {
        return new ImmutableRuleValue(content(r), Boolean.TRUE.equals(r.disabled()),
                r.priority() == null ? 0 : r.priority());
    }

    static List<SelectorValue> selectors(List<Selector> in) {
        return in == null ? List.of() : in.stream()
                .map(s -> new SelectorValue(s.kind(), s.decoration(), s.pattern(), s.extras())).toList();
    }

    static List<Selector> harbor(List<SelectorValue> in) {
        return in.stream().map(s -> new Selector(s.kind(), s.decoration(), s.pattern(),
                s.extras().isEmpty() ? null : s.extras())).toList();
    }

    /** The body Harbor takes for the rule: {@code id} only on PUT, where it must equal the path's. */
    private static ImmutableRule body(Long id, ImmutableRuleValue v, boolean disabled) {
        ImmutableRuleContent c = v.rule();
        Map<String, List<Selector>> scopes = new LinkedHashMap<>();
        c.scopeSelectors().forEach((scope, sels) -> scopes.put(scope, harbor(sels)));
        return new ImmutableRule(id, v.priority(), disabled, c.action(), c.template(), harbor(c.tagSelectors()), scopes);
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        HarborClient c = ctx.client();
        String project = Keys.projectOf(op.key());
        switch (op.type()) {
            case CREATE -> {
                ImmutableRuleValue v = (ImmutableRuleValue) op.value();
                try {
                    c.immutableRules().create(project, body(null, v, v.disabled()));
                } catch (HarborException.Conflict already) {
                    // the same rule with the same priority and flag, made meanwhile: nothing left to do
                    find(c, op.key()).orElseThrow(() -> already);
                }
            }
            case UPDATE -> {
                ImmutableRuleValue to = (ImmutableRuleValue) op.value();
                Optional<Long> known = ctx.id(RULE_ID, op.key());
                ImmutableRule current = null;
                if (known.isEmpty() || op.from() == null) {
                    current = find(c, op.key()).orElseThrow(() -> HarborException.of(c.site(),
                            "update immutable tag rule in " + project, 404, "NOT_FOUND", "rule vanished"));
                }
                long id = known.orElseGet(current == null ? () -> 0L : current::id);
                boolean stored = op.from() != null ? ((ImmutableRuleValue) op.from()).disabled()
                        : Boolean.TRUE.equals(current.disabled());
                long storedPriority = op.from() != null ? ((ImmutableRuleValue) op.from()).priority()
                        : current.priority() == null ? 0 : current.priority();
                // A PUT whose disabled differs from the stored flag changes only the flag (observations §5): the
                // rest goes first with the stored flag, then the flag alone.
                if (storedPriority != to.priority() || stored == to.disabled()) {
                    c.immutableRules().update(project, id, body(id, to, stored));
                }
                if (stored != to.disabled()) {
                    c.immutableRules().update(project, id, body(id, to, to.disabled()));
                }
            }
            case DELETE -> {
                Optional<Long> id = ctx.id(RULE_ID, op.key()).or(() -> find(c, op.key()).map(ImmutableRule::id));
                id.ifPresent(i -> ApplyContext.ignoreNotFound(() -> c.immutableRules().delete(project, i)));
            }
            default -> throw new IllegalStateException(op.type() + " is not an operation on immutable tag rules");
        }
        return Applied.DONE;
    }

    /** The project's rule with this key on the site, if exactly one. */
    private static Optional<ImmutableRule> find(HarborClient c, String key) {
        List<ImmutableRule> found = c.immutableRules().list(Keys.projectOf(key)).stream()
                .filter(r -> key(Keys.projectOf(key), r).equals(key)).toList();
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }
}
