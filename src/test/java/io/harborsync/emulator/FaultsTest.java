package io.harborsync.emulator;

import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultsTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    @Test
    void statusForNTimes() {
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/projects.*").status(503).times(2));
        HttpResponse<String> r = c().get("projects");
        assertEquals(503, r.statusCode());
        assertEquals("injected fault", json(r).get("errors").get(0).get("message").asText());
        assertEquals(503, c().get("projects?page=1").statusCode());
        assertEquals(200, c().get("projects").statusCode());
        assertEquals(200, c().get("ping").statusCode(), "other paths unaffected");
    }

    @Test
    void byQueryAndWithAnActionBeforeTheAnswer() {
        assertEquals(201, c().post("projects", Map.of("project_name", "q-old")).statusCode());
        // Before page 2 of the quota listing is answered, another client creates a project: page 2 is answered
        // from the site as it is after that, and only once.
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/quotas").query("(.*&)?page=2(&.*)?")
                .before(() -> assertEquals(201, c().post("projects", Map.of("project_name", "q-new")).statusCode()))
                .times(1));
        assertEquals(200, c().get("quotas?reference=project&page=1&page_size=1").statusCode());
        assertEquals(200, c().get("projects/q-old").statusCode());
        assertEquals(404, c().get("projects/q-new").statusCode(), "not yet: page 1 does not match");
        HttpResponse<String> page2 = c().get("quotas?reference=project&page=2&page_size=1");
        assertEquals(200, page2.statusCode());
        assertEquals(200, c().get("projects/q-new").statusCode(), "created before page 2 was answered");
        assertEquals("q-old", json(page2).get(0).get("ref").get("name").asText(),
                "page 2 shows the newest-first listing as it is after the creation");
        int projects = json(c().get("projects?page_size=100")).size();
        c().get("quotas?reference=project&page=2&page_size=1");
        assertEquals(projects, json(c().get("projects?page_size=100")).size(), "the action ran once");
    }

    @Test
    void statusUntilCleared() {
        h1.emulator().faults().add(Fault.on("POST", "/api/v2.0/projects").status(500));
        for (int i = 0; i < 3; i++) assertEquals(500, c().post("projects", Map.of("project_name", "f" + i)).statusCode());
        h1.emulator().faults().clear();
        assertEquals(201, c().post("projects", Map.of("project_name", "f-ok")).statusCode());
    }

    @Test
    void delayAndLatency() {
        h1.emulator().faults().add(Fault.on("*", "/api/v2.0/ping").delay(Duration.ofMillis(300)).times(1));
        long t0 = System.nanoTime();
        assertEquals(200, c().get("ping").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() >= 300);

        h1.emulator().faults().latency(Duration.ofMillis(200));
        t0 = System.nanoTime();
        assertEquals(200, c().get("health").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() >= 200);
    }

    @Test
    void dropConnection() {
        h1.emulator().faults().add(Fault.on("GET", "/api/v2.0/systeminfo").dropConnection());
        assertThrows(UncheckedIOException.class, () -> c().get("systeminfo"));
        h1.emulator().faults().clear();
        assertEquals(200, c().get("systeminfo").statusCode());
    }

    @Test
    void controlEndpoints() {
        c().createProject("ctl", false);
        HttpResponse<String> pushed = c().post("/emulator/artifacts", Map.of("project", "ctl", "repository", "a/b", "tags", java.util.List.of("1")));
        assertEquals(201, pushed.statusCode());
        assertTrue(json(pushed).get("digest").asText().matches("sha256:[0-9a-f]{64}"));
        assertEquals(1, json(c().get("projects/ctl/repositories/a%252Fb/artifacts")).size());
        assertEquals(201, c().post("/emulator/users", Map.of("username", "erin")).statusCode());
        assertEquals(201, c().post("projects/ctl/members", Map.of("role_id", 2, "member_user", Map.of("username", "erin"))).statusCode());
        assertEquals(201, c().post("/emulator/faults", Map.of("method", "GET", "path", "/api/v2.0/users", "status", 502)).statusCode());
        assertEquals(502, c().get("users").statusCode());
        assertEquals(200, c().delete("/emulator/faults").statusCode());
        assertEquals(200, c().get("users").statusCode());
        assertEquals(401, c().anonymous().post("/emulator/users", Map.of("username", "x")).statusCode());
    }

    @Test
    void aLatencyProfileIsAskedForEveryCoreRequestWithHowItAuthenticated() {
        java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        h1.emulator().faults().profile((method, path, query, account) -> {
            asked.add(method + " " + path + " " + account);
            return Duration.ZERO;
        });
        try {
            assertEquals(200, c().get("projects").statusCode());
            assertEquals(200, c().get("ping").statusCode());
            h1.emulator().addUser("pia", "Pia-pass-1");
            assertEquals(200, c().as("pia", "Pia-pass-1").get("users/current").statusCode());
        } finally {
            h1.emulator().faults().clear();
        }
        assertEquals(java.util.List.of("GET /api/v2.0/projects BASIC_USER", "GET /api/v2.0/ping BASIC_USER",
                "GET /api/v2.0/users/current BASIC_USER"), asked);
        assertEquals(null, h1.emulator().faults().profile(), "cleared with the faults");
    }
}
