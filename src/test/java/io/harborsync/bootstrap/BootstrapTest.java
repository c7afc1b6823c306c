package io.harborsync.bootstrap;

import io.harborsync.cli.ExitCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.config.Site;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.CircuitBreaker;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.sync.WebhookPolicies;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.PlainHarborHttp;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bootstrap against two emulated Harbors, every exchange spec-checked: what a first run creates (and that
 * the credentials it wires up actually log in), that a second run sends no write, that it repairs the
 * seed's robot without repository:delete, and how it fails.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class BootstrapTest {
    private static final String HOOK = "http://harbor-sync.test:8080";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    @TempDir
    Path tmp;

    SyncFixture f;
    final List<RecordedExchange> h1Traffic = new CopyOnWriteArrayList<>();
    final List<RecordedExchange> h2Traffic = new CopyOnWriteArrayList<>();
    final Map<String, String> webhookSecrets = Map.of("h1", "hook-secret-h1-Xy9", "h2", "hook-secret-h2-Qz7");
    final LogCapture logs = new LogCapture();

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        f.emulator("h1").addExchangeListener(h1Traffic::add);
        f.emulator("h2").addExchangeListener(h2Traffic::add);
        Logger.getLogger("").addHandler(logs);
    }

    @AfterEach
    void close() {
        Logger.getLogger("").removeHandler(logs);
        f.close();
    }

    private Site site(String name, String password) {
        HarborEmulator e = f.emulator(name);
        return new Site(name, e.baseUrl(), "admin", password, Optional.empty(), Optional.of(webhookSecrets.get(name)));
    }

    private static HarborClient clientFor(Site s) {
        return HarborClientFactory.create(s, Duration.ofSeconds(2), Duration.ofSeconds(10), 100,
                CircuitBreaker.Settings.OFF, Clock.systemUTC());
    }

    private Bootstrap bootstrap(List<Site> sites, boolean dryRun, StringWriter out) {
        Map<String, HarborClient> admin = new LinkedHashMap<>();
        sites.forEach(s -> admin.put(s.name(), clientFor(s)));
        return new Bootstrap(sites, admin, BootstrapTest::clientFor, Map.of(), Optional.of(HOOK), tmp.resolve("secrets"),
                dryRun, new PrintWriter(out, true));
    }

    private String run(boolean dryRun) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BootstrapCommand.execute(bootstrap(List.of(site("h1", "Harbor12345"), site("h2", "Harbor12345")),
                dryRun, out), new PrintWriter(err, true));
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
        return out.toString();
    }

    private PlainHarborHttp http(String site) {
        return f.http.get(site);
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) return n;
        }
        throw new AssertionError(name + " not in " + list);
    }

    private static Set<String> permissions(JsonNode robot) {
        List<RobotPermission> perms = new ArrayList<>();
        for (JsonNode p : robot.get("permissions")) {
            List<Access> access = new ArrayList<>();
            p.get("access").forEach(a -> access.add(new Access(a.get("resource").asText(), a.get("action").asText(), null)));
            perms.add(new RobotPermission(p.get("kind").asText(), p.get("namespace").asText(), access));
        }
        return BootstrapPermissions.flatten(perms);
    }

    private static List<String> writes(List<RecordedExchange> traffic) {
        // the admin's login (POST /c/login: a user account's session) writes nothing to Harbor's data
        return traffic.stream().filter(x -> WRITES.contains(x.method()) && !x.rawPath().equals("/c/login"))
                .map(x -> x.method() + " " + x.rawPath()).toList();
    }

    /** The access_secret bootstrap sent for registry harbor-sync-{peer} (Harbor masks it on read). */
    private static String registrySecretSent(List<RecordedExchange> traffic) {
        String secret = null;
        for (RecordedExchange x : traffic) {
            if (x.rawPath().startsWith("/api/v2.0/registries") && WRITES.contains(x.method()) && x.requestBody() != null) {
                JsonNode body = readJson(new String(x.requestBody(), StandardCharsets.UTF_8));
                JsonNode s = body.has("credential") ? body.path("credential").path("access_secret") : body.path("access_secret");
                if (!s.isMissingNode()) secret = s.asText();
            }
        }
        return secret;
    }

    private static JsonNode readJson(String s) {
        try {
            return PlainHarborHttp.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** HEAD /projects?project_name= answers 404 to any authenticated caller and 401 to bad credentials. */
    private int loginProbe(String site, String user, String secret) {
        return http(site).as(user, secret).head("projects?project_name=no-such-project").statusCode();
    }

    @Test
    void firstRunSetsUpBothSitesAndASecondRunWritesNothing() throws Exception {
        http("h1").createProject("team-a", false);
        http("h2").createProject("team-b", false);

        String first = run(false);

        for (String site : List.of("h1", "h2")) {
            String peer = site.equals("h1") ? "h2" : "h1";
            JsonNode robots = json(http(site).get("robots"));
            assertThat(robots).hasSize(2);
            Set<String> replication = permissions(byName(robots, "robot$harbor-sync-replication"));
            assertThat(replication).containsExactlyInAnyOrder("system|/|project:create", "project|*|repository:pull",
                    "project|*|repository:push", "project|*|repository:delete", "project|*|tag:delete");
            assertThat(permissions(byName(robots, "robot$harbor-sync")))
                    .isEqualTo(BootstrapPermissions.flatten(BootstrapPermissions.HARBOR_SYNC))
                    .contains("project|*|repository:delete", "project|*|member:create", "project|*|notification-policy:create",
                            "system|/|audit-log:list")
                    // robot list/read/create/delete for robot mirroring; robot:update no robot may hold
                    .contains("system|/|robot:list", "project|*|tag:list")
                    .noneMatch(p -> p.contains("|user") || p.contains("|robot:update") || p.contains("registry:create"));

            JsonNode registry = byName(json(http(site).get("registries")), "harbor-sync-" + peer);
            assertThat(registry.get("url").asText()).isEqualTo(f.emulator(peer).baseUrl().toString().replaceAll("/+$", ""));
            assertThat(registry.get("type").asText()).isEqualTo("harbor");
            assertThat(registry.path("credential").path("access_key").asText()).isEqualTo("robot$harbor-sync-replication");
            // the endpoint's secret is the peer robot's: it logs in there
            String sent = registrySecretSent(site.equals("h1") ? h1Traffic : h2Traffic);
            assertThat(loginProbe(peer, "robot$harbor-sync-replication", sent)).isEqualTo(404);

            JsonNode policies = json(http(site).get("replication/policies"));
            assertThat(policies).hasSize(1);
            JsonNode policy = byName(policies, "harbor-sync-" + site + "-to-" + peer);
            assertThat(policy.path("trigger").path("type").asText()).isEqualTo("event_based");
            assertThat(policy.path("replicate_deletion").asBoolean()).isTrue();
            assertThat(policy.path("override").asBoolean()).isTrue();
            assertThat(policy.path("enabled").asBoolean()).isTrue();
            assertThat(policy.path("dest_registry").path("id").asLong()).isEqualTo(registry.get("id").asLong());
            assertThat(policy.path("src_registry").path("id").asLong(0)).isZero();

            String project = site.equals("h1") ? "team-a" : "team-b";
            JsonNode hook = byName(json(http(site).get("projects/" + project + "/webhook/policies")), WebhookPolicies.name(HOOK));
            assertThat(hook.path("targets").get(0).path("address").asText()).isEqualTo(HOOK + "/webhooks/" + site);
            assertThat(hook.path("targets").get(0).path("auth_header").asText()).isEqualTo(webhookSecrets.get(site));

            Path file = tmp.resolve("secrets").resolve(site + "-harbor-sync.secret");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String secret = Files.readString(file).trim();
            assertThat(loginProbe(site, "robot$harbor-sync", secret)).isEqualTo(404);
            assertThat(loginProbe(site, "robot$harbor-sync", secret + "x")).isEqualTo(401);
            assertThat(first).doesNotContain(secret).doesNotContain(sent);
            assertThat(logs.text()).doesNotContain(secret).doesNotContain(sent);
        }
        // the record of bootstrap's robots, for the daemon never to mirror them: their ids per site, no secret
        Path record = tmp.resolve("secrets").resolve(io.harborsync.sync.SyncSettings.BOOTSTRAP_RECORD);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
        JsonNode recorded = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.toFile());
        for (String site : List.of("h1", "h2")) {
            for (String robot : List.of("harbor-sync-replication", "harbor-sync")) {
                JsonNode listed = byName(json(http(site).get("robots?q=name=" + robot)), "robot$" + robot);
                assertThat(recorded.path(site).path(robot).asLong()).as(site + " " + robot)
                        .isEqualTo(listed.get("id").asLong());
            }
        }
        assertThat(first).contains("h1: robot harbor-sync-replication created", "h2: robot harbor-sync created",
                "h1: registry harbor-sync-h2", "h2: replication policy harbor-sync-h2-to-h1 created",
                "h1: webhook policy in project team-a created");

        h1Traffic.clear();
        h2Traffic.clear();
        String second = run(false);
        assertThat(writes(h1Traffic)).isEmpty();
        assertThat(writes(h2Traffic)).isEmpty();
        assertThat(second.lines()).noneMatch(l -> l.endsWith(" created") || l.endsWith(" updated")
                || l.contains("refreshed"));
        assertThat(second).contains("h1: robot harbor-sync-replication already in place",
                        "h2: registry harbor-sync-h1 -> " + f.emulator("h1").baseUrl().toString().replaceAll("/+$", "")
                                + " already in place",
                        "h1: replication policy harbor-sync-h1-to-h2 already in place",
                        "h2: webhook policies -> " + HOOK + "/webhooks/h2 in 1 project(s): 0 created, 0 updated, 1 already in place");
    }

    @Test
    void aSecretFileThatNoLongerLogsInIsReplacedAndNothingElseIsTouched() throws Exception {
        run(false);
        Files.writeString(tmp.resolve("secrets").resolve("h1-harbor-sync.secret"), "Wrong1secret");
        h1Traffic.clear();
        h2Traffic.clear();

        String out = run(false);

        assertThat(writes(h2Traffic)).isEmpty();
        assertThat(writes(h1Traffic)).hasSize(1).allMatch(w -> w.startsWith("PATCH /api/v2.0/robots/"));
        assertThat(out).contains("h1: robot harbor-sync secret did not log in, refreshed");
        Path file = tmp.resolve("secrets").resolve("h1-harbor-sync.secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String secret = Files.readString(file).trim();
        assertThat(loginProbe("h1", "robot$harbor-sync", secret)).isEqualTo(404);
        assertThat(out).doesNotContain(secret);
    }

    @Test
    void existingRobotWithoutDeleteIsFixedAndItsSecretSetForTheNewEndpoint() {
        HarborClient h2 = f.client("h2");
        h2.robots().create(new RobotCreate(Bootstrap.REPLICATION_ROBOT, "seed", "system", -1L, List.of(
                new RobotPermission("project", "*", List.of(new Access("repository", "pull", null),
                        new Access("repository", "push", null))))));

        String out = run(false);

        JsonNode robot = byName(json(http("h2").get("robots")), "robot$harbor-sync-replication");
        assertThat(permissions(robot)).isEqualTo(BootstrapPermissions.flatten(BootstrapPermissions.REPLICATION));
        assertThat(out).contains("h2: robot harbor-sync-replication updated (permissions were not the wanted set)",
                "h2: robot harbor-sync-replication secret refreshed", "h1: registry harbor-sync-h2");
        // its secret was unknown (Harbor shows it only at creation): bootstrap set one and gave it to h1's endpoint
        assertThat(writes(h2Traffic)).anyMatch(w -> w.equals("PATCH /api/v2.0/robots/" + robot.get("id").asLong()));
        assertThat(loginProbe("h2", "robot$harbor-sync-replication", registrySecretSent(h1Traffic))).isEqualTo(404);
    }

    @Test
    void anEndpointPointingElsewhereIsCorrectedWithTheRobotsNewSecret() {
        run(false);
        JsonNode registry = byName(json(http("h1").get("registries")), "harbor-sync-h2");
        f.client("h1").registries().update(registry.get("id").asLong(), new io.harborsync.harbor.HarborModel.RegistryUpdate(
                null, null, "http://old-h2.invalid", null, "robot$someone-else", "Old-secret1", null));
        h1Traffic.clear();
        h2Traffic.clear();

        String out = run(false);

        JsonNode fixed = byName(json(http("h1").get("registries")), "harbor-sync-h2");
        assertThat(fixed.get("id").asLong()).isEqualTo(registry.get("id").asLong());
        assertThat(fixed.get("url").asText()).isEqualTo(f.emulator("h2").baseUrl().toString().replaceAll("/+$", ""));
        assertThat(fixed.path("credential").path("access_key").asText()).isEqualTo("robot$harbor-sync-replication");
        assertThat(writes(h1Traffic)).containsExactly("PUT /api/v2.0/registries/" + registry.get("id").asLong());
        assertThat(writes(h2Traffic)).hasSize(1).allMatch(w -> w.startsWith("PATCH /api/v2.0/robots/"));
        assertThat(loginProbe("h2", "robot$harbor-sync-replication", registrySecretSent(h1Traffic))).isEqualTo(404);
        assertThat(out).contains("h1: replication policy harbor-sync-h1-to-h2 already in place");
    }

    @Test
    void dryRunReportsAndWritesNothing() {
        http("h1").createProject("team-a", false);
        h1Traffic.clear();
        String out = run(true);
        assertThat(writes(h1Traffic)).isEmpty();
        assertThat(writes(h2Traffic)).isEmpty();
        assertThat(out).contains("h1: robot harbor-sync-replication [dry run] created",
                "h1: webhook policy in project team-a [dry run] created");
        assertThat(tmp.resolve("secrets")).doesNotExist();
    }

    @Test
    void wrongAdminPasswordOrUnreachableSiteFailsWithTheSiteNamedAndNoSecret() throws Exception {
        StringWriter err = new StringWriter();
        int code = BootstrapCommand.execute(bootstrap(List.of(site("h1", "Harbor12345"), site("h2", "Not-The-Pw1")),
                false, new StringWriter()), new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(err.toString()).startsWith("bootstrap failed: h2: ").contains("401").doesNotContain("Not-The-Pw1");
        assertThat(writes(h1Traffic)).isEmpty();

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Site gone = new Site("h9", URI.create("http://127.0.0.1:" + port), "admin", "Secret-Pw-9", Optional.empty(),
                Optional.empty());
        err = new StringWriter();
        code = BootstrapCommand.execute(bootstrap(List.of(site("h1", "Harbor12345"), gone), false, new StringWriter()),
                new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(err.toString()).startsWith("bootstrap failed: h9: ").doesNotContain("Secret-Pw-9");
        assertThat(logs.text()).doesNotContain("Secret-Pw-9").doesNotContain("Not-The-Pw1");
    }

    @Test
    void isACliCommandWithItsOptions() {
        CommandLine cli = new CommandLine(new io.harborsync.HarborSyncCommand());
        assertThat(cli.getSubcommands()).containsKey("bootstrap");
        CommandLine.ParseResult r = cli.parseArgs("bootstrap", "--webhook-url", HOOK, "--secrets-dir", "/tmp/s", "--dry-run");
        BootstrapCommand cmd = r.subcommand().commandSpec().commandLine().getCommand();
        assertThat(cmd.webhookUrl).isEqualTo(HOOK);
        assertThat(cmd.secretsDir).isEqualTo(Path.of("/tmp/s"));
        assertThat(cmd.dryRun).isTrue();
    }

    /** Every log record of the JVM while a test runs, formatted with its parameters. */
    static final class LogCapture extends Handler {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            String formatted;
            try {
                formatted = new java.util.logging.SimpleFormatter().formatMessage(r);
            } catch (RuntimeException e) {
                formatted = String.valueOf(r.getMessage());
            }
            lines.add(formatted + " " + java.util.Arrays.deepToString(r.getParameters())
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
