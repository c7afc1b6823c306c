package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All state of one site. Guarded by a single lock ({@code synchronized (site)}); ids are per site and count from 1
 * per resource type, like Harbor's serial columns (member ids are one sequence across all projects, as project_member.id).
 */
final class SiteData {
    static final class Project {
        long id;
        String name;
        long ownerId;
        String ownerName;
        Instant created;
        Instant updated;
        final Map<String, String> metadata = new TreeMap<>();
        Allowlist allowlist;
        /** > 0: a proxy-cache project in front of that registry endpoint. */
        long registryId;
    }

    static final class Allowlist {
        long id;
        List<String> items = new ArrayList<>();
        Long expiresAt;
        Instant created;
        Instant updated;
    }

    static final class Repository {
        long id;
        long projectId;
        String name; // full name, includes the project
        Instant created;
        Instant updated;
        long pulls;

        /**
         * Harbor v2.15 moves a repository's update_time on every artifact push and delete, every tag create and
         * delete, and on pulls (measured on v2.15.2, issue 18); labels leave it alone. Strictly later than before at
         * the millisecond Harbor prints, so that two changes are never one update time here.
         */
        void touch() {
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            updated = updated != null && !now.isAfter(updated) ? updated.plusMillis(1) : now;
        }
    }

    static final class Artifact {
        long id;
        long repoId;
        String digest;
        Instant pushTime;
        final List<Tag> tags = new ArrayList<>();
    }

    static final class Tag {
        long id;
        String name;
        Instant pushTime;
    }

    static final class Member {
        long id;
        long projectId;
        String entityType; // "u" or "g"
        long entityId;
        String entityName;
        long role;
    }

    static final class User {
        long id;
        String username;
        String password; // null = cannot log in with basic auth (onboarded from outside)
        String email = "";
        String realname = "";
        String comment = "";
        boolean admin;
        Instant created;
    }

    static final class Group {
        long id;
        String name;
        int type;
        String ldapDn;
    }

    static final class Robot {
        long id;
        String name; // with prefix robot$
        String secret;
        String level;
        long projectId;
        String description = "";
        long duration;
        boolean disable;
        long expiresAt;
        ArrayNode permissions;
        Instant created;
        Instant updated;
        long creatorRef; // the creating user's id (a robot's id when creator_type is "robot")
        String creatorType = "local";
    }

    static final class Quota {
        long id;
        long projectId;
        long hardStorage;
        Instant created;
        Instant updated;
    }

    static final class WebhookPolicy {
        long id;
        long projectId;
        String name;
        String description = "";
        boolean enabled = true;
        List<String> eventTypes = new ArrayList<>();
        ArrayNode targets;
        String creator;
        Instant created;
        Instant updated;
        /** Event type -> when this policy last fired for it (GET …/webhook/lasttrigger, observations §7). */
        final Map<String, Instant> lastTriggered = new TreeMap<>();
    }

    /** A label (observations §4): global (scope g) or of a project (scope p, project id 0 when none was given). */
    static final class Label {
        long id;
        String name = "";
        String color = "";
        String description = "";
        String scope;
        long projectId;
        Instant created;
        Instant updated;
    }

    /** A tag immutability rule (observations §5); selectors kept as normalised JSON, tag selectors null when empty. */
    static final class ImmutableRule {
        long id;
        long projectId;
        long priority;
        boolean disabled;
        String action;
        String template;
        ArrayNode tagSelectors;
        ObjectNode scopeSelectors;
    }

    /** A tag retention policy (observations §6), kept as the normalised body; one per project at most. */
    static final class Retention {
        long id;
        long projectId;
        ObjectNode policy;
    }

    /** Registries, replication policies and executions are kept as their JSON (the emulator does not act on them). */
    static final class Doc {
        long id;
        ObjectNode json;
    }

