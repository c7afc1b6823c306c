package io.harborsync.sync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The synced attributes of each kind, in a canonical form (sorted, no ids, no timestamps) so that
 * equal states compare equal across sites and against the stored base.
 */
public final class Values {
    private Values() {
    }

    /**
     * The state of one key on one site: an immutable record with equals, serialisable with Jackson (the base stores
     * it as JSON). Each kind's class names its value type ({@link MirroredKind#valueType()}).
     */
    public interface Value {
    }

    /**
     * A value made of named attributes that are merged one by one ({@link FieldMerge}): changes on different
     * sites to different attributes both survive, and a conflict is per attribute. A kind whose value
     * implements this gets the field-level three-way merge in {@link Decider}; any other kind is compared whole.
     *
     * @param <V> the value's own type, which {@link #withFields} builds
     */
    public interface Fielded<V extends Value> {
        /**
         * Every attribute by name, in a stable order. An attribute the value does not have (a metadata key that
         * is not set) is not in the map; a null value means the same. Attribute values are immutable and
         * compare by {@code equals}.
         */
        @com.fasterxml.jackson.annotation.JsonIgnore
        Map<String, Object> fields();

        /** The value of this type made of exactly these attributes (the inverse of {@link #fields()}). */
        V withFields(Map<String, Object> fields);
    }

    /** The attribute names of a {@link ProjectValue}; every other attribute name is a metadata key. */
    public static final String PUBLIC = "public";
    public static final String STORAGE_LIMIT = "storage_limit";
    public static final String CVE_ALLOWLIST = "cve_allowlist";
    public static final String PROXY_CACHE_REGISTRY = "proxy_cache_registry";

    /** The project's CVE allowlist as one attribute: its ids and its expiry change together. */
    public record CveAllowlistField(List<String> ids, Long expiresAt) {
    }

