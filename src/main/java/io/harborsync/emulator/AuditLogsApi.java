package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** {@code /auditlog-exts}, its event types, and the legacy {@code /audit-logs} that v2.15.2 leaves empty (api-notes 3). */
final class AuditLogsApi {
    private final EmulatorOptions options;
    private final SiteData site;
    private final AuditLog audit;

    AuditLogsApi(EmulatorOptions options, SiteData site, AuditLog audit) {
        this.options = options;
        this.site = site;
        this.audit = audit;
    }

    void routes(Router router) {
        router.add("GET", "auditlog-exts", (r, p) -> listAudit(r));
        router.add("GET", "auditlog-exts/events", (r, p) -> auditEvents());
        // v2.15.2 writes audit rows to audit_log_ext only: the legacy list stays empty (step audit.legacy)
        router.add("GET", "audit-logs", (r, p) -> Paging.page(r, List.<AuditLog.Row>of(), AuditLogsApi::auditJson));
    }

    static ObjectNode auditJson(AuditLog.Row row) {
        return Json.obj().put("id", row.id()).put("username", row.username()).put("resource", row.resource())
                .put("resource_type", row.resourceType()).put("operation", row.operation())
                .put("operation_description", row.description()).put("operation_result", row.result())
                .put("op_time", Json.time(row.opTime()));
    }

    private boolean mayListAudit(Principal who) {
        if (who.admin()) return true;
        if (!who.isRobot()) return false;
        for (JsonNode perm : site.robots.get(who.robotId()).permissions) {
            if (!perm.path("kind").asText().equals("system")) continue;
            for (JsonNode a : perm.path("access")) {
                if (a.path("resource").asText().equals("audit-log") && a.path("action").asText().equals("list")) return true;
            }
        }
        return false;
    }

    private Response listAudit(Request r) {
        List<AuditLog.Row> rows = mayListAudit(r.principal) ? new ArrayList<>(audit.rows()) : new ArrayList<>();
        for (Map.Entry<String, String> t : r.qTerms()) {
            Predicate<AuditLog.Row> f = auditFilter(t.getKey(), t.getValue());
            if (f != null) rows.removeIf(f.negate());
        }
        String sort = r.param("sort");
        Comparator<AuditLog.Row> cmp = Comparator.comparing(AuditLog.Row::opTime).thenComparingLong(AuditLog.Row::id).reversed();
        if (sort != null && !sort.isEmpty()) {
            Comparator<AuditLog.Row> c = null;
            for (String s : sort.split(",")) {
                boolean desc = s.startsWith("-");
                String key = desc ? s.substring(1) : s;
                Comparator<AuditLog.Row> one = switch (key) {
                    case "id" -> Comparator.comparingLong(AuditLog.Row::id);
                    case "op_time" -> Comparator.comparing(AuditLog.Row::opTime);
                    case "username" -> Comparator.comparing(AuditLog.Row::username);
                    case "resource" -> Comparator.comparing(AuditLog.Row::resource);
                    case "resource_type" -> Comparator.comparing(AuditLog.Row::resourceType);
                    case "operation" -> Comparator.comparing(AuditLog.Row::operation);
                    default -> null; // unknown sort keys are ignored
                };
                if (one == null) continue;
                if (desc) one = one.reversed();
                c = c == null ? one : c.thenComparing(one);
            }
            if (c != null) cmp = c;
        }
        rows.sort(cmp);
        return Paging.page(r, rows, AuditLogsApi::auditJson);
    }

    /** One q term: exact, ~fuzzy, [min~max] range (ints), {a b} list. Unknown keys are ignored (null). */
    private static Predicate<AuditLog.Row> auditFilter(String key, String value) {
        Function<AuditLog.Row, Object> field = switch (key) {
            case "id" -> AuditLog.Row::id;
            case "project_id" -> AuditLog.Row::projectId;
            case "username" -> AuditLog.Row::username;
            case "resource" -> AuditLog.Row::resource;
            case "resource_type" -> AuditLog.Row::resourceType;
            case "operation" -> AuditLog.Row::operation;
            case "op_time" -> row -> row.opTime().toString();
            default -> null;
        };
        if (field == null) return null;
        if (value.startsWith("[") && value.endsWith("]") && value.contains("~")) {
            String inner = value.substring(1, value.length() - 1);
            int t = inner.indexOf('~');
            String lo = inner.substring(0, t).trim(), hi = inner.substring(t + 1).trim();
            return row -> inRange(field.apply(row), lo, hi);
        }
        if (value.startsWith("{") && value.endsWith("}")) {
            List<String> items = List.of(value.substring(1, value.length() - 1).trim().split("\\s+"));
            return row -> items.contains(String.valueOf(field.apply(row)));
        }
        if (value.startsWith("~")) {
            String v = value.substring(1);
            return row -> String.valueOf(field.apply(row)).toLowerCase().contains(v.toLowerCase());
        }
        String v = value.startsWith("\\") ? value.substring(1) : value;
        return row -> String.valueOf(field.apply(row)).equals(v);
    }

    private static boolean inRange(Object actual, String lo, String hi) {
        if (actual instanceof Long n) {
            try {
                return (lo.isEmpty() || n >= Long.parseLong(lo)) && (hi.isEmpty() || n <= Long.parseLong(hi));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        String s = String.valueOf(actual);
        return (lo.isEmpty() || s.compareTo(lo) >= 0) && (hi.isEmpty() || s.compareTo(hi) <= 0);
    }

    private Response auditEvents() {
        ArrayNode arr = Json.arr();
        if (options.memberAuditEvents()) {
            for (String e : List.of("create_member", "update_member", "delete_member", "update_project")) arr.addObject().put("event_type", e);
        }
        for (String e : List.of("create_artifact", "delete_artifact", "pull_artifact", "create_project", "delete_project",
                "delete_repository", "login_user", "logout_user", "create_user", "delete_user", "update_user",
                "create_robot", "delete_robot", "update_configuration")) {
            arr.addObject().put("event_type", e);
        }
        return Response.ok(arr);
    }
}