    final Map<Long, Project> projects = new LinkedHashMap<>() {
        // a project's name never changes: the name index follows every put and removal
        @Override
        public Project put(Long id, Project p) {
            Project old = super.put(id, p);
            if (old != null) projectsByName.remove(old.name);
            projectsByName.put(p.name, p);
            return old;
        }

        @Override
        public Project remove(Object id) {
            Project old = super.remove(id);
            if (old != null) projectsByName.remove(old.name);
            return old;
        }
    };
    /** Projects by name, as Harbor's database finds them by its unique index. */
    private final Map<String, Project> projectsByName = new java.util.HashMap<>();
    final Grouped<Repository> repositories = new Grouped<>(r -> r.projectId);
    final Grouped<Artifact> artifacts = new Grouped<>(a -> a.repoId);
    // by project, as Harbor's database finds a project's rows by an indexed foreign key
    final Grouped<Member> members = new Grouped<>(m -> m.projectId);
    final Map<Long, User> users = new LinkedHashMap<>();
    final Map<Long, Group> groups = new LinkedHashMap<>();
    final Map<Long, Robot> robots = new LinkedHashMap<>();
    final Grouped<Quota> quotas = new Grouped<>(q -> q.projectId);
    final Grouped<WebhookPolicy> webhookPolicies = new Grouped<>(w -> w.projectId);
    final Map<Long, Doc> registries = new LinkedHashMap<>();
    final Map<Long, Doc> replicationPolicies = new LinkedHashMap<>();
    final Map<Long, Doc> executions = new LinkedHashMap<>();
    final Map<Long, Label> labels = new LinkedHashMap<>();
    /** Artifact id -> label id -> when it was attached. */
    final Map<Long, Map<Long, Instant>> artifactLabels = new LinkedHashMap<>();
    final Grouped<ImmutableRule> immutableRules = new Grouped<>(x -> x.projectId);
    final Map<Long, Retention> retentions = new LinkedHashMap<>();
    /** The system CVE allowlist; null until its first PUT (GET then answers an empty one). */
    Allowlist systemAllowlist;
    /** One per delivery job (policy target and event), ids from the execution sequence replication uses too. */
    final Map<Long, Doc> webhookExecutions = new LinkedHashMap<>();

    private final Map<String, Long> sequences = new TreeMap<>();

    long next(String kind) {
        return sequences.merge(kind, 1L, Long::sum);
    }

    Project projectByName(String name) {
        return projectsByName.get(name);
    }

    /**
     * A {project_name_or_id} path parameter as Harbor resolves it: an id when numeric, unless the request says it
     * is a name (X-Is-Resource-Name: true); null when there is no such project.
     */
    Project project(String nameOrId, boolean isName) {
        if (!isName && !nameOrId.isEmpty() && nameOrId.chars().allMatch(Character::isDigit)) {
            try {
                return projects.get(Long.parseLong(nameOrId));
            } catch (NumberFormatException tooLong) {
                return null;
            }
        }
        return projectByName(nameOrId);
    }

    User userByName(String name) {
        for (User u : users.values()) if (u.username.equals(name)) return u;
        return null;
    }

    Robot robotByName(String name) {
        for (Robot r : robots.values()) if (r.name.equals(name)) return r;
        return null;
    }

    Repository repository(long projectId, String fullName) {
        for (Repository r : repositories.viewOf(projectId)) if (r.name.equals(fullName)) return r;
        return null;
    }

    List<Repository> repositoriesOf(long projectId) {
        return repositories.of(projectId);
    }

    List<Artifact> artifactsOf(long repoId) {
        return artifacts.of(repoId);
    }

    /** reference = digest (contains ':' after "sha256") or tag. */
    Artifact artifact(long repoId, String reference) {
        boolean digest = reference.startsWith("sha256:") || reference.contains(":");
        for (Artifact a : artifacts.viewOf(repoId)) {
            if (digest ? a.digest.equals(reference) : a.tags.stream().anyMatch(t -> t.name.equals(reference))) return a;
        }
        return null;
    }

    Quota quotaOf(long projectId) {
        for (Quota q : quotas.viewOf(projectId)) return q;
        return null;
    }
}
