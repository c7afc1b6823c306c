package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.sites.Sites;
import io.harborsync.testsupport.CliRun;
import io.harborsync.testsupport.PlainHarborHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code harbor-sync robots create|set-secret|rotate} against the running daemon (demo mode) as an operator runs
 * them: the secret alone on stdout, set-secret reading standard input, and {@code --to-secret} writing a
 * dockerconfigjson pull secret into a (Fabric8 mock) Kubernetes API.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class RobotsCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PULL = "project:*:repository:pull";

    @Inject
    Sites sites;
    @Inject
    CommandLine.IFactory factory;
    @TestHTTPResource("/")
    URL daemon;
    @TempDir
    Path tmp;

    String n;
    KubernetesMockServer kubernetes;
    InputStream stdin;

    @BeforeEach
    void setUp() {
        n = "cli-ci-" + UUID.randomUUID().toString().substring(0, 8);
        stdin = System.in;
    }

    @AfterEach
    void tearDown() {
        System.setIn(stdin);
        if (kubernetes != null) {
            kubernetes.destroy();
        }
    }

    CliRun admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", daemon.toString(), "--token", "test-admin-token"));
        return CliRun.of(io.harborsync.HarborSyncMain.commandLine(factory), all.toArray(String[]::new));
    }

    private boolean logsInEverywhere(String user, String secret) {
        return sites.demo().orElseThrow().emulators().stream().allMatch(e -> logsIn(e, user, secret));
    }

    private static boolean logsIn(HarborEmulator e, String user, String secret) {
        return PlainHarborHttp.json(new PlainHarborHttp(e).as(user, secret).get("/api/v2.0/systeminfo"))
                .hasNonNull("harbor_version");
    }

    @Test
    void createPrintsTheSecretOnceAndSetSecretReadsStandardInput() {
        CliRun created = admin("robots", "create", n, "--description", "ci pulls", "--permission", PULL);
        assertThat(created.exit()).as(created.err()).isZero();
        String secret = created.out().strip();
        assertThat(created.out()).as("the secret alone, one line").isEqualTo(secret + "\n");
        assertThat(logsInEverywhere("robot$" + n, secret)).isTrue();

        System.setIn(new ByteArrayInputStream("Typed2024Secret\n".getBytes(StandardCharsets.UTF_8)));
        CliRun set = admin("robots", "set-secret", "robot$" + n);
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("secret of robot$" + n + " set and proven on h1, h2\n");
        assertThat(logsInEverywhere("robot$" + n, "Typed2024Secret")).isTrue();
        assertThat(logsInEverywhere("robot$" + n, secret)).isFalse();

        System.setIn(new ByteArrayInputStream(new byte[0]));
        CliRun empty = admin("robots", "set-secret", n);
        assertThat(empty.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(empty.err()).contains("no secret on standard input").endsWith("\n")
                .satisfies(e -> assertThat(e.strip()).doesNotContain("\n"));

        System.setIn(new ByteArrayInputStream("weak\n".getBytes(StandardCharsets.UTF_8)));
        CliRun weak = admin("robots", "set-secret", n);
        assertThat(weak.exit()).as("the daemon's 400 is a refused argument").isEqualTo(ExitCode.USAGE);
        assertThat(weak.err()).contains("the secret must be 8-128").doesNotContain("weak\n");
    }

    @Test
    void aProjectRobotIsNamedWithItsProjectAndAnUnknownRobotIsExit2() throws Exception {
        String p = "clip-" + UUID.randomUUID().toString().substring(0, 8);
        sites.client("h1").projects().create(new io.harborsync.harbor.HarborModel.ProjectReq(p, false, null, null, null, null));
        sites.client("h2").projects().create(new io.harborsync.harbor.HarborModel.ProjectReq(p, false, null, null, null, null));
        CliRun created = admin("robots", "create", "ci", "--project", p, "--duration", "30", "-o", "json",
                "--permission", "project:" + p + ":repository:pull", "--permission", "project:" + p + ":repository:push");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode answer = JSON.readTree(created.out());
        assertThat(answer.path("name").asText()).isEqualTo("robot$" + p + "+ci");
        assertThat(logsInEverywhere("robot$" + p + "+ci", answer.path("secret").asText())).isTrue();

        CliRun rotated = admin("robots", "rotate", p + "+ci");
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        assertThat(logsInEverywhere("robot$" + p + "+ci", rotated.out().strip())).isTrue();

        CliRun unknown = admin("robots", "rotate", "nobody-" + n);
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).startsWith("harbor-sync robots rotate: the daemon answered HTTP 404: no robot");
        assertThat(unknown.out()).isEmpty();
    }

    @Test
    void rotateToSecretWritesADockerConfigJsonPullSecretAndPrintsNoSecret() throws Exception {
        kubernetes = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kubernetes.init();
        Path kubeconfig = tmp.resolve("kubeconfig");
        try (KubernetesClient k = kubernetes.createClient()) {
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
                    + k.getMasterUrl() + "\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n"
                    + "current-context: c\nusers:\n- name: u\n  user: {}\n");
        }
        CliRun created = admin("robots", "create", n, "--permission", PULL, "--to-secret", "ci/pull-" + n,
                "--kubeconfig", kubeconfig.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("secret written to ci/pull-" + n + "\n");
        String first = pullSecretPassword("ci", "pull-" + n, "robot$" + n);
        assertThat(logsInEverywhere("robot$" + n, first)).isTrue();

        CliRun rotated = admin("robots", "rotate", n, "--to-secret", "ci/pull-" + n, "--kubeconfig",
                kubeconfig.toString(), "--registry", "registry.example.test");
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        assertThat(rotated.out()).isEqualTo("secret written to ci/pull-" + n + "\n");
        assertThat(rotated.err()).isEmpty();
        try (KubernetesClient k = kubernetes.createClient()) {
            Secret s = k.secrets().inNamespace("ci").withName("pull-" + n).get();
            JsonNode config = JSON.readTree(Base64.getDecoder().decode(s.getData().get(".dockerconfigjson")));
            JsonNode auth = config.path("auths").path("registry.example.test");
            String fresh = auth.path("password").asText();
            assertThat(fresh).isNotEqualTo(first);
            assertThat(auth.path("username").asText()).isEqualTo("robot$" + n);
            assertThat(new String(Base64.getDecoder().decode(auth.path("auth").asText()), StandardCharsets.UTF_8))
                    .isEqualTo("robot$" + n + ":" + fresh);
            assertThat(logsInEverywhere("robot$" + n, fresh)).isTrue();
            assertThat(logsInEverywhere("robot$" + n, first)).isFalse();
        }
    }

    private String pullSecretPassword(String namespace, String name, String user) throws Exception {
        try (KubernetesClient k = kubernetes.createClient()) {
            Secret s = k.secrets().inNamespace(namespace).withName(name).get();
            assertThat(s.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
            JsonNode config = JSON.readTree(Base64.getDecoder().decode(s.getData().get(".dockerconfigjson")));
            JsonNode auth = config.path("auths").path("core.harbor.domain");
            assertThat(auth.path("username").asText()).isEqualTo(user);
            return auth.path("password").asText();
        }
    }

    @Test
    void badArgumentsAreOneLineAndExit2BeforeAnythingIsSent() {
        for (String[] args : List.of(
                new String[]{"robots", "create", n, "--permission", "project:*:repository"},
                new String[]{"robots", "create", n},
                new String[]{"robots", "rotate", n, "--to-secret", "no-slash"},
                new String[]{"robots", "rotate", n, "--to-secret", "Bad_NS/x"},
                new String[]{"robots", "create", n, "--permission", PULL, "--duration", "soon"},
                new String[]{"robots"},
                new String[]{"robots", "set-secret"})) {
            CliRun r = admin(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("harbor-sync robots").doesNotContain("\n");
            assertThat(r.out()).isEmpty();
        }
        assertThat(sites.client("h1").robots().findSystem(n)).as("nothing was created").isEmpty();
    }
}
