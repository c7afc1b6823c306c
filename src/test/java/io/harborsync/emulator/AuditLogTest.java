package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditLogTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");
    @RegisterExtension
    static EmulatorExtension silent = EmulatorExtension.named("silent", o -> o.withAuditLogEnabled(false));

    private static long lastId(PlainHarborHttp c) {
        JsonNode rows = json(c.get("auditlog-exts?sort=-id&page_size=1"));
        return rows.isEmpty() ? 0 : rows.get(0).get("id").asLong();
    }

    private static List<String> kinds(JsonNode rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get("resource_type").asText() + "/" + r.get("operation").asText() + " " + r.get("resource").asText()));
        return out;
    }

    @Test
    void recordsWhatV2152RecordsAndNothingElse() {
        PlainHarborHttp c = h1.client();
        long from = lastId(c) + 1;
        long pid = c.createProject("audited", false);
        h1.emulator().addUser("carol");
        c.post("projects/" + pid + "/members", Map.of("role_id", 2, "member_user", Map.of("username", "carol")));
        c.put("projects/" + pid, Map.of("metadata", Map.of("auto_scan", "true")));
        c.post("projects/" + pid + "/metadatas/", Map.of("prevent_vul", "true"));
        long qid = json(c.get("quotas?reference=project&reference_id=" + pid)).get(0).get("id").asLong();
        c.put("quotas/" + qid, Map.of("hard", Map.of("storage", 10)));
        String digest = h1.emulator().pushArtifact("audited", "app", null, "1.0");
        c.post("projects/audited/repositories/app/artifacts/" + digest + "/tags", Map.of("name", "2.0"));
        c.delete("projects/audited/repositories/app/artifacts/" + digest + "/tags/2.0");
        c.delete("projects/audited/repositories/app/artifacts/" + digest);
        c.delete("projects/audited/repositories/app");
        JsonNode robot = json(c.post("robots", Map.of("name", "auditbot", "level", "system", "duration", 30,
                "permissions", List.of(Map.of("kind", "system", "namespace", "/",
                        "access", List.of(Map.of("resource", "audit-log", "action", "list")))))));
        c.delete("robots/" + robot.get("id").asLong());
        c.post("users", Map.of("username", "dave", "password", "Passw0rd!", "email", "d@x", "realname", "Dave"));
        c.delete("projects/" + pid);

        JsonNode rows = json(c.get("auditlog-exts?q=id%3D%5B" + from + "~%5D&sort=id&page_size=100"));
        assertEquals(List.of(
                "project/create audited",
                "artifact/create audited/app:1.0",
                "tag/create audited/app:2.0",
                "tag/delete audited/app:2.0",
                "artifact/delete audited/app@" + digest,
                "repository/delete audited/app",
                "robot/create robot$auditbot",
                "robot/delete robot$auditbot",
                "user/create dave",
                "project/delete audited"), kinds(rows), "no member, metadata or quota rows");
        assertTrue(rows.findValuesAsText("username").stream().allMatch("admin"::equals));

        JsonNode deletes = json(c.get("auditlog-exts?q=resource_type%3Dproject%2Coperation%3Ddelete%2Cid%3D%5B" + from + "~%5D"));
        assertEquals(List.of("project/delete audited"), kinds(deletes));
        long first = rows.get(0).get("id").asLong();
        assertEquals(3, json(c.get("auditlog-exts?q=id%3D%5B" + first + "~" + (first + 2) + "%5D")).size(), "closed range");
        assertEquals("project", json(c.get("auditlog-exts?sort=-id&page_size=1")).get(0).get("resource_type").asText());
        assertTrue(json(c.get("auditlog-exts/events")).toString().contains("create_project"));
    }

    @Test
    void robotWithoutAuditPermissionSeesNothingAndPurgeEmpties() {
        PlainHarborHttp c = h1.client();
        c.createProject("purge-me", false);
        JsonNode robot = json(c.post("robots", Map.of("name", "noaudit", "level", "system", "duration", -1,
                "permissions", List.of(Map.of("kind", "project", "namespace", "*",
                        "access", List.of(Map.of("resource", "repository", "action", "pull")))))));
        assertEquals(0, json(c.as(robot.get("name").asText(), robot.get("secret").asText()).get("auditlog-exts")).size());
        h1.emulator().purgeAuditLog();
        assertEquals("0", c.get("auditlog-exts").headers().firstValue("X-Total-Count").orElseThrow());
    }

    @Test
    void legacyAuditLogsListStaysEmpty() {
        PlainHarborHttp c = h1.client();
        c.createProject("legacy-audit", false);
        assertTrue(json(c.get("auditlog-exts?page_size=1")).size() > 0, "rows go to audit_log_ext");
        var legacy = c.get("audit-logs?page_size=1");
        assertEquals(200, legacy.statusCode());
        assertEquals("[]", legacy.body(), "v2.15.2 writes nothing to the legacy table (step audit.legacy)");
        assertEquals("0", legacy.headers().firstValue("X-Total-Count").orElseThrow());
    }

    @Test
    void disabledAuditLogStoresNothing() {
        PlainHarborHttp c = silent.client();
        c.createProject("invisible", false);
        silent.emulator().pushArtifact("invisible", "app", null, "1");
        assertEquals(0, json(c.get("auditlog-exts")).size());
    }
}
