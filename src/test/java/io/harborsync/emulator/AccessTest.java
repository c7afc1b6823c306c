package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what: bad credentials are the anonymous principal (observations §2, steps auth.*, robot.auth.*,
 * sys.systeminfo.anon) and robots are held to their resource:action pairs with the inheritance observed
 * (observations §3, steps robot.perm.*, dsync.*).
 */
class AccessTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    @Test
    void everyRegisteredRouteHasAPermissionRule() {
        List<String> missing = new ArrayList<>(h1.emulator().routes().routeKeys());
        missing.removeIf(k -> RoutePermissions.RULES.containsKey(k));
        assertEquals(List.of(), missing, "routes a robot would be refused on for want of a rule");
    }

    @Test
    void badCredentialsOfEveryKindAreAnonymous() {
        c().createProject("acc-pub", true);
        c().createProject("acc-priv", false);
        h1.emulator().pushArtifact("acc-pub", "app", null, "v1");
        JsonNode disabled = robot("acc-disabled", "system", "/", "project", "list");
        assertEquals(200, c().put("robots/" + disabled.get("id").asLong(), robotBody(disabled, true)).statusCode());
        JsonNode expired = robot("acc-expired", "system", "/", "project", "list");
        synchronized (h1.emulator().routes().site) {
            h1.emulator().routes().site.robots.get(expired.get("id").asLong()).expiresAt = Instant.now().getEpochSecond() - 1;
        }
        JsonNode working = robot("acc-working", "system", "/", "project", "list");

        Map<String, PlainHarborHttp> callers = new LinkedHashMap<>();
        callers.put("no Authorization", c().anonymous());
        callers.put("wrong password", c().as("admin", "wrong"));
        callers.put("Basic !!!", new PlainHarborHttp(h1.emulator().baseUrl(), "Basic !!!"));
        callers.put("Bearer x", new PlainHarborHttp(h1.emulator().baseUrl(), "Bearer x"));
        callers.put("disabled robot", c().as(disabled.get("name").asText(), disabled.get("secret").asText()));
        callers.put("expired robot", c().as(expired.get("name").asText(), expired.get("secret").asText()));
        callers.put("wrong robot secret", c().as(working.get("name").asText(), "Wrong1234secret"));
        for (Map.Entry<String, PlainHarborHttp> e : callers.entrySet()) {
            String who = e.getKey();
            PlainHarborHttp anon = e.getValue();
            HttpResponse<String> list = anon.get("projects?name=acc-");
            assertEquals(200, list.statusCode(), who + ": auth.wrongpw.list");
            List<String> names = new ArrayList<>();
            json(list).forEach(p -> names.add(p.get("name").asText()));
            assertEquals(List.of("acc-pub"), names, who + ": only the public projects");
            assertEquals(200, byName(anon, "GET", "projects/acc-pub").statusCode(), who + ": auth.none.getpublic");
            assertEquals(200, anon.get("projects/acc-pub/repositories").statusCode(), who + ": auth.wrongpw.repos");
            assertEquals(200, anon.get("projects/acc-pub/repositories/app/artifacts").statusCode(), who + ": artifacts");
            assertEquals(401, byName(anon, "GET", "projects/acc-priv").statusCode(), who + ": auth.none.get");
            assertEquals(401, anon.get("projects/acc-priv/repositories").statusCode(), who + ": private repositories");
            assertEquals(401, anon.get("quotas?reference=project").statusCode(), who + ": auth.wrongpw.quotas");
            assertEquals(401, anon.get("robots").statusCode(), who + ": auth.wrongpw.robots");
            assertEquals(401, byName(anon, "GET", "projects/acc-pub/members").statusCode(), who + ": auth.wrongpw.members");
            assertEquals(401, anon.head("projects?project_name=acc-pub").statusCode(), who + ": auth.wrongpw.head");
            HttpResponse<String> audit = anon.get("auditlog-exts?page_size=1");
            assertEquals(401, audit.statusCode(), who + ": auth.wrongpw.audit");
            assertEquals("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"\"}]}", audit.body(), who);
            assertEquals(401, anon.get("auditlog-exts/events").statusCode(), who + ": auth.wrongpw.events");
            HttpResponse<String> post = anon.post("projects", Map.of("project_name", "acc-new"));
            assertEquals(401, post.statusCode(), who + ": auth.wrongpw.post");
            assertEquals("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"unauthorized\"}]}", post.body(), who);
            JsonNode info = json(anon.get("systeminfo"));
            assertFalse(info.has("harbor_version"), who + ": auth.wrongpw.sysinfo");
            assertEquals("db_auth", info.get("auth_mode").asText(), who);
        }
        JsonNode info = json(c().as(working.get("name").asText(), working.get("secret").asText()).get("systeminfo"));
        assertTrue(info.has("harbor_version"), "a robot that authenticates sees the version (dsync.sysinfo)");
    }

    @Test
    void aPlainUserMayNotListSystemRobots() {
        h1.emulator().addUser("acc-u1", "Passw0rd1");
        HttpResponse<String> r = c().as("acc-u1", "Passw0rd1").get("robots");
        assertEquals(403, r.statusCode(), "auth.user.robots");
        assertEquals("{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"acc-u1\"}]}", r.body());
    }

    @Test
    void aProjectRobotNeedsEachPairItself() {
        c().createProject("acc-perm", false);
        h1.emulator().pushArtifact("acc-perm", "app", null, "v1");
        HttpResponse<String> created = c().post("robots", Map.of("name", "ci", "level", "project", "duration", -1,
                "permissions", List.of(Map.of("kind", "project", "namespace", "acc-perm", "access",
                        List.of(Map.of("resource", "repository", "action", "pull"), Map.of("resource", "artifact", "action", "list"))))));
        JsonNode robot = json(created);
        PlainHarborHttp ci = c().as(robot.get("name").asText(), robot.get("secret").asText());
        assertEquals(200, ci.get("projects/acc-perm/repositories/app/artifacts").statusCode(), "robot.auth.patched");
        HttpResponse<String> get = byName(ci, "GET", "projects/acc-perm");
        assertEquals(403, get.statusCode(), "robot.perm.getproj");
        assertEquals("{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"forbidden\"}]}", get.body());
        assertEquals(403, byName(ci, "GET", "projects/acc-perm/members").statusCode(), "robot.perm.members");
        assertEquals(403, ci.get("projects/acc-perm/repositories").statusCode(), "robot.perm.repos");
        assertEquals(403, ci.get("robots/" + robot.get("id").asLong()).statusCode(), "robot.perm.robots");
        assertEquals(403, byName(ci, "GET", "projects/acc-missing").statusCode(), "robot.perm.missingproj");
        assertEquals(404, ci.head("projects?project_name=acc-missing").statusCode(), "robot.perm.head");
        assertEquals(200, ci.get("auditlog-exts?page_size=1").statusCode(), "robot.perm.auditnoperm");
        assertEquals(0, json(ci.get("auditlog-exts?page_size=1")).size(), "rows filtered, not refused");
    }

    @Test
    void aSystemRobotIsRefusedWithItsNameOnSystemRoutesItHoldsNoPairFor() {
        JsonNode robot = robot("acc-sys", "project", "*", "project", "read");
        PlainHarborHttp sys = c().as(robot.get("name").asText(), robot.get("secret").asText());
        for (String path : List.of("robots?page_size=1", "replication/policies?page_size=1", "quotas", "registries")) {
            HttpResponse<String> r = sys.get(path);
            assertEquals(403, r.statusCode(), path + " (dsync.robots, dsync.replpol)");
            assertEquals("{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"robot$acc-sys\"}]}", r.body(), path);
        }
    }

    @Test
    void projectReadUpdateDeleteReachEverySubResourceButNeverListOrCreate() {
        c().createProject("acc-inh", false);
        String digest = h1.emulator().pushArtifact("acc-inh", "app", null, "v1", "v2");
        h1.emulator().addUser("acc-u2", "Passw0rd1");
        assertEquals(201, byName(c(), "POST", "projects/acc-inh/members",
                Map.of("role_id", 3, "member_user", Map.of("username", "acc-u2"))).statusCode());
        long mid = -1;
        for (JsonNode m : json(byName(c(), "GET", "projects/acc-inh/members"))) {
            if (m.get("entity_name").asText().equals("acc-u2")) mid = m.get("id").asLong();
        }
        HttpResponse<String> hook = byName(c(), "POST", "projects/acc-inh/webhook/policies", Map.of("name", "h", "enabled", true,
                "event_types", List.of("PUSH_ARTIFACT"), "targets", List.of(Map.of("type", "http", "address", "http://127.0.0.1:9/x"))));
        String loc = hook.headers().firstValue("Location").orElseThrow();
        long hid = Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));

        PlainHarborHttp read = as(robot("acc-read", "project", "*", "project", "read"));
        assertEquals(200, read.get("projects/acc-inh/repositories/app/artifacts/" + digest).statusCode());
        assertEquals(200, byName(read, "GET", "projects/acc-inh/members/" + mid).statusCode());
        assertEquals(200, byName(read, "GET", "projects/acc-inh/webhook/policies/" + hid).statusCode());
        assertEquals(403, read.get("projects/acc-inh/repositories/app/artifacts").statusCode(), "list is not inherited");
        assertEquals(403, byName(read, "GET", "projects/acc-inh/members").statusCode());
        assertEquals(403, byName(read, "GET", "projects/acc-inh/metadatas/").statusCode());
        assertEquals(403, read.get("projects/acc-inh/repositories/app/artifacts/" + digest + "/tags").statusCode());

        PlainHarborHttp update = as(robot("acc-update", "project", "*", "project", "update"));
        assertEquals(200, byName(update, "PUT", "projects/acc-inh/members/" + mid, Map.of("role_id", 2)).statusCode());
        assertEquals(403, byName(update, "GET", "projects/acc-inh/members/" + mid).statusCode(), "reads are not updates");

        PlainHarborHttp hooks = as(robot("acc-hooks", "project", "*", "notification-policy", "list"));
        assertEquals(200, byName(hooks, "GET", "projects/acc-inh/webhook/policies").statusCode());
        assertEquals(403, byName(hooks, "GET", "projects/acc-inh/webhook/policies/" + hid).statusCode());

        PlainHarborHttp delete = as(robot("acc-delete", "project", "*", "project", "delete"));
        assertEquals(200, delete.delete("projects/acc-inh/repositories/app/artifacts/" + digest + "/tags/v1").statusCode());
        assertEquals(200, byName(delete, "DELETE", "projects/acc-inh/members/" + mid).statusCode());
        assertEquals(200, byName(delete, "DELETE", "projects/acc-inh/webhook/policies/" + hid).statusCode());
        assertEquals(200, delete.delete("projects/acc-inh/repositories/app/artifacts/" + digest).statusCode());
        assertEquals(201, delete.post("projects", Map.of("project_name", "acc-x")).statusCode(),
                "a system robot creates projects without project:create (project.go CreateProject: RequireAuthenticated)");
    }

    private JsonNode robot(String name, String kind, String namespace, String resource, String action) {
        HttpResponse<String> r = c().post("robots", Map.of("name", name, "level", "system", "duration", -1,
                "permissions", List.of(Map.of("kind", kind, "namespace", namespace,
                        "access", List.of(Map.of("resource", resource, "action", action))))));
        assertEquals(201, r.statusCode(), r.body());
        return json(r);
    }

    private Map<String, Object> robotBody(JsonNode created, boolean disable) {
        JsonNode full = json(c().get("robots/" + created.get("id").asLong()));
        Map<String, Object> body = PlainHarborHttp.JSON.convertValue(full, Map.class);
        body.put("disable", disable);
        return body;
    }

    private PlainHarborHttp as(JsonNode robot) {
        return c().as(robot.get("name").asText(), robot.get("secret").asText());
    }

    private static HttpResponse<String> byName(PlainHarborHttp c, String method, String path) {
        return byName(c, method, path, null);
    }

    private static HttpResponse<String> byName(PlainHarborHttp c, String method, String path, Object body) {
        return c.send(c.request(method, path, body).header("X-Is-Resource-Name", "true"));
    }
}
