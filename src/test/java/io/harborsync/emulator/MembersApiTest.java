package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembersApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    private static long idFromLocation(HttpResponse<String> r) {
        String loc = r.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));
    }

    @Test
    void creatorIsProjectAdminMember() {
        long p = c().createProject("creator", false);
        JsonNode members = json(c().get("projects/" + p + "/members"));
        assertEquals(1, members.size());
        assertEquals("admin", members.get(0).get("entity_name").asText());
        assertEquals(1, members.get(0).get("role_id").asInt());
        assertEquals("projectAdmin", members.get(0).get("role_name").asText());
        assertEquals("u", members.get(0).get("entity_type").asText());

        // project_member.id is one table-wide serial in Harbor (pkg/project/dao.Create inserts the owner row),
        // so the creator's member id is not 1 in every project
        long p2 = c().createProject("creator-2", false);
        long m1 = members.get(0).get("id").asLong();
        long m2 = json(c().get("projects/" + p2 + "/members")).get(0).get("id").asLong();
        assertTrue(m2 > m1, m1 + " then " + m2);
    }

    @Test
    void addByUsernameAndGroups() {
        long p = c().createProject("members", false);
        String base = "projects/" + p + "/members";
        HttpResponse<String> unknown = c().post(base, Map.of("role_id", 2, "member_user", Map.of("username", "ghost")));
        assertEquals(404, unknown.statusCode());
        assertEquals("user ghost is not found", json(unknown).get("errors").get(0).get("message").asText());

        h1.emulator().addUser("alice");
        HttpResponse<String> created = c().post(base, Map.of("role_id", 2, "member_user", Map.of("username", "alice")));
        assertEquals(201, created.statusCode());
        assertTrue(created.headers().firstValue("Location").orElseThrow().startsWith("/api/v2.0/projects/" + p + "/members/"));
        assertEquals(409, c().post(base, Map.of("role_id", 3, "member_user", Map.of("username", "alice"))).statusCode());
        assertEquals(400, c().post(base, Map.of("role_id", 6, "member_user", Map.of("username", "alice"))).statusCode());

        assertEquals(201, c().post(base, Map.of("role_id", 3, "member_group", Map.of("group_name", "oidc-devs", "group_type", 3))).statusCode(),
                "OIDC groups are created on demand");
        assertEquals(404, c().post(base, Map.of("role_id", 3, "member_group", Map.of("group_name", "ldap-devs", "group_type", 1))).statusCode());
        h1.emulator().addGroup("ldap-devs", 1);
        assertEquals(201, c().post(base, Map.of("role_id", 4, "member_group", Map.of("group_name", "ldap-devs", "group_type", 1))).statusCode());

        JsonNode alice = json(c().get(base + "?entityname=alice"));
        assertEquals(1, alice.size());
        assertEquals("developer", alice.get(0).get("role_name").asText());
        assertEquals(0, json(c().get(base + "?entityname=ali")).size(), "entityname is exact");
        assertEquals(4, json(c().get(base)).size());
    }

    @Test
    void putAndDeleteQuirks() {
        long p = c().createProject("quirks", false);
        String base = "projects/" + p + "/members";
        h1.emulator().addUser("bob");
        long mid = idFromLocation(c().post(base, Map.of("role_id", 2, "member_user", Map.of("username", "bob"))));

        assertEquals(200, c().put(base + "/999999", Map.of("role_id", 3)).statusCode(), "unknown mid: 200, no effect");
        assertEquals(200, c().delete(base + "/999999").statusCode(), "delete is idempotent");
        assertEquals(2, json(c().get(base)).size());

        assertEquals(200, c().put(base + "/" + mid, Map.of("role_id", 4)).statusCode());
        assertEquals("maintainer", json(c().get(base + "/" + mid)).get("role_name").asText());

        assertEquals(200, c().put(base + "/" + mid, Map.of("role_id", 9)).statusCode(), "no role validation on PUT");
        assertEquals(0, json(c().get(base + "?entityname=bob")).size(), "a member with an unknown role vanishes");
        assertEquals(409, c().post(base, Map.of("role_id", 2, "member_user", Map.of("username", "bob"))).statusCode(),
                "but it still exists");

        assertEquals(200, c().delete(base + "/" + mid).statusCode());
        assertEquals(200, c().delete(base + "/" + mid).statusCode());
        assertEquals(201, c().post(base, Map.of("role_id", 2, "member_user", Map.of("username", "bob"))).statusCode());
    }
}
