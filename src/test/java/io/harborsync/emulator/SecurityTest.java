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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecurityTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    @Test
    void sidCookieWithoutCsrfTokenIsForbidden() {
        HttpResponse<String> first = c().get("projects");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("sid="));
        String sid = cookie.substring(0, cookie.indexOf(';'));

        HttpResponse<String> r = c().send(c().request("POST", "projects", Map.of("project_name", "csrf")).header("Cookie", sid));
        assertEquals(403, r.statusCode());
        assertEquals("{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"CSRF token invalid\"}]}", r.body());
        assertEquals(403, c().send(c().request("POST", "projects", Map.of("project_name", "csrf"))
                .header("Cookie", sid).header("X-Harbor-CSRF-Token", "t")).statusCode(),
                "a token Harbor did not hand out for the request's _gorilla_csrf cookie is refused");
        HttpResponse<String> read = c().send(c().request("GET", "projects", null).header("Cookie", sid));
        assertEquals(200, read.statusCode(), "reads pass");
        String token = read.headers().firstValue("X-Harbor-CSRF-Token").orElseThrow();
        String csrf = read.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith("_gorilla_csrf="))
                .map(v -> v.substring(0, v.indexOf(';'))).findFirst().orElseThrow();
        assertEquals(201, c().send(c().request("POST", "projects", Map.of("project_name", "csrf"))
                .header("Cookie", sid + "; " + csrf).header("X-Harbor-CSRF-Token", token)).statusCode());
        assertEquals(201, c().post("projects", Map.of("project_name", "no-cookie")).statusCode());
    }

    @Test
    void requestIdIsEchoedOrGenerated() {
        HttpResponse<String> r = c().send(c().request("GET", "ping", null).header("X-Request-Id", "harbor-sync-42"));
        assertEquals("harbor-sync-42", r.headers().firstValue("X-Request-Id").orElseThrow());
        assertNotEquals("", c().get("ping").headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void projectRobotAuthenticatesAndGets403ForMissingProject() {
        c().createProject("robo", false);
        HttpResponse<String> created = c().post("robots", Map.of("name", "ci", "level", "project", "duration", -1,
                "permissions", List.of(Map.of("kind", "project", "namespace", "robo",
                        "access", List.of(Map.of("resource", "repository", "action", "pull"))))));
        assertEquals(201, created.statusCode());
        JsonNode robot = json(created);
        assertEquals("robot$robo+ci", robot.get("name").asText());
        PlainHarborHttp asRobot = c().as(robot.get("name").asText(), robot.get("secret").asText());

        assertEquals(403, asRobot.get("projects/robo/repositories").statusCode(), "repository:pull is not repository:list (robot.perm.repos)");
        HttpResponse<String> missing = asRobot.send(asRobot.request("GET", "projects/does-not-exist", null).header("X-Is-Resource-Name", "true"));
        assertEquals(403, missing.statusCode(), "robots cannot tell absent from forbidden");
        assertEquals(404, c().send(c().request("GET", "projects/does-not-exist", null).header("X-Is-Resource-Name", "true")).statusCode());
        assertEquals(404, asRobot.head("projects?project_name=does-not-exist").statusCode(), "HEAD is the robot-safe check");
        assertEquals(403, asRobot.patch("robots/" + robot.get("id").asLong(), Map.of()).statusCode(), "robots cannot refresh secrets");

        assertEquals(200, c().patch("robots/" + robot.get("id").asLong(), Map.of("secret", "Secret123")).statusCode());
        assertEquals(401, asRobot.send(asRobot.request("GET", "projects/robo", null).header("X-Is-Resource-Name", "true"))
                .statusCode(), "old secret no longer works: anonymous, and robo is private (robot.auth.oldsecret)");
        assertTrue(json(c().as("robot$robo+ci", "Secret123").get("systeminfo")).has("harbor_version"));

        JsonNode list = json(c().get("robots?q=Level%3Dproject%2CProjectID%3D" + json(c().send(c().request("GET", "projects/robo", null)
                .header("X-Is-Resource-Name", "true"))).get("project_id").asLong()));
        assertEquals(1, list.size());
        assertEquals(0, json(c().get("robots")).size(), "no system robots");
        assertEquals(409, c().post("robots", Map.of("name", "ci", "level", "project", "duration", -1,
                "permissions", List.of(Map.of("kind", "project", "namespace", "robo",
                        "access", List.of(Map.of("resource", "repository", "action", "pull")))))).statusCode());
        assertEquals(400, c().post("robots", Map.of("name", "ci2", "level", "system", "duration", -1,
                "permissions", List.of(Map.of("kind", "system", "namespace", "/",
                        "access", List.of(Map.of("resource", "repository", "action", "delete"))))))
                .statusCode(), "repository:delete is a project permission, not a system one");
        assertEquals(400, c().post("robots", Map.of("name", "ci3", "level", "system", "duration", -1,
                "permissions", List.of(Map.of("kind", "project", "namespace", "*", "access", List.of())))).statusCode(),
                "empty access");
    }
}