    /**
     * @param metadata     only the synced metadata keys (sync-model.md), "public" excluded
     * @param storageLimit bytes, -1 unlimited. Never null in a value read from a site: a project whose quota
     *                     cannot be found or has no storage limit is unknown there ({@code ProjectKind}), not
     *                     "without a quota". Null only where no site's quota is behind the value (a base written
     *                     by an earlier version); a write leaves the quota alone then
     * @param proxyCacheRegistry for a proxy-cache project the name of its registry endpoint (ids differ per
     *                     site, names are configured alike), else null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ProjectValue(boolean isPublic, SortedMap<String, String> metadata, Long storageLimit,
                               List<String> cveIds, Long cveExpiresAt, String proxyCacheRegistry)
            implements Value, Fielded<ProjectValue> {
        public ProjectValue(boolean isPublic, SortedMap<String, String> metadata, Long storageLimit,
                            List<String> cveIds, Long cveExpiresAt) {
            this(isPublic, metadata, storageLimit, cveIds, cveExpiresAt, null);
        }

        /**
         * {@code public}, each synced metadata key by its own name (sorted), {@code storage_limit},
         * {@code cve_allowlist} (ids and expiry as one attribute), {@code proxy_cache_registry}.
         */
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(PUBLIC, isPublic);
            f.putAll(metadata);
            f.put(STORAGE_LIMIT, storageLimit);
            f.put(CVE_ALLOWLIST, new CveAllowlistField(List.copyOf(cveIds), cveExpiresAt));
            f.put(PROXY_CACHE_REGISTRY, proxyCacheRegistry);
            return f;
        }

        @Override
        public ProjectValue withFields(Map<String, Object> fields) {
            SortedMap<String, String> meta = new TreeMap<>();
            fields.forEach((name, v) -> {
                if (v != null && !STRUCTURAL.contains(name)) {
                    meta.put(name, (String) v);
                }
            });
            CveAllowlistField cve = (CveAllowlistField) fields.get(CVE_ALLOWLIST);
            return new ProjectValue(Boolean.TRUE.equals(fields.get(PUBLIC)), meta, (Long) fields.get(STORAGE_LIMIT),
                    cve == null ? List.of() : cve.ids(), cve == null ? null : cve.expiresAt(),
                    (String) fields.get(PROXY_CACHE_REGISTRY));
        }

        private static final Set<String> STRUCTURAL = Set.of(PUBLIC, STORAGE_LIMIT, CVE_ALLOWLIST, PROXY_CACHE_REGISTRY);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemberValue(int roleId) implements Value {
    }

    /** A repository's only synced attribute is that it exists. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RepositoryValue() implements Value {
        public static final RepositoryValue EXISTS = new RepositoryValue();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ArtifactValue(SortedSet<String> tags) implements Value {
    }


    /** The attribute names of a {@link RobotValue}. */
    public static final String DESCRIPTION = "description";
    public static final String DURATION = "duration";
    public static final String DISABLED = "disabled";
    public static final String PERMISSIONS = "permissions";

    /**
     * A robot account's synced attributes (system and project robots alike; the level is in the key). Its secret
     * is not among them: Harbor never returns it (see {@code SecretCheck}).
     *
     * @param duration    days from the robot's creation on each site until it expires, -1 never (Harbor computes
     *                    {@code expires_at} from each site's own creation time: copies made minutes apart expire
     *                    minutes apart)
     * @param permissions "kind:namespace" (namespace a project name, {@code *}, or {@code /} for the system kind)
     *                    to its "resource:action" pairs, all sorted: Harbor regroups the list it was given
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RobotValue(String description, long duration, boolean disabled,
                             SortedMap<String, SortedSet<String>> permissions)
            implements Value, Fielded<RobotValue> {
        public RobotValue {
            description = description == null ? "" : description;
            SortedMap<String, SortedSet<String>> copy = new TreeMap<>();
            permissions.forEach((scope, pairs) -> copy.put(scope, java.util.Collections.unmodifiableSortedSet(
                    new java.util.TreeSet<>(pairs))));
            permissions = java.util.Collections.unmodifiableSortedMap(copy);
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(DESCRIPTION, description);
            f.put(DURATION, duration);
            f.put(DISABLED, disabled);
            f.put(PERMISSIONS, permissions);
            return f;
        }

        @Override
        @SuppressWarnings("unchecked")
        public RobotValue withFields(Map<String, Object> fields) {
            Object perms = fields.get(PERMISSIONS);
            return new RobotValue((String) fields.get(DESCRIPTION),
                    fields.get(DURATION) == null ? -1 : (Long) fields.get(DURATION),
                    Boolean.TRUE.equals(fields.get(DISABLED)),
                    perms == null ? new TreeMap<>() : (SortedMap<String, SortedSet<String>>) perms);
        }
    }

    // --- tag immutability rules, tag retention policies, the system CVE allowlist (issue 16) ---

    /**
     * A tag or repository selector as Harbor stores it (observations §5, §6): empty parts are omitted by Harbor and
     * are "" here, so a selector read from two sites compares equal.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SelectorValue(String kind, String decoration, String pattern, String extras) {
        public SelectorValue {
            kind = kind == null ? "" : kind;
            decoration = decoration == null ? "" : decoration;
            pattern = pattern == null ? "" : pattern;
            extras = extras == null ? "" : extras;
        }

        /** {@code decoration kind "pattern"} (and {@code extras "..."} when there are extras). */
        String text() {
            return decoration + " " + kind + " " + quoted(pattern) + (extras.isEmpty() ? "" : " extras " + quoted(extras));
        }

        private static String quoted(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /**
     * What a tag immutability rule selects and does: its identity (observations §5: Harbor has no name for a rule and
     * refuses an identical one). Selector lists keep their order (Harbor's matcher takes the first selector);
     * an empty list is what Harbor stores as null.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImmutableRuleContent(String action, String template, List<SelectorValue> tagSelectors,
                                       SortedMap<String, List<SelectorValue>> scopeSelectors) {
        public ImmutableRuleContent {
            action = action == null ? "" : action;
            template = template == null ? "" : template;
            tagSelectors = tagSelectors == null ? List.of() : List.copyOf(tagSelectors);
            SortedMap<String, List<SelectorValue>> scopes = new TreeMap<>();
            if (scopeSelectors != null) {
                scopeSelectors.forEach((k, v) -> scopes.put(k, v == null ? List.of() : List.copyOf(v)));
            }
            scopeSelectors = java.util.Collections.unmodifiableSortedMap(scopes);
        }

        /** The readable, stable text the rule's key is made of ({@code Keys.immutableRule}). */
        public String canonicalText() {
            StringBuilder b = new StringBuilder("tags[");
            b.append(String.join(", ", tagSelectors.stream().map(SelectorValue::text).toList())).append(']');
            scopeSelectors.forEach((scope, sels) -> b.append(' ').append(scope).append('[')
                    .append(String.join(", ", sels.stream().map(SelectorValue::text).toList())).append(']'));
            return b.append(' ').append(action).append('/').append(template).toString();
        }
    }

    /** The attribute names of an {@link ImmutableRuleValue} ({@link #DISABLED} too). */
    public static final String RULE = "rule";
    public static final String PRIORITY = "priority";

    /**
     * A tag immutability rule: what it is (its key's content, never different between sites holding the key), whether
     * it is disabled, and its priority, which is the rules' order (Harbor keeps it as given; the listing's order is
     * not stable, observations §5).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImmutableRuleValue(ImmutableRuleContent rule, boolean disabled, long priority)
            implements Value, Fielded<ImmutableRuleValue> {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(RULE, rule);
            f.put(DISABLED, disabled);
            f.put(PRIORITY, priority);
            return f;
        }

        @Override
        public ImmutableRuleValue withFields(Map<String, Object> fields) {
            return new ImmutableRuleValue((ImmutableRuleContent) fields.get(RULE),
                    Boolean.TRUE.equals(fields.get(DISABLED)),
                    fields.get(PRIORITY) == null ? 0 : (Long) fields.get(PRIORITY));
        }
    }

    /**
     * One rule of a retention policy, in the policy's order. {@code params} values are numbers as Harbor takes them
     * ({@code {"latestPushedK": 1}}): integral ones are kept as Long, so a value read from Harbor and one read back
     * from the base compare equal.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetentionRuleValue(String action, String template, SortedMap<String, Object> params,
                                     List<SelectorValue> tagSelectors,
                                     SortedMap<String, List<SelectorValue>> scopeSelectors, boolean disabled) {
        public RetentionRuleValue {
            action = action == null ? "" : action;
            template = template == null ? "" : template;
            SortedMap<String, Object> p = new TreeMap<>();
            if (params != null) {
                params.forEach((k, v) -> p.put(k, number(v)));
            }
            params = java.util.Collections.unmodifiableSortedMap(p);
            tagSelectors = tagSelectors == null ? List.of() : List.copyOf(tagSelectors);
            SortedMap<String, List<SelectorValue>> scopes = new TreeMap<>();
            if (scopeSelectors != null) {
                scopeSelectors.forEach((k, v) -> scopes.put(k, v == null ? List.of() : List.copyOf(v)));
            }
            scopeSelectors = java.util.Collections.unmodifiableSortedMap(scopes);
        }
    }

    /** An integral number as Long, another number as Double, anything else as it is. */
    private static Object number(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? (Object) n.longValue() : (Object) d;
        }
        return v;
    }

    /** A retention policy's trigger: kind "Schedule" with its six-field cron ("" for none), or "Manual". */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetentionTriggerValue(String kind, String cron) {
        public RetentionTriggerValue {
            kind = kind == null ? "" : kind;
            cron = cron == null ? "" : cron;
        }
    }

    /** The attribute names of a {@link RetentionValue}. */
    public static final String ALGORITHM = "algorithm";
    public static final String RULES = "rules";
    public static final String TRIGGER = "trigger";

    /**
     * A project's tag retention policy. Not in it: the policy's id, its scope (the site's project id), the project's
     * {@code retention_id} and the trigger's {@code next_scheduled_time}, all per site.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetentionValue(String algorithm, List<RetentionRuleValue> rules, RetentionTriggerValue trigger)
            implements Value, Fielded<RetentionValue> {
        public RetentionValue {
            algorithm = algorithm == null ? "" : algorithm;
            rules = rules == null ? List.of() : List.copyOf(rules);
            trigger = trigger == null ? new RetentionTriggerValue("", "") : trigger;
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(ALGORITHM, algorithm);
            f.put(RULES, rules);
            f.put(TRIGGER, trigger);
            return f;
        }

        @Override
        @SuppressWarnings("unchecked")
        public RetentionValue withFields(Map<String, Object> fields) {
            return new RetentionValue((String) fields.get(ALGORITHM), (List<RetentionRuleValue>) fields.get(RULES),
                    (RetentionTriggerValue) fields.get(TRIGGER));
        }
    }

    /** The attribute names of a {@link CveAllowlistValue}. */
    public static final String ITEMS = "items";
    public static final String EXPIRES_AT = "expires_at";

    /**
     * The system CVE allowlist: its CVE ids (a set: Harbor keeps them as given, order means nothing) and when it
     * expires (seconds since the epoch, null never), which is absolute and so the same on every site.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record CveAllowlistValue(SortedSet<String> items, Long expiresAt)
            implements Value, Fielded<CveAllowlistValue> {
        public CveAllowlistValue {
            items = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(items == null ? Set.of() : items));
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(ITEMS, items);
            f.put(EXPIRES_AT, expiresAt);
            return f;
        }

        @Override
        @SuppressWarnings("unchecked")
        public CveAllowlistValue withFields(Map<String, Object> fields) {
            return new CveAllowlistValue((SortedSet<String>) fields.get(ITEMS), (Long) fields.get(EXPIRES_AT));
        }
    }

    // --- labels (issue 16) ---

    /** The attribute names of a {@link LabelValue}. */
    public static final String COLOR = "color";

    /**
     * A label's synced attributes (global and project labels alike; the scope and project are in the key, the
     * name is the key): Harbor omits an empty color or description, read as "".
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LabelValue(String color, String description) implements Value, Fielded<LabelValue> {
        public LabelValue {
            color = color == null ? "" : color;
            description = description == null ? "" : description;
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(COLOR, color);
            f.put(DESCRIPTION, description);
            return f;
        }

        @Override
        public LabelValue withFields(Map<String, Object> fields) {
            return new LabelValue((String) fields.get(COLOR), (String) fields.get(DESCRIPTION));
        }
    }

    /** That a label is attached to an artifact: the key says which, nothing else is synced. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ArtifactLabelValue() implements Value {
        public static final ArtifactLabelValue ATTACHED = new ArtifactLabelValue();
    }

    // --- webhook policies (issue 16)

    /** The attribute names of a {@link WebhookPolicyValue} ({@link #DESCRIPTION} is shared with robots). */
    public static final String ENABLED = "enabled";
    public static final String EVENT_TYPES = "event_types";
    public static final String TARGETS = "targets";

    /**
     * One target of a webhook policy as Harbor returns it (observations §7: {@code skip_cert_verify} omitted when
     * false, {@code payload_format} absent for slack). The auth header itself is a secret and never in a value:
     * {@code authHeader} is its fingerprint ({@code WebhookAuthHeaders}), null when the target has none, so a change
     * of the header is seen three-way without the header being stored, planned or logged.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record WebhookTargetValue(String type, String address, String payloadFormat, boolean skipCertVerify,
                                     String authHeader) {
    }

    /**
     * A user's webhook policy (its name is in the key): description, enabled, event types (a set: Harbor delivers
     * by membership) and targets in Harbor's order (Harbor keeps the order it was given).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record WebhookPolicyValue(String description, boolean enabled, SortedSet<String> eventTypes,
                                     List<WebhookTargetValue> targets)
            implements Value, Fielded<WebhookPolicyValue> {
        public WebhookPolicyValue {
            description = description == null ? "" : description;
            eventTypes = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(
                    eventTypes == null ? Set.of() : eventTypes));
            targets = targets == null ? List.of() : List.copyOf(targets);
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put(DESCRIPTION, description);
            f.put(ENABLED, enabled);
            f.put(EVENT_TYPES, eventTypes);
            f.put(TARGETS, targets);
            return f;
        }

        @Override
        @SuppressWarnings("unchecked")
        public WebhookPolicyValue withFields(Map<String, Object> fields) {
            return new WebhookPolicyValue((String) fields.get(DESCRIPTION), Boolean.TRUE.equals(fields.get(ENABLED)),
                    (SortedSet<String>) fields.get(EVENT_TYPES), (List<WebhookTargetValue>) fields.get(TARGETS));
        }
    }
}
