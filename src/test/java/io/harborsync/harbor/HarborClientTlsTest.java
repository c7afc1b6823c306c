package io.harborsync.harbor;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.harborsync.config.Site;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A site's ca-file is what the client trusts for it; there is no trust-all switch. */
@QuarkusTest
class HarborClientTlsTest {
    static Path dir;
    static WireMockServer https;

    @BeforeAll
    static void selfSignedHarbor() throws Exception {
        dir = Files.createTempDirectory("harbor-sync-tls");
        keytool("-genkeypair", "-alias", "harbor", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", dir.resolve("harbor.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "harbor", "-keystore", dir.resolve("harbor.p12").toString(),
                "-storepass", "changeit", "-file", dir.resolve("harbor-ca.pem").toString());
        keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=other", "-keystore", dir.resolve("other.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", dir.resolve("other.p12").toString(),
                "-storepass", "changeit", "-file", dir.resolve("other-ca.pem").toString());
        https = new WireMockServer(options().httpDisabled(true).dynamicHttpsPort()
                .keystorePath(dir.resolve("harbor.p12").toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit"));
        https.start();
        https.stubFor(get(urlPathEqualTo("/api/v2.0/health"))
                .willReturn(okJson("{\"status\":\"healthy\",\"components\":[]}")));
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @AfterAll
    static void stop() {
        https.stop();
    }

    private static HarborClient client(Optional<Path> ca) {
        Site site = new Site("h1", URI.create("https://localhost:" + https.httpsPort()), "admin", "pw", ca,
                Optional.empty(), Site.Auth.BASIC); // WireMock has no /c/login: HttpsEmulatorTlsTest logs in over TLS
        return HarborClientFactory.create(site, Duration.ofSeconds(2), Duration.ofSeconds(5), 100);
    }

    @Test
    void trustsTheSitesCaFile() {
        assertThat(client(Optional.of(dir.resolve("harbor-ca.pem"))).health().healthy()).isTrue();
    }

    @Test
    void refusesAHarborSignedBySomeoneElse() {
        HarborException e = assertThrows(HarborException.Unreachable.class,
                () -> client(Optional.of(dir.resolve("other-ca.pem"))).health());
        assertThat(e.isUnknownState()).isTrue();
    }

    @Test
    void withoutCaFileOnlyTheJvmTrustStoreCounts() {
        assertThrows(HarborException.Unreachable.class, () -> client(Optional.empty()).health());
    }
}
