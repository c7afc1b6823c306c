package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationAndUsersApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    private static long id(HttpResponse<String> r) {
        assertEquals(201, r.statusCode(), r.body());
        String loc = r.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));
    }

    @Test
    void registriesPoliciesAndExecutions() {
        long reg = id(c().post("registries", Map.of("name", "h2", "type", "harbor", "url", "https://h2.harbor.domain",
                "credential", Map.of("type", "basic", "access_key", "robot$sync", "access_secret", "S3cretS3cret"))));
        assertEquals(409, c().post("registries", Map.of("name", "h2", "type", "harbor", "url", "https://x")).statusCode());
        JsonNode r = json(c().get("registries/" + reg));
        assertEquals("*****", r.get("credential").get("access_secret").asText());
        assertEquals(200, c().put("registries/" + reg, Map.of("description", "peer")).statusCode());
        assertEquals("peer", json(c().get("registries/" + reg)).get("description").asText());

        long pol = id(c().post("replication/policies", Map.of("name", "to-h2", "dest_registry", Map.of("id", reg),
                "trigger", Map.of("type", "event_based"), "deletion", true, "replicate_deletion", false, "enabled", true,
                "filters", List.of(Map.of("type", "name", "value", "team-a/**")))));
        JsonNode p = json(c().get("replication/policies/" + pol));
        assertTrue(p.get("deletion").asBoolean());
        assertTrue(p.get("replicate_deletion").asBoolean(), "responses mirror `deletion`");
        assertEquals("h2", p.get("dest_registry").get("name").asText());
        assertEquals(409, c().post("replication/policies", Map.of("name", "to-h2")).statusCode());
        assertEquals(1, json(c().get("replication/policies")).size());

        long ex = id(c().post("replication/executions", Map.of("policy_id", pol)));
        assertEquals("Succeed", json(c().get("replication/executions/" + ex)).get("status").asText());
        assertEquals(1, json(c().get("replication/executions?policy_id=" + pol)).size());
        assertEquals(0, json(c().get("replication/executions?policy_id=" + (pol + 100))).size());

        assertEquals(200, c().delete("replication/policies/" + pol).statusCode());
        assertEquals(404, c().get("replication/policies/" + pol).statusCode());
        assertEquals(200, c().delete("registries/" + reg).statusCode());
    }

    @Test
    void usersViaApi() {
        long uid = id(c().post("users", Map.of("username", "frank", "password", "Passw0rd1", "email", "f@example.com", "realname", "Frank")));
        assertEquals(409, c().post("users", Map.of("username", "frank", "password", "Passw0rd1", "email", "f2@example.com", "realname", "F")).statusCode());
        JsonNode users = json(c().get("users?page_size=100"));
        assertTrue(users.toString().contains("\"user_id\":" + uid));
        assertEquals(403, c().as("frank", "Passw0rd1").get("users").statusCode(), "only sysadmins list users");
        assertEquals(0, json(c().as("frank", "Passw0rd1").get("projects")).size(), "frank is member of nothing");
    }

    @Test
    void webhookPolicyCrud() {
        long pid = c().createProject("wh", false);
        String base = "projects/" + pid + "/webhook/policies";
        long wid = id(c().post(base, Map.of("name", "sync", "event_types", List.of("PUSH_ARTIFACT"),
                "targets", List.of(Map.of("type", "http", "address", "http://127.0.0.1:1/hook")))));
        JsonNode w = json(c().get(base + "/" + wid));
        assertEquals("Default", w.get("targets").get(0).get("payload_format").asText(), "http defaults to Default");
        assertEquals(pid, w.get("project_id").asLong());
        assertEquals(200, c().put(base + "/" + wid, Map.of("name", "sync", "enabled", false, "event_types", List.of("DELETE_ARTIFACT"),
                "targets", List.of(Map.of("type", "http", "address", "http://127.0.0.1:1/hook", "payload_format", "CloudEvents")))).statusCode());
        assertEquals("DELETE_ARTIFACT", json(c().get(base + "/" + wid)).get("event_types").get(0).asText());
        assertEquals(200, c().delete("projects/" + pid).statusCode());
        long again = c().createProject("wh", false);
        assertEquals(0, json(c().get("projects/" + again + "/webhook/policies")).size(), "policies went with the project");
    }
}
