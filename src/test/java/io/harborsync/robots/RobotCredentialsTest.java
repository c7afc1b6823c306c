package io.harborsync.robots;

import io.harborsync.config.Site;
import io.harborsync.emulator.Fault;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotCreated;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.http.ProblemException;
import io.harborsync.model.RobotSecretAligned;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.InMemorySecretAlignments;
import io.harborsync.testsupport.PlainHarborHttp;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RobotCredentials} against two emulated Harbors, every exchange spec-checked: one secret on every site,
 * proven by logging in as the robot with raw HTTP; refusals before anything is sent; a partial failure that keeps
 * the secret; and no secret in any toString, exception or problem.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class RobotCredentialsTest {
    static final List<RobotPermission> PULL_ANY = List.of(new RobotPermission("project", "*",
            List.of(new Access("repository", "pull", null))));

    SyncFixture f;
    InMemorySecretAlignments alignments;
    List<RobotSecretAligned> events;
    List<RecordedExchange> traffic;
    RobotCredentials robots;
    String n;

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        traffic = new CopyOnWriteArrayList<>();
        f.emulator("h1").addExchangeListener(traffic::add);
        f.emulator("h2").addExchangeListener(traffic::add);
        alignments = new InMemorySecretAlignments();
        events = new CopyOnWriteArrayList<>();
        robots = service("admin");
        n = "ci-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        try {
            f.assertSpecClean();
        } finally {
            f.close();
        }
    }

    /** Runs once just before the service's n-th use of h2's client (aRobotCopiedMeanwhileByTheEngineGetsTheSecretToo). */
    Runnable beforeH2Call = () -> { };
    int h2CallToHook = -1;
    final java.util.concurrent.atomic.AtomicInteger h2Calls = new java.util.concurrent.atomic.AtomicInteger();

    private RobotCredentials service(String username) {
        List<Site> sites = List.of(site("h1", username), site("h2", username));
        return new RobotCredentials(new RobotCredentials.Harbors() {
            @Override
            public List<Site> sites() {
                return sites;
            }

            @Override
            public HarborClient client(String site) {
                if (site.equals("h2") && h2Calls.incrementAndGet() == h2CallToHook) {
                    beforeH2Call.run();
                }
                return f.client(site);
            }

            @Override
            public HarborClient as(Site site, String user, String password) {
                return HarborClientFactory.create(new Site(site.name(), site.url(), user, password, Optional.empty(),
                        Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(10), 100);
            }
        }, alignments, events::add);
    }

    private Site site(String name, String username) {
        return new Site(name, f.emulator(name).baseUrl(), username, "Harbor12345", Optional.empty(), Optional.empty());
    }

    /** Whether the credentials log in (raw HTTP): systeminfo shows harbor_version only to valid credentials. */
    private boolean logsIn(String site, String user, String secret) {
        var answer = PlainHarborHttp.json(f.http.get(site).as(user, secret).get("/api/v2.0/systeminfo"));
        return answer.hasNonNull("harbor_version");
    }

    private List<RecordedExchange> writes() {
        // the daemon's login (POST /c/login, a user account's session) writes nothing to Harbor's data
        return traffic.stream().filter(x -> !x.method().equals("GET") && !x.method().equals("HEAD")
                && !x.rawPath().equals("/c/login")).toList();
    }

    private static RobotSpec system(String name) {
        return new RobotSpec(name, Optional.empty(), Optional.of("ci pulls"), -1, false, PULL_ANY);
    }

    private RobotCreated createOn(String site, String name) {
        return f.client(site).robots().create(new RobotCreate(name, null, "system", -1L, PULL_ANY));
    }

    @Test
    void createPutsOneGeneratedSecretOnEverySiteProvesItAndRecordsTheIds() {
        RobotCredentials.Result r = robots.create(system(n), Optional.empty());

        assertThat(r.complete()).isTrue();
        assertThat(r.name()).isEqualTo("robot$" + n);
        assertThat(r.key()).isEqualTo("robot:" + n);
        String secret = r.secret().orElseThrow().value();
        assertThat(secret).hasSize(32).matches(".*[A-Z].*").matches(".*[a-z].*").matches(".*[0-9].*");
        for (String site : List.of("h1", "h2")) {
            assertThat(logsIn(site, "robot$" + n, secret)).as("the secret works on " + site).isTrue();
            assertThat(r.sites().get(site).proven()).isTrue();
        }
        Map<String, Long> ids = Map.of("h1", r.sites().get("h1").id().orElseThrow(),
                "h2", r.sites().get("h2").id().orElseThrow());
        assertThat(f.client("h1").robots().findSystem(n)).get().extracting(Robot::id).isEqualTo(ids.get("h1"));
        assertThat(alignments.all()).containsEntry("robot:" + n, ids);
        assertThat(events).containsExactly(new RobotSecretAligned("robot:" + n, ids));
        assertThat(r.toString()).doesNotContain(secret);
    }

    @Test
    void aProjectRobotGetsTheGivenSecretOnEverySite() {
        String p = "rp-" + UUID.randomUUID().toString().substring(0, 8);
        for (String site : List.of("h1", "h2")) {
            f.client(site).projects().create(new ProjectReq(p, false, Map.of(), null, null, null));
        }
        RobotSpec spec = new RobotSpec("ci", Optional.of(p), Optional.empty(), 30, false, List.of(new RobotPermission(
                "project", p, List.of(new Access("repository", "push", null), new Access("repository", "pull", null)))));
        RobotCredentials.Result r = robots.create(spec, Optional.of("Chosen2024xyz"));

        assertThat(r.complete()).isTrue();
        assertThat(r.name()).isEqualTo("robot$" + p + "+ci");
        assertThat(r.key()).isEqualTo(p + "/robot:ci");
        assertThat(logsIn("h1", "robot$" + p + "+ci", "Chosen2024xyz")).isTrue();
        assertThat(logsIn("h2", "robot$" + p + "+ci", "Chosen2024xyz")).isTrue();
        assertThat(alignments.all()).containsKey(p + "/robot:ci");
    }

    @Test
    void aRobotOfThatNameOnAnySiteRefusesTheCreateBeforeAnythingIsWritten() {
        createOn("h2", n);
        traffic.clear();
        assertThatThrownBy(() -> robots.create(system(n), Optional.empty()))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.getResponse().getStatus()).isEqualTo(409);
                    assertThat(e.detail()).contains("robot$" + n + " already exists on h2").contains("set-secret");
                });
        assertThat(writes()).isEmpty();
        assertThat(f.client("h1").robots().findSystem(n)).isEmpty();
    }

    /**
     * The sync engine may copy the robot from h1 to h2 between the check and the create on h2: Harbor's 409 there
     * is then the robot just made, which gets the secret like the others.
     */
    @Test
    void aRobotCopiedMeanwhileByTheEngineGetsTheSecretToo() {
        h2CallToHook = 2; // 1: the check before creating anything, 2: the create
        beforeH2Call = () -> createOn("h2", n);
        RobotCredentials.Result r = robots.create(system(n), Optional.empty());
        assertThat(r.complete()).as(r.sites().toString()).isTrue();
        assertThat(logsIn("h2", "robot$" + n, r.secret().orElseThrow().value())).isTrue();
        assertThat(traffic).as("h2 answered the create with its 409")
                .anyMatch(x -> x.method().equals("POST") && x.rawPath().endsWith("/robots") && x.status() == 409);
    }

    @Test
    void aProjectRobotNeedsItsProjectOnEverySite() {
        String p = "rp-" + UUID.randomUUID().toString().substring(0, 8);
        f.client("h1").projects().create(new ProjectReq(p, false, Map.of(), null, null, null));
        traffic.clear();
        RobotSpec spec = new RobotSpec("ci", Optional.of(p), Optional.empty(), -1, false, List.of(new RobotPermission(
                "project", p, List.of(new Access("repository", "pull", null)))));
        assertThatThrownBy(() -> robots.create(spec, Optional.empty()))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.getResponse().getStatus()).isEqualTo(409);
                    assertThat(e.detail()).contains("project " + p + " does not exist on h2");
                });
        assertThat(writes()).isEmpty();
    }

    @Test
    void setSecretPutsTheSecretH1ShowedOntoH2() {
        RobotCreated h1 = createOn("h1", n);       // by a person in h1's UI: only h1's secret is known
        createOn("h2", n);                          // mirrored to h2 with a secret nobody knows
        assertThat(logsIn("h2", "robot$" + n, h1.secret())).isFalse();

        RobotCredentials.Result r = robots.setSecret("robot$" + n, h1.secret());

        assertThat(r.complete()).isTrue();
        assertThat(r.secret()).as("the caller has the secret: the answer does not repeat it").isEmpty();
        assertThat(logsIn("h1", "robot$" + n, h1.secret())).isTrue();
        assertThat(logsIn("h2", "robot$" + n, h1.secret())).isTrue();
        assertThat(alignments.all().get("robot:" + n)).containsOnlyKeys("h1", "h2");
    }

    @Test
    void rotateReplacesTheSecretEverywhere() {
        String old = robots.create(system(n), Optional.empty()).secret().orElseThrow().value();

        RobotCredentials.Result r = robots.rotate(n);

        String fresh = r.secret().orElseThrow().value();
        assertThat(fresh).isNotEqualTo(old);
        for (String site : List.of("h1", "h2")) {
            assertThat(logsIn(site, "robot$" + n, old)).as("old secret on " + site).isFalse();
            assertThat(logsIn(site, "robot$" + n, fresh)).as("new secret on " + site).isTrue();
        }
        assertThat(events).hasSize(2);
    }

    @Test
    void badInputIsRefusedWithA400AndNothingIsSent() {
        String p = "bad-p";
        Map<String, Runnable> cases = new java.util.LinkedHashMap<>();
        cases.put("short secret", () -> robots.setSecret(n, "Ab1xxxx"));
        cases.put("no digit", () -> robots.setSecret(n, "Abcdefghij"));
        cases.put("no upper", () -> robots.create(system(n), Optional.of("abcdefgh1")));
        cases.put("129 chars", () -> robots.setSecret(n, "Ab1" + "x".repeat(126)));
        cases.put("upper-case name", () -> robots.create(system("CI"), Optional.empty()));
        cases.put("name with +", () -> robots.create(system("a+b"), Optional.empty()));
        cases.put("not a robot name", () -> robots.rotate("Not A Name"));
        cases.put("duration 0", () -> robots.create(new RobotSpec(n, Optional.empty(), Optional.empty(), 0, false,
                PULL_ANY), Optional.empty()));
        cases.put("no permission", () -> robots.create(new RobotSpec(n, Optional.empty(), Optional.empty(), -1,
                false, List.of()), Optional.empty()));
        cases.put("bad kind", () -> robots.create(new RobotSpec(n, Optional.empty(), Optional.empty(), -1, false,
                List.of(new RobotPermission("global", "*", List.of(new Access("repository", "pull", null))))),
                Optional.empty()));
        cases.put("empty action", () -> robots.create(new RobotSpec(n, Optional.empty(), Optional.empty(), -1,
                false, List.of(new RobotPermission("project", "*", List.of(new Access("repository", "", null))))),
                Optional.empty()));
        cases.put("project robot on another project", () -> robots.create(new RobotSpec(n, Optional.of(p),
                Optional.empty(), -1, false, List.of(new RobotPermission("project", "other",
                List.of(new Access("repository", "pull", null))))), Optional.empty()));
        cases.put("project robot with *", () -> robots.create(new RobotSpec(n, Optional.of(p), Optional.empty(), -1,
                false, PULL_ANY), Optional.empty()));
        cases.forEach((what, call) -> assertThatThrownBy(call::run).as(what)
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.getResponse().getStatus()).as(what).isEqualTo(400);
                    assertThat(e.detail()).as(what).doesNotContain("Ab1xxxx").doesNotContain("Abcdefghij")
                            .doesNotContain("abcdefgh1");
                }));
        assertThatThrownBy(() -> robots.setSecret(n, "Abcdefghij")).hasMessage(SecretRule.MESSAGE);
        assertThat(traffic).as("nothing was sent").isEmpty();
    }

    @Test
    void aRobotAccountAsTheDaemonsLoginIsAPreconditionRefusedBeforeSending() {
        RobotCredentials asRobot = service("robot$harbor-sync");
        assertThat(robots.precondition()).isEmpty();
        assertThat(asRobot.precondition()).hasValueSatisfying(p -> assertThat(p)
                .startsWith("harbor-sync logs in to h1 as robot$harbor-sync, h2 as robot$harbor-sync;")
                .contains("Harbor lets only users set robot secrets: configure a user with the system admin role"));
        for (Runnable call : List.<Runnable>of(() -> asRobot.create(system(n), Optional.empty()),
                () -> asRobot.setSecret(n, "Chosen2024xyz"), () -> asRobot.rotate(n))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class, e ->
                    assertThat(e.getResponse().getStatus()).isEqualTo(409));
        }
        assertThat(traffic).isEmpty();
    }

    @Test
    void aSiteFailingAfterTheOtherTookTheSecretKeepsTheSecretInTheAnswer() {
        robots.create(system(n), Optional.empty());
        events.clear();
        f.emulator("h2").faults().add(Fault.on("PATCH", "/api/v2.0/robots/.*").status(503));

        RobotCredentials.Result r = robots.rotate(n);

        assertThat(r.complete()).isFalse();
        String fresh = r.secret().orElseThrow().value();
        assertThat(r.sites().get("h1").proven()).isTrue();
        assertThat(r.sites().get("h2").secretSet()).isFalse();
        assertThat(r.sites().get("h2").error()).hasValueSatisfying(e -> assertThat(e)
                .contains("the secret was not set").contains("503").doesNotContain(fresh));
        assertThat(logsIn("h1", "robot$" + n, fresh)).isTrue();
        assertThat(alignments.all().get("robot:" + n)).containsOnlyKeys("h1");
        assertThat(events).singleElement().satisfies(e -> assertThat(e.robotIdBySite()).containsOnlyKeys("h1"));
    }

    @Test
    void aSiteDownForTheCreateStillLeavesTheRobotAndItsSecretOnTheOther() {
        f.emulator("h2").faults().add(Fault.on("POST", "/api/v2.0/robots").status(500));
        RobotCredentials.Result r = robots.create(system(n), Optional.empty());
        assertThat(r.complete()).isFalse();
        assertThat(r.sites().get("h2").error()).hasValueSatisfying(e -> assertThat(e).startsWith("not created"));
        assertThat(logsIn("h1", "robot$" + n, r.secret().orElseThrow().value())).isTrue();
    }

    @Test
    void anUnknownRobotIs404AndADisabledOneIsSetButNotProven() {
        assertThatThrownBy(() -> robots.rotate("nobody-" + n)).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.getResponse().getStatus()).isEqualTo(404);
            assertThat(e.detail()).contains("no robot robot$nobody-" + n + " on any site");
        });

        RobotSpec disabled = new RobotSpec(n, Optional.empty(), Optional.empty(), -1, true, PULL_ANY);
        RobotCredentials.Result created = robots.create(disabled, Optional.empty());
        assertThat(created.complete()).as("proven before it was disabled").isTrue();
        assertThat(f.client("h2").robots().findSystem(n)).get().extracting(Robot::disable).isEqualTo(true);

        RobotCredentials.Result r = robots.setSecret(n, "Chosen2024xyz");
        assertThat(r.complete()).isFalse();
        assertThat(r.sites().get("h1").secretSet()).isTrue();
        assertThat(r.sites().get("h1").error()).hasValueSatisfying(e -> assertThat(e).contains("is disabled on h1"));
        assertThat(alignments.all()).doesNotContainKey("robot:" + n);
    }
}
