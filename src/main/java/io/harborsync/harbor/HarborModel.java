package io.harborsync.harbor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * Harbor REST API v2.0 payloads, named and shaped after the definitions in Harbor's swagger.yaml.
 * Unknown fields are ignored (newer Harbors add some) and nulls are not sent, so a request carries
 * only what we mean to set. Ids inside these objects are per site: never send one to another site.
 */
public final class HarborModel {
    private HarborModel() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Project(Long projectId, String name, Long ownerId, String ownerName, Long registryId,
                          String creationTime, String updateTime, Long repoCount,
                          Map<String, String> metadata, CveAllowlist cveAllowlist) {
        public boolean isProxyCache() {
            return registryId != null && registryId > 0;
        }
    }

    /** Body of POST and PUT /projects. On PUT Harbor merges metadata and ignores storage_limit. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ProjectReq(String projectName, @JsonProperty("public") Boolean isPublic,
                             Map<String, String> metadata, CveAllowlist cveAllowlist, Long storageLimit,
                             Long registryId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CveAllowlist(Long id, Long projectId, Long expiresAt, List<CveItem> items,
                               String creationTime, String updateTime) {
        /** The part that is the same on every site: no ids, no timestamps. */
        public static CveAllowlist portable(Long expiresAt, List<CveItem> items) {
            return new CveAllowlist(null, null, expiresAt, items == null ? List.of() : items, null, null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CveItem(String cveId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Quota(Long id, Map<String, Object> ref, Map<String, Long> hard, Map<String, Long> used,
                        String creationTime, String updateTime) {
        public Long hardStorage() {
            return hard == null ? null : hard.get("storage");
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuotaUpdateReq(Map<String, Long> hard) {
        public static QuotaUpdateReq storage(long bytes) {
            return new QuotaUpdateReq(Map.of("storage", bytes));
        }
    }

    /** A row of GET /projects/{p}/members. entity_type is "u" (user) or "g" (group). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(Long id, Long projectId, String entityName, String roleName, Integer roleId,
                         Long entityId, String entityType) {
        public boolean isGroup() {
            return "g".equals(entityType);
        }
    }

    /** Body of POST /projects/{p}/members: exactly one of memberUser / memberGroup. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemberReq(Integer roleId, UserEntity memberUser, UserGroup memberGroup) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserEntity(Long userId, String username) {
    }

    /** group_type: 1 LDAP, 2 HTTP, 3 OIDC. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserGroup(Long id, String groupName, Integer groupType, String ldapGroupDn) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoleRequest(Integer roleId) {
    }

    /** name includes the project: "team-a/app/web". */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(Long id, Long projectId, String name, String description, Long artifactCount,
                             Long pullCount, String creationTime, String updateTime) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Artifact(Long id, String type, String mediaType, Long projectId, Long repositoryId,
                           String digest, Long size, String pushTime, List<Tag> tags, List<Label> labels) {
        public List<String> tagNames() {
            return tags == null ? List.of() : tags.stream().map(Tag::name).toList();
        }

        /** The labels attached, as listed with {@code with_label=true} (id, name, scope); none otherwise. */
        public List<Label> attachedLabels() {
            return labels == null ? List.of() : labels;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tag(Long id, Long repositoryId, Long artifactId, String name, String pushTime, Boolean immutable) {
        public static Tag named(String name) {
            return new Tag(null, null, null, name, null, null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Access(String resource, String action, String effect) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RobotPermission(String kind, String namespace, List<Access> access) {
    }

    /** Harbor ignores secret and disable on create; duration -1 = never expires. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RobotCreate(String name, String description, String level, Long duration,
                              List<RobotPermission> permissions) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RobotCreated(Long id, String name, String secret, String creationTime, Long expiresAt) {
        @Override
        public String toString() { // the secret must never reach a log line
            return "RobotCreated[id=" + id + ", name=" + name + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Robot(Long id, String name, String description, String level, Long duration, Boolean disable,
                       Long expiresAt, List<RobotPermission> permissions, String creationTime, String updateTime) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RobotSec(String secret) {
        @Override
        public String toString() {
            return "RobotSec[secret=***]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RegistryCredential(String type, String accessKey, String accessSecret) {
        @Override
        public String toString() {
            return "RegistryCredential[type=" + type + ", accessKey=" + accessKey + ", accessSecret=***]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Registry(Long id, String name, String url, String type, Boolean insecure, String description,
                           RegistryCredential credential, String status) {
    }

    /** Body of PUT /registries/{id}: flat credential fields; the type of a registry cannot be changed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RegistryUpdate(String name, String description, String url, String credentialType,
                                 String accessKey, String accessSecret, Boolean insecure) {
        @Override
        public String toString() {
            return "RegistryUpdate[name=" + name + ", url=" + url + ", accessKey=" + accessKey + ", accessSecret=***]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ReplicationTrigger(String type, Map<String, String> triggerSettings) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ReplicationFilter(String type, Object value, String decoration) {
    }

    /** Harbor reads "deletion" on input; replicate_deletion is output only. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ReplicationPolicy(Long id, String name, String description, Registry srcRegistry,
                                    Registry destRegistry, String destNamespace, Integer destNamespaceReplaceCount,
                                    ReplicationTrigger trigger, List<ReplicationFilter> filters, Boolean deletion,
                                    Boolean override, Boolean enabled) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ReplicationExecution(Long id, Long policyId, String status, String trigger, String startTime,
                                       String endTime, String statusText, Integer total, Integer failed,
                                       Integer succeed, Integer inProgress, Integer stopped) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartReplicationExecution(Long policyId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record WebhookTarget(String type, String address, String authHeader, Boolean skipCertVerify,
                                String payloadFormat) {
        @Override
        public String toString() { // auth_header is the site's webhook secret
            return "WebhookTarget[type=" + type + ", address=" + address + ", payloadFormat=" + payloadFormat + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record WebhookPolicy(Long id, String name, String description, Long projectId,
                                List<WebhookTarget> targets, List<String> eventTypes, Boolean enabled) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AuditLogExt(Long id, String username, String resource, String resourceType, String operation,
                              String operationDescription, Boolean operationResult, String opTime) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AuditLogEventType(String eventType) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ComponentHealth(String name, String status, String error) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OverallHealth(String status, List<ComponentHealth> components) {
        public boolean healthy() {
            return "healthy".equals(status);
        }
    }

    /** harbor_version and external_url are only returned to authenticated callers. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SystemInfo(String harborVersion, String externalUrl, String authMode, Boolean readOnly,
                             Boolean notificationEnable, String currentTime) {
    }

    // --- labels (issue 16) ---

    /**
     * A label (observations §4): scope "g" (global) or "p" (of project {@code projectId}). Harbor omits an empty
     * name, color or description; an attached label, as an artifact lists it, has only id, name and scope.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Label(Long id, String name, String description, String color, String scope, Long projectId,
                        String creationTime, String updateTime) {
        public static final String GLOBAL = "g";
        public static final String PROJECT = "p";

        /** What a create or a PUT sends: PUT replaces name, color and description (all three are sent). */
        public static Label of(String name, String color, String description, String scope, Long projectId) {
            return new Label(null, name, description == null ? "" : description, color == null ? "" : color, scope,
                    projectId, null, null);
        }

        /** The body of an attach: only the id. */
        public static Label byId(long id) {
            return new Label(id, null, null, null, null, null, null, null);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Errors(List<Error> errors) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Error(String code, String message) {
    }

    // --- tag immutability rules and tag retention policies (issue 16; observations §5, §6) ---

    /** A tag or repository selector of an immutability or retention rule (ImmutableSelector, RetentionSelector). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Selector(String kind, String decoration, String pattern, String extras) {
    }

    /**
     * A tag immutability rule. Harbor omits {@code priority} when 0 and {@code disabled} when false; a PUT must carry
     * the path's id in its body (observations §5).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImmutableRule(Long id, Long priority, Boolean disabled, String action, String template,
                                List<Selector> tagSelectors, Map<String, List<Selector>> scopeSelectors) {
    }

    /** A rule of a retention policy; Harbor omits its id, priority and {@code disabled:false} (observations §6). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetentionRule(Long id, Long priority, Boolean disabled, String action, String template,
                                Map<String, Object> params, List<Selector> tagSelectors,
                                Map<String, List<Selector>> scopeSelectors) {
    }

    /** kind "Schedule" (settings.cron, and next_scheduled_time in answers) or "Manual". */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetentionTrigger(String kind, Map<String, Object> settings) {
    }

    /** level "project", ref the site's project id. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetentionScope(String level, Long ref) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetentionPolicy(Long id, String algorithm, List<RetentionRule> rules, RetentionTrigger trigger,
                                  RetentionScope scope) {
    }
}
