package io.harborsync.build;

import com.sun.net.httpserver.HttpServer;
import io.harborsync.testsupport.HarborSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build obtains Harbor's swagger.yaml itself and refuses a missing or wrong one in `validate`, before anything
 * compiles. Runs the project's own pom (with the wrapper) in a temporary copy that has no shared/ folder beside it,
 * `validate` only, with Harbor's URL pointed at a server on loopback that serves the real file or a copy with one
 * byte changed (these machines have no internet), and a fresh download cache per test.
 */
class SpecFromBuildTest {
    private static final String SHA256 = "9be2b505d4c6baba40e6d646eac2b0aa4ff11f938727ae1eaa491ca01ebf71c7";

    @TempDir
    Path root;
    private Path project;
    private Path cache;
    private HttpServer server;
    private final AtomicInteger downloads = new AtomicInteger();
    private byte[] good;
    private byte[] bad;

    record Build(int exit, String output) {
        /** The one line of the output that says where to get the spec. */
        String helpLine() {
            return output.lines().filter(l -> l.contains("Harbor's API spec")).findFirst().orElse("");
        }
    }

    @BeforeEach
    void copyProject() throws Exception {
        project = Files.createDirectories(root.resolve("harbor-sync"));
        cache = root.resolve("download-cache");
        Files.copy(Path.of("pom.xml"), project.resolve("pom.xml"));
        Files.copy(Path.of("mvnw"), project.resolve("mvnw"), StandardCopyOption.COPY_ATTRIBUTES);
        Path wrapper = Files.createDirectories(project.resolve(".mvn/wrapper"));
        Files.copy(Path.of(".mvn/wrapper/maven-wrapper.properties"), wrapper.resolve("maven-wrapper.properties"));
        assertThat(root.resolve("shared")).doesNotExist();

        good = Files.readAllBytes(HarborSpec.location());
        assertThat(sha256(good)).as("the spec this test run was verified with").isEqualTo(SHA256);
        bad = good.clone();
        bad[bad.length / 2] ^= 1; // one byte changed
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = switch (ex.getRequestURI().getPath()) {
                case "/harbor/v2.15.2/swagger.yaml" -> good;
                case "/harbor/changed/swagger.yaml" -> bad;
                default -> null;
            };
            downloads.incrementAndGet();
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private Build validate(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(project.resolve("mvnw").toString(), "-B", "-q", "validate",
                "-Ddownload.cache.directory=" + cache));
        cmd.addAll(List.of(args));
        Path log = root.resolve("build.log");
        Process p = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("validate did not finish: " + Files.readString(log));
        }
        return new Build(p.exitValue(), Files.readString(log));
    }

    private Path downloaded() {
        return project.resolve("target/harbor/swagger.yaml");
    }

    @Test
    void downloadsVerifiesAndCachesTheSpecSoTheNextBuildIsOffline() throws Exception {
        String spec = url("/harbor/v2.15.2/swagger.yaml");
        Build first = validate("-Dharbor.swagger.url=" + spec);
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(sha256(Files.readAllBytes(downloaded()))).isEqualTo(SHA256);
        assertThat(downloads).hasValue(1);

        // a clean project, the server gone, Maven offline: the cached copy serves
        server.stop(0);
        server = null;
        deleteTree(project.resolve("target"));
        Build offline = validate("-o", "-Dharbor.swagger.url=" + spec);
        assertThat(offline.exit()).as(offline.output()).isZero();
        assertThat(sha256(Files.readAllBytes(downloaded()))).isEqualTo(SHA256);
    }

    @Test
    void aDownloadWithOneByteChangedIsRefusedAndNotCached() throws Exception {
        Build b = validate("-Dharbor.swagger.url=" + url("/harbor/changed/swagger.yaml"));
        assertThat(b.exit()).as(b.output()).isNotZero();
        // the download plugin's own refusal names the expected and the actual checksum
        assertThat(b.output()).contains("Not same digest as expected").contains(SHA256).contains(sha256(bad));
        assertThat(project.resolve("target/classes")).doesNotExist();
        try (Stream<Path> cached = Files.exists(cache) ? Files.list(cache) : Stream.empty()) {
            assertThat(cached.map(Path::getFileName).map(Path::toString)).noneMatch(f -> f.startsWith("swagger.yaml"));
        }
    }

    @Test
    void anUnreachableSpecStopsTheBuildWithOneLineSayingWhereToGetIt() throws Exception {
        String nowhere = url("/no/such/swagger.yaml");
        Build b = validate("-Dharbor.swagger.url=" + nowhere);
        assertThat(b.exit()).as(b.output()).isNotZero();
        assertThat(b.helpLine()).as(b.output()).contains("is missing at " + downloaded().toAbsolutePath())
                .contains(nowhere).contains("-Dharbor.swagger=PATH").contains("../shared/harbor/swagger.yaml");
        assertThat(project.resolve("target/classes")).doesNotExist();
    }

    @Test
    void aSpecBesideTheProjectIsUsedInsteadOfDownloadingAndItsChecksumIsChecked() throws Exception {
        Path shared = Files.createDirectories(root.resolve("shared/harbor")).resolve("swagger.yaml");
        Files.write(shared, bad);
        Build wrong = validate("-Dharbor.swagger.url=" + url("/harbor/v2.15.2/swagger.yaml"));
        assertThat(wrong.exit()).as(wrong.output()).isNotZero();
        assertThat(wrong.helpLine()).as(wrong.output()).contains("is not Harbor v2.15.2's swagger.yaml")
                .contains("shared/harbor/swagger.yaml").contains(SHA256).contains("-Dharbor.swagger=PATH");

        Files.write(shared, good);
        Build right = validate("-Dharbor.swagger.url=" + url("/harbor/v2.15.2/swagger.yaml"));
        assertThat(right.exit()).as(right.output()).isZero();
        assertThat(downloads).as("nothing downloaded while shared/ beside the project has the spec").hasValue(0);
        assertThat(downloaded()).doesNotExist();
    }

    @Test
    void aSpecNamedByPropertyIsCheckedToo() throws Exception {
        Path changed = root.resolve("my-swagger.yaml");
        Files.write(changed, bad);
        Build b = validate("-Dharbor.swagger=" + changed, "-Dharbor.swagger.url=" + url("/harbor/v2.15.2/swagger.yaml"));
        assertThat(b.exit()).as(b.output()).isNotZero();
        assertThat(b.helpLine()).as(b.output()).contains(changed.toString()).contains("is not Harbor v2.15.2's swagger.yaml");
        assertThat(downloads).hasValue(0);
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.delete(p);
        }
    }
}
