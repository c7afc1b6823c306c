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
import java.util.Set;
import java.util.TreeSet;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static io.harborsync.testsupport.PlainHarborHttp.message;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulator's /robots and /permissions against what a real Harbor v2.15.2 answered (observations §3). */
class RobotsApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");
    @RegisterExtension
    static EmulatorExtension h2 = EmulatorExtension.named("h2");

    private static final String SECRET_RULE = "the secret must be 8-128, inclusively, characters long with at least"
            + " 1 uppercase letter, 1 lowercase letter and 1 number";

    private PlainHarborHttp c() { return h1.client(); }

    private static Map<String, Object> perm(String kind, String namespace, String... pairs) {
        List<Map<String, String>> access = new ArrayList<>();
        for (String pair : pairs) {
            String[] ra = pair.split(":");
            access.add(Map.of("resource", ra[0], "action", ra[1]));
        }
        return Map.of("kind", kind, "namespace", namespace, "access", access);
    }

    private static Map<String, Object> robot(String name, String level, long duration, Object... perms) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("description", "test robot");
        body.put("level", level);
        body.put("duration", duration);
        body.put("permissions", List.of(perms));
        return body;
    }

    /** A system robot that may read every project (the pair robot logins are checked with below). */
    private static Map<String, Object> reader(String name) {
        return robot(name, "system", -1, perm("project", "*", "project:read", "repository:pull"));
    }

    private static JsonNode created(HttpResponse<String> r) {
        assertEquals(201, r.statusCode(), r.body());
        return json(r);
    }

    private static void assertError(int status, String message, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(message, message(r));
    }

    private static Set<String> keys(JsonNode o) {
        Set<String> k = new TreeSet<>();
        o.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private static long epoch(JsonNode time) {
        return Instant.parse(time.asText()).getEpochSecond();
    }

    /** Whether basic auth with these credentials reads a private project (anonymous gets 401 there). */
    private static int readPrivate(PlainHarborHttp c, long projectId) {
        return c.get("projects/" + projectId).statusCode();
    }

    private List<String> auditRows(String resource) {
        List<String> out = new ArrayList<>();
        for (JsonNode row : json(c().get("auditlog-exts?q=resource_type%3Drobot&page_size=100"))) {
            if (row.get("resource").asText().equals(resource)) out.add(row.get("operation").asText());
        }
        return out;
    }

    @Test
    void createAnswersTheSecretOnceAndExpiryFromCreationTime() {
        JsonNode week = created(c().post("robots", robot("exp-week", "system", 7, perm("system", "/", "project:list"))));
        assertEquals(Set.of("creation_time", "expires_at", "id", "name", "secret"), keys(week));
        assertEquals("robot$exp-week", week.get("name").asText());
        assertEquals(32, week.get("secret").asText().length());
        assertEquals(epoch(week.get("creation_time")) + 7 * 86400, week.get("expires_at").asLong());

        JsonNode day = created(c().post("robots", robot("exp-day", "system", 1, perm("system", "/", "project:list"))));
        assertEquals(epoch(day.get("creation_time")) + 86400, day.get("expires_at").asLong());
        JsonNode never = created(c().post("robots", robot("exp-never", "system", -1, perm("system", "/", "project:list"))));
        assertEquals(-1, never.get("expires_at").asLong());

        for (long bad : new long[]{0, -2}) {
            assertError(400, "bad request error duration input: " + bad + ", duration must be either -1(Never) or a positive integer",
                    c().post("robots", robot("exp-bad", "system", bad, perm("system", "/", "project:list"))));
        }
    }

    @Test
    void nameRulesAndDuplicates() {
        for (String bad : List.of("Fid Bad", "Upper", "with space", "a+b")) {
            assertError(400, "robot name is not in lower case or contains illegal characters",
                    c().post("robots", robot(bad, "system", -1, perm("system", "/", "project:list"))));
        }
        assertError(500, "internal server error",
                c().post("robots", robot("a".repeat(256), "system", -1, perm("system", "/", "project:list"))));
        assertEquals(0, json(c().get("robots?q=name%3D" + "a".repeat(256))).size(), "nothing stored");

        created(c().post("robots", robot("dup-sys", "system", -1, perm("system", "/", "project:list"))));
        assertError(409, "robot account 0:dup-sys already exists",
                c().post("robots", robot("dup-sys", "system", -1, perm("system", "/", "project:list"))));

        long pid = c().createProject("dup-proj", false);
        created(c().post("robots", robot("ci", "project", 30, perm("project", "dup-proj", "repository:pull"))));
        assertError(409, "robot account " + pid + ":dup-proj+ci already exists",
                c().post("robots", robot("ci", "project", 30, perm("project", "dup-proj", "repository:pull"))));
    }

    @Test
    void projectLevelNeedsOneNamedExistingProject() {
        c().createProject("lvl-proj", false);
        assertError(404, "project * not found",
                c().post("robots", robot("star", "project", -1, perm("project", "*", "repository:pull"))));
        assertError(404, "project lvl-nope not found",
                c().post("robots", robot("nope", "project", -1, perm("project", "lvl-nope", "repository:pull"))));
        assertError(400, "bad request permission", c().post("robots", robot("extra", "project", -1,
                perm("project", "lvl-proj", "repository:pull"), perm("system", "/", "project:list"))));

        JsonNode sys = created(c().post("robots", robot("lvl-one", "system", -1, perm("project", "lvl-proj", "repository:pull"))));
        assertEquals("robot$lvl-one", sys.get("name").asText(), "a system robot may hold one named project's permission");
        JsonNode proj = created(c().post("robots", robot("ci", "project", -1, perm("project", "lvl-proj", "repository:pull"))));
        assertEquals("robot$lvl-proj+ci", proj.get("name").asText());
    }

    @Test
    void createIgnoresSecretAndDisable() {
        long pid = c().createProject("ign-proj", false);
        Map<String, Object> body = reader("ign-bot");
        body.put("secret", "Chosen12345");
        body.put("disable", true);
        JsonNode rb = created(c().post("robots", body));
        assertFalse(json(c().get("robots/" + rb.get("id").asLong())).get("disable").asBoolean());
        assertEquals(401, readPrivate(c().as("robot$ign-bot", "Chosen12345"), pid), "the chosen secret is anonymous");
        assertEquals(200, readPrivate(c().as("robot$ign-bot", rb.get("secret").asText()), pid), "the returned secret works");
    }

    @Test
    void getNeverShowsTheSecretAndRegroupsPermissions() {
        JsonNode rb = created(c().post("robots", robot("get-bot", "system", -1,
                perm("system", "/", "project:create", "audit-log:list"), perm("project", "*", "repository:pull"))));
        JsonNode got = json(c().get("robots/" + rb.get("id").asLong()));
        assertEquals(Set.of("creation_time", "creator_ref", "creator_type", "description", "disable", "duration", "editable",
                "expires_at", "id", "level", "name", "permissions", "update_time"), keys(got));
        assertEquals("local", got.get("creator_type").asText());
        assertEquals(1, got.get("creator_ref").asLong(), "created by admin, user 1");
        assertTrue(got.get("editable").asBoolean());
        assertEquals("robot$get-bot", got.get("name").asText());
        assertEquals(rb.get("creation_time").asText(), got.get("creation_time").asText());
        JsonNode perms = got.get("permissions");
        assertEquals(List.of("project", "system"), List.of(perms.get(0).get("kind").asText(), perms.get(1).get("kind").asText()));
        assertEquals("{\"action\":\"pull\",\"resource\":\"repository\"}", perms.get(0).get("access").get(0).toString());
        assertEquals(2, perms.get(1).get("access").size());

        HttpResponse<String> badId = c().get("robots/abc");
        assertError(422, "validation failure list:\nrobot_id in path must be of type int64: \"abc\"", badId);
        h1.guard().expectViolation("robots/abc");
        assertError(404, "robot 99999999 not found", c().get("robots/99999999"));
    }

    @Test
    void listingByLevelProjectAndName() {
        long pid = c().createProject("list-proj", false);
        created(c().post("robots", robot("list-a", "system", -1, perm("system", "/", "project:list"))));
        created(c().post("robots", robot("list-b", "system", -1, perm("system", "/", "project:list"))));
        created(c().post("robots", robot("ci", "project", -1, perm("project", "list-proj", "repository:pull"))));

        for (String q : List.of("", "?q=Level%3Dsystem")) {
            List<String> names = new ArrayList<>();
            json(c().get("robots" + q + (q.isEmpty() ? "?" : "&") + "page_size=100")).forEach(r -> {
                names.add(r.get("name").asText());
                assertEquals("system", r.get("level").asText());
                assertFalse(r.has("secret"));
            });
            assertTrue(names.containsAll(List.of("robot$list-a", "robot$list-b")), names.toString());
        }
        assertError(400, "bad request error level input", c().get("robots?q=Level%3Dbogus"));
        assertError(400, "must with project ID when to query project robots", c().get("robots?q=Level%3Dproject"));
        assertError(400, "ProjectID must be a positive integer", c().get("robots?q=Level%3Dproject%2CProjectID%3Dabc"));
        JsonNode ofProject = json(c().get("robots?q=Level%3Dproject%2CProjectID%3D" + pid));
        assertEquals(1, ofProject.size());
        assertEquals("robot$list-proj+ci", ofProject.get(0).get("name").asText());

        HttpResponse<String> byName = c().get("robots?q=name%3Dlist-a");
        assertEquals("1", byName.headers().firstValue("X-Total-Count").orElseThrow());
        assertEquals(1, json(byName).size());
        assertEquals("robot$list-a", json(byName).get(0).get("name").asText());
        assertEquals(0, json(c().get("robots?q=name%3Drobot%2524list-a")).size(), "the stored name has no prefix");
    }

    @Test
    void putReplacesFieldsAndKeepsNameLevelAndCreation() {
        long pid = c().createProject("put-proj", false);
        Map<String, Object> body = reader("put-bot");
        body.put("duration", 7L);
        JsonNode rb = created(c().post("robots", body));
        long id = rb.get("id").asLong();
        long creation = epoch(rb.get("creation_time"));
        String secret = rb.get("secret").asText();
        Instant createdAt = Instant.parse(rb.get("creation_time").asText());
        await().until(() -> Instant.now().isAfter(createdAt.plusMillis(1))); // update_time must be able to differ

        Map<String, Object> put = new LinkedHashMap<>(reader("robot$put-bot"));
        put.put("description", "updated");
        put.put("duration", 30L);
        put.put("secret", "Ignored12345");
        put.put("permissions", List.of(perm("project", "*", "project:read", "repository:pull", "artifact:list")));
        assertEquals(200, c().put("robots/" + id, put).statusCode());
        JsonNode got = json(c().get("robots/" + id));
        assertEquals("updated", got.get("description").asText());
        assertEquals(30, got.get("duration").asLong());
        assertEquals(creation + 30 * 86400, got.get("expires_at").asLong(), "from the creation time, not from now");
        assertEquals(3, got.get("permissions").get(0).get("access").size());
        assertEquals(rb.get("creation_time").asText(), got.get("creation_time").asText());
        assertNotEquals(got.get("creation_time").asText(), got.get("update_time").asText());
        assertEquals(401, readPrivate(c().as("robot$put-bot", "Ignored12345"), pid), "a secret in PUT is ignored");
        assertEquals(200, readPrivate(c().as("robot$put-bot", secret), pid), "the old secret keeps working");

        Map<String, Object> noDuration = new LinkedHashMap<>(put);
        noDuration.remove("duration");
        assertEquals(200, c().put("robots/" + id, noDuration).statusCode());
        assertEquals(30, json(c().get("robots/" + id)).get("duration").asLong(), "PUT without duration keeps it");

        Map<String, Object> disabled = new LinkedHashMap<>(put);
        disabled.put("disable", true);
        assertEquals(200, c().put("robots/" + id, disabled).statusCode());
        assertTrue(json(c().get("robots/" + id)).get("disable").asBoolean());
        assertEquals(401, readPrivate(c().as("robot$put-bot", secret), pid), "a disabled robot is anonymous");
        assertEquals(200, c().put("robots/" + id, put).statusCode());
        assertEquals(200, readPrivate(c().as("robot$put-bot", secret), pid), "enabled again at once");

        Map<String, Object> noPrefix = new LinkedHashMap<>(put);
        noPrefix.put("name", "put-bot");
        assertError(400, "cannot update the level or name of robot", c().put("robots/" + id, noPrefix));
        Map<String, Object> noName = new LinkedHashMap<>(put);
        noName.remove("name");
        assertError(400, "cannot update the level or name of robot", c().put("robots/" + id, noName));
        Map<String, Object> noPerms = new LinkedHashMap<>(put);
        noPerms.remove("permissions");
        assertError(400, "bad request empty permission", c().put("robots/" + id, noPerms));
        Map<String, Object> toProject = new LinkedHashMap<>(put);
        toProject.put("level", "project");
        toProject.put("permissions", List.of(perm("system", "/", "project:create"), perm("project", "*", "repository:pull")));
        assertError(400, "bad request permission", c().put("robots/" + id, toProject)); // permissions first (robot.put.level)
        assertEquals("updated", json(c().get("robots/" + id)).get("description").asText(), "refused PUTs change nothing");

        JsonNode ci = created(c().post("robots", robot("ci", "project", -1, perm("project", "put-proj", "repository:pull"))));
        Map<String, Object> toSystem = robot("robot$put-proj+ci", "system", -1, perm("project", "put-proj", "repository:pull"));
        assertError(400, "cannot update the level or name of robot", c().put("robots/" + ci.get("id").asLong(), toSystem));
        long otherProject = c().createProject("put-other", false);
        assertTrue(otherProject > 0);
        Map<String, Object> twoProjects = robot("robot$put-proj+ci", "project", -1,
                perm("project", "put-proj", "repository:pull"), perm("project", "put-other", "repository:pull"));
        assertError(400, "bad request permission", c().put("robots/" + ci.get("id").asLong(), twoProjects));

        assertEquals(List.of("create"), auditRows("robot$put-bot"), "PUT writes no audit row");
    }

    @Test
    void patchSetsOrGeneratesTheSecret() {
        long pid = c().createProject("patch-proj", false);
        JsonNode rb = created(c().post("robots", reader("patch-bot")));
        long id = rb.get("id").asLong();
        String old = rb.get("secret").asText();

        HttpResponse<String> chosen = c().patch("robots/" + id, Map.of("secret", "FidChosen2024"));
        assertEquals(200, chosen.statusCode());
        assertEquals("{}", chosen.body());
        assertEquals(200, readPrivate(c().as("robot$patch-bot", "FidChosen2024"), pid));
        assertEquals(401, readPrivate(c().as("robot$patch-bot", old), pid), "only the new secret works");

        assertEquals("{}", c().patch("robots/" + id, Map.of("secret", "Ab1xxxxx")).body(), "8 characters are enough");
        for (String weak : List.of("Ab1xxxx", "abcdefgh1", "ABCDEFGH1", "Abcdefghij", "Ab1" + "x".repeat(126))) {
            assertError(400, SECRET_RULE, c().patch("robots/" + id, Map.of("secret", weak)));
        }
        assertEquals(200, readPrivate(c().as("robot$patch-bot", "Ab1xxxxx"), pid), "refused secrets change nothing");

        for (Map<String, String> regenerate : List.of(Map.<String, String>of(), Map.of("secret", ""))) {
            HttpResponse<String> gen = c().patch("robots/" + id, regenerate);
            assertEquals(200, gen.statusCode());
            String fresh = json(gen).get("secret").asText();
            assertEquals(32, fresh.length());
            assertEquals(200, readPrivate(c().as("robot$patch-bot", fresh), pid));
        }

        assertError(422, "validation failure list:\nrobotSec in body is required", c().patch("robots/" + id, null));
        h1.guard().expectViolation("PATCH /api/v2.0/robots/" + id);
        assertError(404, "robot 99999999 not found", c().patch("robots/99999999", Map.of()));

        c().patch("robots/" + id, Map.of("secret", "FidChosen2024"));
        PlainHarborHttp asRobot = c().as("robot$patch-bot", "FidChosen2024");
        assertError(403, "robot$patch-bot", asRobot.patch("robots/" + id, Map.of()));
        // Harbor's RefreshSec checks robot:update at the target's level (robot.go requireAccess): a project robot as
        // target is RequireProjectAccess, 403 "forbidden" (step robot.perm.patch); a system one RequireSystemAccess,
        // 403 with the caller's name.
        JsonNode other = created(c().post("robots", robot("other", "project", -1, perm("project", "patch-proj", "repository:pull"))));
        assertError(403, "forbidden", asRobot.patch("robots/" + other.get("id").asLong(), Map.of()));
        JsonNode otherSystem = created(c().post("robots", robot("patch-other", "system", -1, perm("system", "/", "project:list"))));
        assertError(403, "robot$patch-bot", asRobot.patch("robots/" + otherSystem.get("id").asLong(), Map.of()));
        assertEquals(200, readPrivate(asRobot, pid), "the refused PATCHes left the secret alone");

        assertEquals(List.of("create"), auditRows("robot$patch-bot"), "PATCH writes no audit row");
    }

    @Test
    void deleteWritesAnAuditRowAndThen404() {
        JsonNode rb = created(c().post("robots", robot("del-bot", "system", -1, perm("system", "/", "project:list"))));
        long id = rb.get("id").asLong();
        assertEquals(200, c().delete("robots/" + id).statusCode());
        assertError(404, "robot " + id + " not found", c().delete("robots/" + id));
        assertError(404, "robot " + id + " not found", c().get("robots/" + id));
        assertEquals(List.of("delete", "create"), auditRows("robot$del-bot"), "newest first");
    }

    @Test
    void deletingAProjectTakesItsRobotsWithoutAudit() {
        long pid = c().createProject("gone-proj", false);
        JsonNode ci = created(c().post("robots", robot("ci", "project", -1,
                perm("project", "gone-proj", "project:read", "repository:pull"))));
        long id = ci.get("id").asLong();
        String secret = ci.get("secret").asText();
        assertEquals(200, readPrivate(c().as("robot$gone-proj+ci", secret), pid));

        assertEquals(200, c().delete("projects/" + pid).statusCode());
        assertError(404, "robot " + id + " not found", c().get("robots/" + id));
        assertEquals(0, json(c().get("robots?q=Level%3Dproject%2CProjectID%3D" + pid)).size());
        assertEquals(List.of("create"), auditRows("robot$gone-proj+ci"), "the removal writes no audit row");

        long again = c().createProject("gone-proj", false);
        assertNotEquals(pid, again);
        assertEquals(0, json(c().get("robots?q=Level%3Dproject%2CProjectID%3D" + again)).size(), "not brought back");
        assertEquals(401, readPrivate(c().as("robot$gone-proj+ci", secret), again), "old credentials are anonymous");
    }

    @Test
    void twinRobotsOnTwoSitesShareNameAndPatchedSecret() {
        PlainHarborHttp c2 = h2.client();
        long p1 = c().createProject("twin-proj", false);
        long p2 = c2.createProject("twin-proj", false);
        created(c2.post("robots", robot("filler", "system", -1, perm("system", "/", "project:list")))); // ids differ
        JsonNode t1 = created(c().post("robots", reader("twin")));
        JsonNode t2 = created(c2.post("robots", reader("twin")));
        assertEquals("robot$twin", t1.get("name").asText());
        assertEquals(t1.get("name").asText(), t2.get("name").asText());
        assertEquals("{}", c().patch("robots/" + t1.get("id").asLong(), Map.of("secret", "FidTwin2024x")).body());
        assertEquals("{}", c2.patch("robots/" + t2.get("id").asLong(), Map.of("secret", "FidTwin2024x")).body());

        assertEquals(200, readPrivate(c().as("robot$twin", "FidTwin2024x"), p1));
        assertEquals(200, readPrivate(c2.as("robot$twin", "FidTwin2024x"), p2));
    }

    @Test
    void permissionsListWhatRobotsMayHold() {
        HttpResponse<String> r = c().get("permissions");
        assertEquals(200, r.statusCode());
        JsonNode all = json(r);
        assertEquals(Set.of("project", "system"), keys(all));
        assertEquals(70, all.get("project").size(), "as many as real v2.15.2 lists (step next.permissions)");
        assertEquals(70, all.get("system").size());
        assertEquals(Set.of("action", "resource"), keys(all.get("project").get(0)));
        Set<String> project = new TreeSet<>(), system = new TreeSet<>();
        all.get("project").forEach(p -> project.add(p.get("resource").asText() + ":" + p.get("action").asText()));
        all.get("system").forEach(p -> system.add(p.get("resource").asText() + ":" + p.get("action").asText()));
        assertTrue(project.containsAll(List.of("project:read", "robot:list", "tag:list", "member:update", "label:create")), project.toString());
        assertTrue(system.containsAll(List.of("robot:create", "audit-log:list", "project:create", "user-group:delete")), system.toString());
        assertFalse(project.contains("repository:*"));

        h1.emulator().addUser("perm-user", "Passw0rd1");
        JsonNode asUser = json(c().as("perm-user", "Passw0rd1").get("permissions"));
        assertEquals(Set.of("project"), keys(asUser), "only a sysadmin sees the system kind");
    }
}
