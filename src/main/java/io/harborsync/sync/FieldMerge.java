package io.harborsync.sync;

import io.harborsync.sync.Decision.FieldConflict;
import io.harborsync.sync.Values.Fielded;
import io.harborsync.sync.Values.Value;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The three-way merge of a {@link Fielded} value, attribute by attribute (sync-model.md, "Attributes merge one by
 * one"). Pure. For each attribute, against the base's value of that attribute (without a base, every site counts
 * as having changed it): unchanged everywhere keeps the base's; changed to one new value (on one site or several)
 * takes it; changed to different values on several sites is a {@link FieldConflict} that the conflict policy
 * settles, or that is left as is on every site when the policy names no winner (report-only), while the other
 * attributes still merge. The merged value may equal no site's value.
 */
public final class FieldMerge {
    private FieldMerge() {
    }

    /**
     * @param bySite   what each present site should hold after the merge (its own value of every unresolved attribute)
     * @param target   the one value every site should hold; null when an attribute is left unresolved
     * @param conflicts the attributes changed differently on several sites, in attribute order
     */
    public record Result(Map<String, Value> bySite, Value target, List<FieldConflict> conflicts) {
        public boolean unresolved() {
            return target == null;
        }
    }

    /**
     * @param base      the base's value, or null without a base (first contact)
     * @param present   every present site's value, all of the same {@link Fielded} type
     * @param policy    settles an attribute changed differently on several sites
     * @param changedAt when each site last changed the key, where Harbor tells (for the {@code newest} policy)
     */
    public static Result merge(Value base, Map<String, Value> present, ConflictPolicy policy,
                               Map<String, Instant> changedAt) {
        Map<String, Object> baseFields = base == null ? null : fields(base);
        Map<String, Map<String, Object>> siteFields = new TreeMap<>();
        present.forEach((site, v) -> siteFields.put(site, fields(v)));

        Set<String> names = new LinkedHashSet<>();
        siteFields.values().forEach(f -> names.addAll(f.keySet()));
        if (baseFields != null) {
            names.addAll(baseFields.keySet());
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        Set<String> unresolved = new LinkedHashSet<>();
        List<FieldConflict> conflicts = new ArrayList<>();
        for (String name : names) {
            Object was = baseFields == null ? null : baseFields.get(name);
            List<Object> changedTo = new ArrayList<>();
            siteFields.values().forEach(f -> {
                Object now = f.get(name);
                if ((baseFields == null || !Objects.equals(now, was)) && !changedTo.contains(now)) {
                    changedTo.add(now);
                }
            });
            if (changedTo.isEmpty()) {
                merged.put(name, was);
            } else if (changedTo.size() == 1) {
                merged.put(name, changedTo.get(0));
            } else {
                // Candidates as for a whole key: every present site, so one policy picks alike for both.
                Optional<String> winner = policy.winner(new TreeSet<>(present.keySet()), changedAt);
                Map<String, Object> values = new TreeMap<>();
                siteFields.forEach((site, f) -> values.put(site, f.get(name)));
                conflicts.add(new FieldConflict(name, new TreeMap<>(values), was, winner.orElse(null)));
                if (winner.isPresent()) {
                    merged.put(name, siteFields.get(winner.get()).get(name));
                } else {
                    unresolved.add(name);
                }
            }
        }
        Fielded<?> shape = (Fielded<?>) present.values().iterator().next();
        Map<String, Value> bySite = new TreeMap<>();
        siteFields.forEach((site, own) -> {
            Map<String, Object> f = new LinkedHashMap<>(merged);
            unresolved.forEach(name -> f.put(name, own.get(name)));
            bySite.put(site, build(shape, f, present.get(site)));
        });
        Value target = unresolved.isEmpty() ? build(shape, merged, null) : null;
        return new Result(bySite, target, conflicts);
    }

    /**
     * Per attribute, the value every one of {@code values} holds, else the base's: what the sites last agreed on,
     * attribute by attribute, after a merge that left some attributes unresolved. Null without a base.
     */
    public static Value agreed(Value base, Collection<Value> values) {
        if (base == null || values.isEmpty()) {
            return null;
        }
        Map<String, Object> b = fields(base);
        List<Map<String, Object>> all = values.stream().map(FieldMerge::fields).toList();
        Set<String> names = new LinkedHashSet<>(b.keySet());
        all.forEach(f -> names.addAll(f.keySet()));
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : names) {
            Object first = all.get(0).get(name);
            boolean same = all.stream().allMatch(f -> Objects.equals(f.get(name), first));
            out.put(name, same ? first : b.get(name));
        }
        return build((Fielded<?>) base, out, null);
    }

    /** Whether every value merges attribute by attribute. */
    public static boolean applies(Collection<Value> values) {
        return !values.isEmpty() && values.stream().allMatch(v -> v instanceof Fielded<?>);
    }

    private static Map<String, Object> fields(Value v) {
        return ((Fielded<?>) v).fields();
    }

    /** The value made of {@code f}; {@code same} when that is what it already is (keeps one instance per value). */
    private static Value build(Fielded<?> shape, Map<String, Object> f, Value same) {
        Value v = shape.withFields(f);
        return v.equals(same) ? same : v;
    }
}
