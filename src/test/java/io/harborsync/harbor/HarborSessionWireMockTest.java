package io.harborsync.harbor;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.harborsync.config.Site;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The session login and the session's requests on the wire, byte for byte, and the login's failures (issue 18). */
@QuarkusTest
class HarborSessionWireMockTest {
    static final String PASSWORD = "p@ss w&rd=1";
    static WireMockServer wm;
    HarborClient client;

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(options().dynamicPort());
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void newClient() {
        wm.resetAll();
        client = HarborClientFactory.create(new Site("h1", URI.create(wm.baseUrl()), "admin", PASSWORD,
                        Optional.empty(), Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(2), 100, 4,
                CircuitBreaker.Settings.OFF, Clock.systemUTC(), WriteFence.NONE, Duration.ofMinutes(30), System::nanoTime);
    }

    private static void loginPage() {
        wm.stubFor(get(urlEqualTo("/c/login")).willReturn(aResponse().withStatus(405)
                .withHeader("X-Harbor-CSRF-Token", "tok1")
                .withHeader("Set-Cookie", "_gorilla_csrf=c1; Path=/; HttpOnly; SameSite=Strict")
                .withHeader("Set-Cookie", "__csrf=tok1; Path=/")
                .withHeader("Set-Cookie", "sid=anon0; Path=/; HttpOnly")));
    }

    private static void loginOk(String sid) {
        wm.stubFor(post(urlEqualTo("/c/login")).willReturn(aResponse().withStatus(200)
                .withHeader("X-Harbor-CSRF-Token", "tok2")
                .withHeader("Set-Cookie", "__csrf=tok2; Path=/")
                .withHeader("Set-Cookie", "sid=" + sid + "; Path=/; HttpOnly")));
    }

    private static List<LoggedRequest> requests(String method, String path) {
        return wm.findAll(new com.github.tomakehurst.wiremock.matching.RequestPatternBuilder(
                com.github.tomakehurst.wiremock.http.RequestMethod.fromString(method), urlPathEqualTo(path)));
    }

    @Test
    void theLoginAndTheSessionsRequestsAsHarborsUiSendsThem() {
        loginPage();
        loginOk("s1");
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).willReturn(okJson("[]").withHeader("X-Total-Count", "0")
                .withHeader("X-Harbor-CSRF-Token", "tok3").withHeader("Set-Cookie", "__csrf=tok3; Path=/")));
        wm.stubFor(post(urlPathEqualTo("/api/v2.0/projects")).willReturn(aResponse().withStatus(201)
                .withHeader("Location", "/api/v2.0/projects/7")));

        client.projects().list();
        client.projects().list();
        assertThat(client.projects().create(new ProjectReq("team-a", false, null, null, null, null))).isEqualTo(7);

        LoggedRequest login = requests("POST", "/c/login").get(0);
        assertThat(login.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(login.getBodyAsString()).isEqualTo("principal=admin&password=p%40ss+w%26rd%3D1");
        assertThat(login.getHeader("Cookie")).isEqualTo("_gorilla_csrf=c1");
        assertThat(login.getHeader("X-Harbor-CSRF-Token")).isEqualTo("tok1");
        assertThat(login.getHeader("Origin")).isEqualTo(wm.baseUrl());
        assertThat(login.getHeader("Referer")).isEqualTo(wm.baseUrl() + "/");
        assertThat(login.containsHeader("Authorization")).isFalse();
        assertThat(requests("POST", "/c/login")).hasSize(1);
        assertThat(requests("GET", "/c/login")).hasSize(1);

        List<LoggedRequest> api = wm.findAll(anyRequestedFor(urlPathMatching("/api/v2.0/.*")));
        assertThat(api).hasSize(3).allSatisfy(r -> {
            assertThat(r.containsHeader("Authorization")).as("no Basic auth: Harbor would check the password").isFalse();
            assertThat(r.getHeader("Cookie")).as("exactly our session's cookies").isEqualTo("sid=s1; _gorilla_csrf=c1");
            assertThat(r.getHeader("Origin")).isEqualTo(wm.baseUrl());
        });
        LoggedRequest write = requests("POST", "/api/v2.0/projects").get(0);
        assertThat(write.getHeader("X-Harbor-CSRF-Token")).as("a token Harbor handed out for the cookie").isEqualTo("tok2");
        assertThat(requests("GET", "/api/v2.0/projects")).allSatisfy(r ->
                assertThat(r.containsHeader("X-Harbor-CSRF-Token")).isFalse());
    }

    @Test
    void a401LogsInAgainOnceAndResendsOnceThenFails() {
        loginPage();
        loginOk("s1");
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"unauthorized\"}]}")));

        assertThrows(HarborException.Unauthorized.class, client.projects()::list);
        assertThat(requests("POST", "/c/login")).as("the first login and one after the 401").hasSize(2);
        assertThat(requests("GET", "/api/v2.0/projects")).as("sent once more, not again").hasSize(2);
        assertThat(client.sessionsLost()).isEqualTo(1);
    }

    @Test
    void aReadAnsweredUnderANewSidWasAnsweredAsAnonymousAndIsNotBelieved() {
        loginPage();
        loginOk("s1");
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).inScenario("lost").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("[{\"name\":\"public-only\"}]").withHeader("X-Total-Count", "1")
                        .withHeader("Set-Cookie", "sid=fresh9; Path=/; HttpOnly"))
                .willSetStateTo("logged in again"));
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).inScenario("lost").whenScenarioStateIs("logged in again")
                .willReturn(okJson("[{\"name\":\"public-only\"},{\"name\":\"private\"}]").withHeader("X-Total-Count", "2")));

        assertThat(client.projects().list()).extracting(HarborModel.Project::name).containsExactly("public-only", "private");
        assertThat(requests("POST", "/c/login")).hasSize(2);
        assertThat(client.sessionsLost()).isEqualTo(1);
    }

    @Test
    void aLoginWithoutCsrfTokenOrRefusedIsATypedErrorWithoutSecrets() {
        loginPage();
        wm.stubFor(post(urlEqualTo("/c/login")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"CSRF token invalid\"}]}")));
        HarborException.Forbidden f = assertThrows(HarborException.Forbidden.class,
                () -> client.projects().create(new ProjectReq("team-a", false, null, null, null, null)));
        assertThat(f.getMessage()).startsWith("h1: create project team-a failed with HTTP 403")
                .contains("CSRF").doesNotContain(PASSWORD, "c1", "tok1");
        assertThat(requests("POST", "/api/v2.0/projects")).as("nothing sent without a login").isEmpty();

        wm.resetAll();
        wm.stubFor(get(urlEqualTo("/c/login")).willReturn(aResponse().withStatus(404)));
        HarborException e = assertThrows(HarborException.class, client.projects()::list);
        assertThat(e.getMessage()).contains("without Harbor's CSRF token");
        assertThat(requests("GET", "/api/v2.0/projects")).isEmpty();
    }
}
