package io.harborsync.harbor;

import io.harborsync.config.Site;
import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.HarborCpu;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A user account logs in once (GET and POST /c/login) and sends Harbor's session, as Harbor's UI does, instead of
 * Basic auth, whose password check costs a real Harbor ~100 ms of CPU per request (issue 18); robots and
 * {@code auth=basic} keep Basic auth. Against the emulator, which refuses what real Harbor refuses (CSRF, robots at
 * /c/login, expired sessions as anonymous) and counts the password's every appearance.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class HarborSessionTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    static final String PASSWORD = "Harbor12345";

    final List<RecordedExchange> exchanges = new CopyOnWriteArrayList<>();
    final ExchangeListener recorder = exchanges::add;
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void setUp() {
        h1.emulator().addExchangeListener(recorder);
        h1.emulator().resetHarborCpu();
        loginsBefore = h1.emulator().logins();
    }

    long loginsBefore;

    /** Successful logins the emulator saw in this test. */
    private long emulatorLogins() {
        return h1.emulator().logins() - loginsBefore;
    }

    @AfterEach
    void tearDown() {
        h1.emulator().removeExchangeListener(recorder);
    }

    private HarborClient client(String user, String password, Site.Auth auth, int breakerThreshold) {
        Site site = new Site("h1", h1.emulator().baseUrl(), user, password, Optional.empty(), Optional.empty(), auth);
        return HarborClientFactory.create(site, Duration.ofSeconds(2), Duration.ofSeconds(5), 100, 4,
                new CircuitBreaker.Settings(breakerThreshold, Duration.ofSeconds(30)),
                new MutableClock(Instant.parse("2026-03-01T10:00:00Z")), WriteFence.NONE, Duration.ofMinutes(30),
                nanos::get);
    }

    private HarborClient admin() {
        return client("admin", PASSWORD, Site.Auth.AUTO, 5);
    }

    private List<RecordedExchange> seen() {
        assertThat(h1.emulator().awaitIdle(Duration.ofSeconds(5))).isTrue();
        return List.copyOf(exchanges);
    }

    private static String header(RecordedExchange ex, String name) {
        for (Map.Entry<String, List<String>> e : ex.requestHeaders().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) return String.join(",", e.getValue());
        }
        return null;
    }

    private static long passwordsSent(List<RecordedExchange> exs) {
        return exs.stream().filter(ex -> header(ex, "Authorization") != null
                || new String(ex.requestBody(), StandardCharsets.UTF_8).contains(PASSWORD)).count();
    }

    private static List<RecordedExchange> logins(List<RecordedExchange> exs) {
        return exs.stream().filter(ex -> ex.method().equals("POST") && ex.rawPath().equals("/c/login")).toList();
    }

    private static ProjectReq project(String name) {
        return new ProjectReq(name, false, null, null, null, null);
    }

    @Test
    void aUserLogsInOnceAndItsPasswordIsSentOnceNeverAgain() {
        HarborClient c = admin();
        assertThat(c.usesSession()).isTrue();
        c.projects().create(project("sess-one"));
        for (int i = 0; i < 20; i++) {
            assertThat(c.projects().list()).extracting(Project::name).contains("sess-one");
        }
        c.projects().updateSettings("sess-one", Map.of("auto_scan", "true"), null);
        c.projects().delete("sess-one");

        List<RecordedExchange> exs = seen();
        assertThat(emulatorLogins()).isEqualTo(1);
        assertThat(c.logins()).isEqualTo(1);
        assertThat(passwordsSent(exs)).as("the password went out once, in the login form").isEqualTo(1);
        assertThat(exs.get(0).method() + " " + exs.get(0).rawPath()).isEqualTo("GET /c/login");
        assertThat(exs.get(1).method() + " " + exs.get(1).rawPath()).isEqualTo("POST /c/login");
        for (RecordedExchange ex : exs.subList(2, exs.size())) {
            assertThat(header(ex, "Authorization")).as(ex.method() + " " + ex.rawPath()).isNull();
            assertThat(header(ex, "Cookie")).matches("sid=[0-9a-f]+; _gorilla_csrf=[A-Za-z0-9_-]+");
            assertThat(header(ex, "Origin")).isEqualTo(h1.emulator().baseUrl().toString());
            assertThat(header(ex, "Referer")).isEqualTo(h1.emulator().baseUrl() + "/");
            boolean write = !ex.method().equals("GET") && !ex.method().equals("HEAD");
            assertThat(header(ex, "X-Harbor-CSRF-Token") != null).as("token on writes only").isEqualTo(write);
            assertThat(ex.status()).as(ex.method() + " " + ex.rawPath()).isLessThan(400);
        }
        HarborCpu.Totals cpu = h1.emulator().harborCpu();
        assertThat(cpu.requests(HarborCpu.Account.BASIC_USER)).isZero();
        assertThat(cpu.requests(HarborCpu.Account.LOGIN)).isEqualTo(1);
        assertThat(cpu.requests(HarborCpu.Account.SESSION)).isEqualTo(exs.size() - 2);
    }

    @Test
    void concurrentFirstRequestsWaitForOneLogin() throws Exception {
        HarborClient c = admin();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) all.add(pool.submit(() -> c.projects().list()));
            for (Future<?> f : all) f.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(emulatorLogins()).isEqualTo(1);
        assertThat(logins(seen())).hasSize(1);
    }

    @Test
    void aSessionIdleLongerThanTheBoundIsReplacedBeforeHarborForgetsIt() {
        HarborClient c = admin();
        c.projects().create(project("sess-idle"));
        nanos.addAndGet(Duration.ofMinutes(29).toNanos());
        c.projects().list();
        assertThat(c.logins()).as("29 idle minutes: the same session").isEqualTo(1);

        // an hour passes without a request: Harbor (session_timeout 60 min) has forgotten the session
        nanos.addAndGet(Duration.ofMinutes(61).toNanos());
        h1.emulator().ageSessions(Duration.ofMinutes(61));
        assertThat(c.projects().list()).extracting(Project::name).contains("sess-idle");
        assertThat(c.logins()).as("logged in again before the request").isEqualTo(2);
        assertThat(c.sessionsLost()).as("nothing was answered under a forgotten session").isZero();
        assertThat(seen()).filteredOn(ex -> ex.status() == 401).isEmpty();
        c.projects().delete("sess-idle");
    }

    @Test
    void aSessionHarborLostIsNoticedLoggedInAgainOnceAndTheRequestSentOnceMore() {
        HarborClient c = admin();
        c.projects().create(project("sess-private"));
        h1.emulator().forgetSessions();
        // Harbor answers the listing as to anonymous (200, public projects only): the client must not believe it
        assertThat(c.projects().list()).extracting(Project::name).contains("sess-private");
        assertThat(c.logins()).isEqualTo(2);
        assertThat(c.sessionsLost()).as("the engine learns answers may have been anonymous").isEqualTo(1);

        h1.emulator().forgetSessions();
        long id = c.projects().create(project("sess-after-loss")); // a write: 401, log in again, sent once more
        assertThat(id).isPositive();
        assertThat(c.logins()).isEqualTo(3);
        assertThat(c.sessionsLost()).isEqualTo(2);
        List<RecordedExchange> creates = seen().stream()
                .filter(ex -> ex.method().equals("POST") && ex.rawPath().equals("/api/v2.0/projects")).toList();
        assertThat(creates).extracting(RecordedExchange::status).containsExactly(201, 401, 201);
        c.projects().delete("sess-private");
        c.projects().delete("sess-after-loss");
    }

    @Test
    void aWriteWithoutTheTokenIsRefusedByHarbor() {
        HarborClient c = admin();
        c.projects().list(); // logged in
        HarborSession.Login login = c.transport().session().current();
        var anon = h1.client().anonymous();
        var refused = anon.send(anon.request("POST", "projects", Map.of("project_name", "sess-no-token"))
                .header("Cookie", login.cookieHeader));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("CSRF token invalid");
        var accepted = anon.send(anon.request("POST", "projects", Map.of("project_name", "sess-no-token"))
                .header("Cookie", login.cookieHeader).header("X-Harbor-CSRF-Token", login.csrfToken));
        assertThat(accepted.statusCode()).isEqualTo(201);
        c.projects().delete("sess-no-token");
    }

    @Test
    void aWrongPasswordIsUnauthorizedWithOneLoginPerRequestAndNoSecretInTheMessage() {
        HarborClient c = client("admin", "not-the-password-xyz", Site.Auth.AUTO, 3);
        for (int i = 0; i < 3; i++) {
            HarborException.Unauthorized e = assertThrows(HarborException.Unauthorized.class, c.projects()::list);
            assertThat(e.getMessage()).startsWith("h1: list projects failed with HTTP 401").contains("logging in as admin (session)")
                    .doesNotContain("not-the-password-xyz");
        }
        assertThat(logins(seen())).as("one login attempt per request").hasSize(3);
        assertThrows(HarborException.CircuitOpen.class, c.projects()::list);
        assertThat(logins(seen())).as("the open breaker keeps the account alone").hasSize(3);
        assertThat(emulatorLogins()).isZero();
    }

    @Test
    void aRobotKeepsBasicAuthAndAuthBasicForcesItForAUser() {
        HarborClient basicUser = client("admin", PASSWORD, Site.Auth.BASIC, 5);
        assertThat(basicUser.usesSession()).isFalse();
        basicUser.projects().list();
        basicUser.projects().list();
        List<RecordedExchange> exs = seen();
        assertThat(logins(exs)).isEmpty();
        assertThat(exs).allSatisfy(ex -> assertThat(header(ex, "Authorization")).startsWith("Basic "));
        assertThat(exs).allSatisfy(ex -> assertThat(header(ex, "Cookie")).isNull());
        assertThat(h1.emulator().harborCpu().requests(HarborCpu.Account.BASIC_USER)).isEqualTo(2);

        HarborClient robot = client("robot$nobody", "secret", Site.Auth.AUTO, 5);
        assertThat(robot.usesSession()).isFalse();
        exchanges.clear();
        h1.emulator().resetHarborCpu();
        robot.projects().list(); // anonymous for this nonexistent robot: 200, but sent with Basic auth
        assertThat(logins(seen())).isEmpty();
        assertThat(seen()).allSatisfy(ex -> assertThat(header(ex, "Authorization")).startsWith("Basic "));
        assertThat(h1.emulator().harborCpu().requests(HarborCpu.Account.BASIC_ROBOT)).isEqualTo(1);
    }

    @Test
    void theSessionsToStringsHoldNoSecret() {
        HarborClient c = admin();
        c.projects().list();
        HarborSession s = c.transport().session();
        HarborSession.Login l = s.current();
        assertThat(s + " " + l).doesNotContain(PASSWORD, l.sid, l.csrfCookie, l.csrfToken);
    }
}
