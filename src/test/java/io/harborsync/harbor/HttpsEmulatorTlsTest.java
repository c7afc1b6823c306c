package io.harborsync.harbor;

import io.harborsync.config.Site;
import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.testsupport.TestCa;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The product client against an emulated Harbor that serves HTTPS with a certificate from a private CA:
 * trusted only through the site's ca-file, and failing closed, with a message that says what to set,
 * without it.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class HttpsEmulatorTlsTest {
    static TestCa ca;
    static TestCa otherCa;
    static HarborEmulator h1;
    static final AtomicInteger exchanges = new AtomicInteger();

    @BeforeAll
    static void httpsHarbor() {
        ca = TestCa.create("h1");
        otherCa = TestCa.create("other");
        h1 = HarborEmulator.start(EmulatorOptions.defaults("h1").withTls(ca.serverKeyStore(), ca.password()));
        h1.addExchangeListener(ex -> exchanges.incrementAndGet());
    }

    @AfterAll
    static void stop() {
        h1.close();
    }

    @BeforeEach
    void countFromZero() {
        exchanges.set(0);
    }

    private static HarborClient client(Optional<Path> caFile) {
        Site site = new Site("h1", h1.baseUrl(), "admin", "Harbor12345", caFile, Optional.empty());
        return HarborClientFactory.create(site, Duration.ofSeconds(2), Duration.ofSeconds(5), 100);
    }

    @Test
    void servesHttpsUnderTheNameItsCertificateCarries() {
        assertThat(h1.baseUrl().toString()).startsWith("https://localhost:");
    }

    @Test
    void trustingTheSitesCaTheClientWorksEndToEnd() {
        HarborClient client = client(Optional.of(ca.caPem()));
        assertThat(client.projects().list()).extracting(Project::name).doesNotContain("team-tls");
        client.projects().create(new ProjectReq("team-tls", false, null, null, null, null));
        assertThat(client.projects().list()).extracting(Project::name).contains("team-tls");
        assertThat(exchanges.get()).isPositive();
    }

    @Test
    void withoutCaFileItFailsClosedAndSaysWhatToSet() {
        HarborException e = assertThrows(HarborException.Unreachable.class, () -> client(Optional.empty()).projects().list());
        assertThat(e.isUnknownState()).isTrue();
        assertThat(e.getMessage())
                .startsWith("h1: list projects failed")
                .contains("TLS: the server certificate is not trusted")
                .contains("harbor-sync.sites.h1.ca-file")
                .doesNotContain("Harbor12345");
        assertThat(h1.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(exchanges.get()).as("no request got past the handshake").isZero();
    }

    @Test
    void aCaThatSignedSomethingElseFailsClosed() {
        HarborException e = assertThrows(HarborException.Unreachable.class,
                () -> client(Optional.of(otherCa.caPem())).projects().create(new ProjectReq("team-x", false, null, null, null, null)));
        assertThat(e.getMessage()).startsWith("h1: create project team-x failed")
                .contains("TLS: the server certificate is not trusted");
        assertThat(h1.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(exchanges.get()).isZero();
        assertThat(client(Optional.of(ca.caPem())).projects().exists("team-x")).isFalse();
    }
}
