package io.harborsync.emulator;

import java.util.Map;
import java.util.Set;

/**
 * The resource/action pairs a robot permission may hold, per kind, as Harbor's robot permission
 * provider lists them (src/common/rbac/const.go, api-notes §7.1). Harbor's robot handler rejects any
 * other pair with 400 "bad request permission: resource:action".
 */
final class RobotCatalogue {
    private RobotCatalogue() {
    }

    static final Map<String, Set<String>> SYSTEM = Map.ofEntries(
            Map.entry("audit-log", Set.of("list")),
            Map.entry("preheat-instance", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("project", Set.of("list", "create")),
            Map.entry("replication-policy", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("replication", Set.of("read", "create", "list")),
            Map.entry("replication-adapter", Set.of("list")),
            Map.entry("registry", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("scan-all", Set.of("read", "update", "stop", "create")),
            Map.entry("system-volumes", Set.of("read")),
            Map.entry("garbage-collection", Set.of("read", "create", "list", "update", "stop")),
            Map.entry("purge-audit", Set.of("read", "create", "list", "update", "stop")),
            Map.entry("jobservice-monitor", Set.of("list", "stop")),
            Map.entry("scanner", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("label", Set.of("read", "create", "delete", "update")),
            Map.entry("security-hub", Set.of("read", "list")),
            Map.entry("catalog", Set.of("read")),
            Map.entry("quota", Set.of("read", "list", "update")),
            Map.entry("robot", Set.of("create", "read", "list", "delete")),
            Map.entry("user", Set.of("create", "read", "update", "list", "delete")),
            Map.entry("ldap-user", Set.of("create", "list")),
            Map.entry("user-group", Set.of("create", "read", "update", "list", "delete")));

    static final Map<String, Set<String>> PROJECT = Map.ofEntries(
            Map.entry("log", Set.of("list")),
            Map.entry("project", Set.of("read", "delete", "update")),
            Map.entry("metadata", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("repository", Set.of("read", "update", "delete", "list", "pull", "push")),
            Map.entry("artifact", Set.of("read", "create", "list", "delete")),
            Map.entry("scan", Set.of("create", "read", "stop")),
            Map.entry("sbom", Set.of("create", "stop", "read")),
            Map.entry("tag", Set.of("create", "list", "delete")),
            Map.entry("accessory", Set.of("list")),
            Map.entry("artifact-addition", Set.of("read")),
            Map.entry("artifact-label", Set.of("create", "delete")),
            Map.entry("scanner", Set.of("create", "read")),
            Map.entry("preheat-policy", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("immutable-tag", Set.of("create", "delete", "list", "update")),
            Map.entry("notification-policy", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("tag-retention", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("label", Set.of("read", "create", "delete", "list", "update")),
            Map.entry("quota", Set.of("read")),
            Map.entry("robot", Set.of("create", "read", "list", "delete")),
            Map.entry("export-cve", Set.of("create", "read")),
            Map.entry("member", Set.of("create", "read", "update", "list", "delete")));

    static boolean allows(String kind, String resource, String action) {
        Map<String, Set<String>> catalogue = "system".equals(kind) ? SYSTEM : PROJECT;
        return catalogue.getOrDefault(resource, Set.of()).contains(action);
    }
}
