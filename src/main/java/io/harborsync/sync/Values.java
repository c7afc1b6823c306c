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
     * @param storageLimit bytes, -1 unlimited, null when the quota could not be read as a number
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
