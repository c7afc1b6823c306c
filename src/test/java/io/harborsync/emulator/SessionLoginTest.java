package io.harborsync.emulator;

import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator's {@code /c/login} and sessions behave as real Harbor 2.x's (src/core/controllers/base.go Login,
 * src/server/middleware/csrf, src/server/middleware/session): CSRF token and cookie from any /c/login request, the
 * login's 200/401/403, a session that is its user and keeps its sid, writes with it CSRF-checked, an expired or lost
 * session anonymous (not 401), and the modelled Harbor CPU by account type.
 */
class SessionLoginTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1", o -> o.withSessionTimeout(Duration.ofMinutes(60)));

    private final PlainHarborHttp anon = h1.client().anonymous();

    record Csrf(String cookie, String token) {
    }

    private static Optional<String> setCookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith(name + "="))
                .map(v -> v.substring(name.length() + 1, v.indexOf(';'))).findFirst();
    }

    private Csrf csrf() {
        HttpResponse<String> page = anon.send(anon.request("GET", "/c/login", null));
        assertThat(page.statusCode()).isEqualTo(405); // the route takes only POST; the CSRF middleware ran first
        return new Csrf(setCookie(page, "_gorilla_csrf").orElseThrow(),
                page.headers().firstValue("X-Harbor-CSRF-Token").orElseThrow());
    }

    private HttpResponse<String> login(Csrf csrf, String principal, String password) {
        String form = "principal=" + URLEncoder.encode(principal, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpRequest.Builder b = anon.request("POST", "/c/login", null)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (csrf != null) {
            b.header("Cookie", "_gorilla_csrf=" + csrf.cookie).header("X-Harbor-CSRF-Token", csrf.token);
        }
        return anon.send(b);
    }

    private String session() {
        Csrf c = csrf();
        HttpResponse<String> r = login(c, "admin", "Harbor12345");
        assertThat(r.statusCode()).isEqualTo(200);
        return "sid=" + setCookie(r, "sid").orElseThrow() + "; _gorilla_csrf=" + c.cookie;
    }

    @Test
    void loginNeedsTheCsrfTokenAndTheRightPasswordOfAUser() {
        HttpResponse<String> noToken = login(null, "admin", "Harbor12345");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).isEqualTo("{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"CSRF token invalid\"}]}");

        HttpResponse<String> wrong = login(csrf(), "admin", "wrong");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEmpty();

        HttpResponse<String> robotCreated = h1.client().post("robots", Map.of("name", "sess", "level", "system",
                "duration", -1, "permissions", List.of(Map.of("kind", "project", "namespace", "*",
                        "access", List.of(Map.of("resource", "repository", "action", "pull"))))));
        assertThat(robotCreated.statusCode()).isEqualTo(201);
        var robot = json(robotCreated);
        assertThat(login(csrf(), robot.get("name").asText(), robot.get("secret").asText()).statusCode())
                .as("robots cannot log in to a session").isEqualTo(401);

        long before = h1.emulator().logins();
        HttpResponse<String> ok = login(csrf(), "admin", "Harbor12345");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(setCookie(ok, "sid")).isPresent();
        assertThat(h1.emulator().logins()).isEqualTo(before + 1);
    }

    @Test
    void aSessionIsItsUserKeepsItsSidAndItsWritesNeedTheToken() {
        String cookie = session();
        HttpResponse<String> me = anon.send(anon.request("GET", "users/current", null).header("Cookie", cookie));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json(me).get("username").asText()).isEqualTo("admin");
        assertThat(setCookie(me, "sid")).as("a live session is not replaced").isEmpty();
        String token = me.headers().firstValue("X-Harbor-CSRF-Token").orElseThrow();

        HttpResponse<String> noToken = anon.send(anon.request("POST", "projects", Map.of("project_name", "sess-a"))
                .header("Cookie", cookie));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("CSRF token invalid");
        HttpResponse<String> withToken = anon.send(anon.request("POST", "projects", Map.of("project_name", "sess-a"))
                .header("Cookie", cookie).header("X-Harbor-CSRF-Token", token));
        assertThat(withToken.statusCode()).isEqualTo(201);
    }

    @Test
    void anExpiredOrLostSessionIsAnonymousNot401() {
        h1.client().post("projects", Map.of("project_name", "sess-private", "metadata", Map.of("public", "false")));
        String cookie = session();
        assertThat(names(anon.send(anon.request("GET", "projects", null).header("Cookie", cookie))))
                .contains("sess-private");

        h1.emulator().ageSessions(Duration.ofMinutes(59));
        assertThat(anon.send(anon.request("GET", "users/current", null).header("Cookie", cookie)).statusCode())
                .as("59 idle minutes: still alive, and renewed").isEqualTo(200);
        h1.emulator().ageSessions(Duration.ofMinutes(59));
        assertThat(anon.send(anon.request("GET", "users/current", null).header("Cookie", cookie)).statusCode())
                .as("renewed by the last request").isEqualTo(200);

        h1.emulator().ageSessions(Duration.ofMinutes(61));
        HttpResponse<String> expired = anon.send(anon.request("GET", "projects", null).header("Cookie", cookie));
        assertThat(expired.statusCode()).as("anonymous, not 401").isEqualTo(200);
        assertThat(names(expired)).doesNotContain("sess-private");
        assertThat(setCookie(expired, "sid")).as("Harbor starts a new session").isPresent()
                .get().isNotEqualTo(cookie.substring(4, cookie.indexOf(';')));

        String again = session();
        h1.emulator().forgetSessions();
        assertThat(anon.send(anon.request("GET", "users/current", null).header("Cookie", again)).statusCode())
                .isEqualTo(401);
    }

    @Test
    void theModelledHarborCpuCountsEachRequestByHowItAuthenticated() {
        h1.emulator().resetHarborCpu();
        h1.client().get("projects");                                   // Basic, user: 100 ms
        h1.client().as("robot$nobody", "x").get("ping");               // Basic, robot: 3 ms
        anon.get("ping");                                              // anonymous: 1 ms
        String cookie = session();                                     // GET /c/login 1 ms + the login 100 ms
        anon.send(anon.request("GET", "projects", null).header("Cookie", cookie)); // session: 2 ms
        HarborCpu.Totals cpu = h1.emulator().harborCpu();
        assertThat(cpu.byAccount()).isEqualTo(Map.of(HarborCpu.Account.BASIC_USER, 1L, HarborCpu.Account.BASIC_ROBOT, 1L,
                HarborCpu.Account.ANONYMOUS, 2L, HarborCpu.Account.LOGIN, 1L, HarborCpu.Account.SESSION, 1L));
        assertThat(cpu.millis()).isEqualTo(100 + 3 + 1 + 1 + 100 + 2);
        assertThat(cpu.requests()).isEqualTo(6);
    }

    private static List<String> names(HttpResponse<String> r) {
        List<String> out = new java.util.ArrayList<>();
        json(r).forEach(p -> out.add(p.get("name").asText()));
        return out;
    }
}
