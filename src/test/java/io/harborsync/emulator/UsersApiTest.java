package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static io.harborsync.testsupport.PlainHarborHttp.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulator's user endpoints against what a real Harbor v2.15.2 answered (steps user.*). */
class UsersApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private static final String PASSWORD_RULE = "the password or secret must be 8-128, inclusively, characters long"
            + " with at least 1 uppercase letter, 1 lowercase letter and 1 number";

    private PlainHarborHttp c() { return h1.client(); }

    private static Set<String> keys(JsonNode o) {
        Set<String> k = new TreeSet<>();
        o.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private static List<String> usernames(JsonNode users) {
        List<String> out = new ArrayList<>();
        users.forEach(u -> out.add(u.get("username").asText()));
        return out;
    }

    @Test
    void currentUserIsTheLoggedInAccount() {
        HttpResponse<String> r = c().get("users/current");
        assertEquals(200, r.statusCode());
        JsonNode admin = json(r);
        assertEquals(Set.of("admin_role_in_auth", "comment", "creation_time", "realname", "sysadmin_flag", "update_time",
                "user_id", "username"), keys(admin), "step user.current: no email for an admin without one");
        assertEquals("admin", admin.get("username").asText());
        assertTrue(admin.get("sysadmin_flag").asBoolean());

        assertEquals(201, c().post("users", Map.of("username", "cur-u", "email", "cur-u@example.com", "realname", "Cur",
                "password", "Fidpass123")).statusCode());
        JsonNode user = json(c().as("cur-u", "Fidpass123").get("users/current"));
        assertEquals("cur-u", user.get("username").asText());
        assertEquals("cur-u@example.com", user.get("email").asText());
        assertFalse(user.get("sysadmin_flag").asBoolean());
        assertFalse(user.has("comment"), "empty strings are omitted");

        assertEquals(401, c().anonymous().get("users/current").statusCode());
        assertEquals(401, c().as("admin", "wrong-Passw0rd").get("users/current").statusCode(), "bad credentials are anonymous");

        JsonNode rb = json(c().post("robots", Map.of("name", "cur-bot", "level", "system", "duration", -1,
                "permissions", List.of(Map.of("kind", "system", "namespace", "/",
                        "access", List.of(Map.of("resource", "project", "action", "list")))))));
        HttpResponse<String> asRobot = c().as(rb.get("name").asText(), rb.get("secret").asText()).get("users/current");
        assertEquals(412, asRobot.statusCode(), "Harbor's GetCurrentUserInfo serves local users only");
        assertEquals("get current user not available for security context: robot", message(asRobot));
    }

    @Test
    void searchIsFuzzyAndShowsIdAndNameOnly() {
        for (String name : List.of("srch-one", "srch-two", "other-srch")) {
            assertEquals(201, c().post("users", Map.of("username", name, "email", name + "@example.com", "realname", name,
                    "password", "Fidpass123")).statusCode());
        }
        HttpResponse<String> r = c().get("users/search?username=srch-");
        assertEquals(200, r.statusCode());
        assertEquals("2", r.headers().firstValue("X-Total-Count").orElseThrow());
        JsonNode found = json(r);
        assertEquals(List.of("srch-one", "srch-two"), usernames(found));
        assertEquals(Set.of("user_id", "username"), keys(found.get(0)));
        assertEquals(3, json(c().get("users/search?username=srch")).size(), "a substring anywhere in the name");
        assertEquals(List.of("srch-one"), usernames(json(c().as("srch-two", "Fidpass123").get("users/search?username=srch-one"))),
                "any logged-in user may search");
        HttpResponse<String> noName = c().get("users/search");
        assertEquals(422, noName.statusCode(), "username is a required parameter");
        h1.guard().expectViolation("username");
    }

    @Test
    void createChecksThePasswordFirstAndNamesBothOnConflict() {
        String run = "pwrun";
        assertEquals(201, c().post("users", Map.of("username", run + "-u1", "email", run + "-u1@example.com",
                "realname", "Fid One", "password", "Fidpass123", "comment", "fidelity")).statusCode());
        HttpResponse<String> weak = c().post("users", Map.of("username", run + "-u1w", "email", run + "-u1w@example.com",
                "realname", "w", "password", "short"));
        assertEquals(400, weak.statusCode());
        assertEquals(PASSWORD_RULE, message(weak));
        HttpResponse<String> none = c().post("users", Map.of("username", run + "-u1n", "email", run + "-u1n@example.com",
                "realname", "n"));
        assertEquals(400, none.statusCode());
        assertEquals(PASSWORD_RULE, message(none));
        for (String pw : List.of("fidpass123", "FIDPASS123", "Fidpasswd", "Fp1" + "x".repeat(126))) {
            assertEquals(400, c().post("users", Map.of("username", run + "-bad", "email", run + "-bad@example.com",
                    "realname", "b", "password", pw)).statusCode(), pw);
        }
        assertEquals(201, c().post("users", Map.of("username", run + "-u2", "email", run + "-u2@example.com",
                "realname", "Fid Two", "password", "Fidpass123")).statusCode());

        HttpResponse<String> dup = c().post("users", Map.of("username", run + "-u1", "email", run + "-u1x@example.com",
                "realname", "x", "password", "Fidpass123"));
        assertEquals(409, dup.statusCode());
        assertEquals("user " + run + "-u1 or email " + run + "-u1x@example.com already exists", message(dup));
        assertEquals(409, c().post("users", Map.of("username", run + "-u3", "email", run + "-u2@example.com",
                "realname", "x", "password", "Fidpass123")).statusCode(), "the email is taken");

        JsonNode fuzzy = json(c().get("users?q=username%3D~" + run));
        assertEquals(List.of(run + "-u1", run + "-u2"), usernames(fuzzy), "refused users were not created (user.list.qfuzzy)");
        assertEquals("fidelity", fuzzy.get(0).get("comment").asText());
        assertFalse(fuzzy.get(1).has("comment"));
    }
}
