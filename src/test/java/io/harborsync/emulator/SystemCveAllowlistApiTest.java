package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static io.harborsync.testsupport.PlainHarborHttp.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /system/CVEAllowlist} as Harbor v2.15's source has it (systemcveallowlist.go, pkg/allowlist; not observed on
 * the real Harbor): always there, a PUT of items and expiry, duplicates and blank ids a 500 that stores nothing, GET
 * for any login, PUT for a system admin only and never for a robot.
 */
class SystemCveAllowlistApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    private static Map<String, Object> body(Long expiresAt, String... ids) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (expiresAt != null) m.put("expires_at", expiresAt);
        m.put("items", java.util.Arrays.stream(ids).map(id -> Map.of("cve_id", id)).toList());
        return m;
    }

    @Test
    void beforeAnyPutItIsAnEmptyListAndAPutReplacesItemsAndExpiry() {
        JsonNode empty = json(c().get("system/CVEAllowlist"));
        // the first GET of a fresh site (tests in this class share the emulator: only when nothing was put yet)
        if (!empty.has("id")) {
            assertEquals(List.of("items", "creation_time", "update_time"), keys(empty));
            assertEquals(0, empty.get("items").size());
            assertEquals("0001-01-01T00:00:00.000Z", empty.get("update_time").asText());
        }

        assertEquals(200, c().put("system/CVEAllowlist", body(2000000000L, "CVE-2024-2", "CVE-2024-1")).statusCode());
        JsonNode set = json(c().get("system/CVEAllowlist"));
        assertTrue(set.get("id").asLong() > 0);
        assertFalse(set.has("project_id"), "0 is omitted");
        assertEquals(2000000000L, set.get("expires_at").asLong());
        assertEquals("CVE-2024-2", set.get("items").get(0).get("cve_id").asText(), "kept as given");
        assertEquals(2, set.get("items").size());
        assertNotEquals("0001-01-01T00:00:00.000Z", set.get("update_time").asText());

        // id and project_id in the body are ignored; no expires_at: never expires
        Map<String, Object> again = body(null, "CVE-2025-9");
        again.put("id", 999);
        again.put("project_id", 7);
        assertEquals(200, c().put("system/CVEAllowlist", again).statusCode());
        JsonNode after = json(c().get("system/CVEAllowlist"));
        assertEquals(set.get("id").asLong(), after.get("id").asLong());
        assertFalse(after.has("expires_at"));
        assertEquals(1, after.get("items").size());
    }

    @Test
    void aDuplicateOrBlankIdIsA500ThatStoresNothing() {
        assertEquals(200, c().put("system/CVEAllowlist", body(null, "CVE-2020-1")).statusCode());
        HttpResponse<String> dup = c().put("system/CVEAllowlist", body(null, "CVE-2020-2", "CVE-2020-2"));
        assertEquals(500, dup.statusCode());
        assertEquals(500, c().put("system/CVEAllowlist", body(null, "  ")).statusCode());
        JsonNode kept = json(c().get("system/CVEAllowlist"));
        assertEquals("CVE-2020-1", kept.get("items").get(0).get("cve_id").asText());
        assertEquals(1, kept.get("items").size());
    }

    @Test
    void anyLoginReadsOnlyASystemAdminWritesAndNoRobot() {
        h1.emulator().addUser("cve-reader", "Reader12345");
        PlainHarborHttp user = c().as("cve-reader", "Reader12345");
        assertEquals(200, user.get("system/CVEAllowlist").statusCode());
        assertEquals(403, user.put("system/CVEAllowlist", body(null, "CVE-2021-1")).statusCode());
        assertEquals(401, c().anonymous().get("system/CVEAllowlist").statusCode());

        JsonNode robot = json(c().post("robots", Map.of("name", "cve-bot", "level", "system", "duration", -1,
                "permissions", List.of(Map.of("kind", "system", "namespace", "/",
                        "access", List.of(Map.of("resource", "project", "action", "list")))))));
        PlainHarborHttp asRobot = c().as(robot.get("name").asText(), robot.get("secret").asText());
        assertEquals(200, asRobot.get("system/CVEAllowlist").statusCode());
        assertEquals(403, asRobot.put("system/CVEAllowlist", body(null, "CVE-2021-1")).statusCode());
        // the pair Harbor checks is not one a robot may be given
        HttpResponse<String> refused = c().post("robots", Map.of("name", "cve-bot2", "level", "system", "duration", -1,
                "permissions", List.of(Map.of("kind", "system", "namespace", "/",
                        "access", List.of(Map.of("resource", "configuration", "action", "update"))))));
        assertEquals(400, refused.statusCode());
    }
}
