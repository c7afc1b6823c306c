package io.harborsync.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true, https = false)
class TlsStepTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    KubernetesClient client;
    @TempDir
    Path tmp;

    LabContext at(Instant t, Path profile) {
        LabSettings s = LabSettings.defaults(Path.of(".")).withCertDir(tmp.resolve("cert"));
        s = new LabSettings(s.clusterName(), s.kind(), s.kindConfig(), s.contourManifest(), s.readyTimeout(),
                s.pollInterval(), s.certDir(), profile, s.harborValues(), s.harborTimeout());
        return LabContext.of(s, client, "", Clock.fixed(t, ZoneOffset.UTC));
    }

    LabContext at(Instant t) {
        return at(t, Path.of("ssl/certificate.yaml"));
    }

    Path cert(String name) {
        return tmp.resolve("cert").resolve(name);
    }

    @Test
    void issuesACertificateForEveryLabNameAndStoresItInEachNamespace() throws Exception {
        LabStep.Outcome first = new TlsStep().apply(at(T0));

        assertThat(first.detail()).contains("generated a new CA and certificate",
                "secret harbor-tls written in h1, h2, harbor-proxy");
        List<X509Certificate> chain = LabCertificates.readCertificates(cert("harbor.pem"));
        X509Certificate ca = LabCertificates.readCertificates(cert("ca.pem")).get(0);
        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(ca);
        chain.get(0).verify(ca.getPublicKey());
        assertThat(LabCertificates.dnsNames(chain.get(0))).containsExactlyInAnyOrder(
                "*.harbor.domain", "core.harbor.domain", "core.h1.harbor.domain", "core.h2.harbor.domain");
        assertThat(chain.get(0).getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(chain.get(0).getBasicConstraints()).isEqualTo(-1);

        assertThat(Files.getPosixFilePermissions(tmp.resolve("cert"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String key : List.of("ca-key.pem", "harbor-key.pem")) {
            assertThat(Files.getPosixFilePermissions(cert(key))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        for (String ns : List.of("h1", "h2", "harbor-proxy")) {
            Secret s = client.secrets().inNamespace(ns).withName("harbor-tls").get();
            assertThat(s.getType()).isEqualTo("kubernetes.io/tls");
            assertThat(decode(s, "tls.crt")).isEqualTo(Files.readString(cert("harbor.pem")));
            assertThat(decode(s, "tls.key")).isEqualTo(Files.readString(cert("harbor-key.pem")));
            assertThat(decode(s, "ca.crt")).isEqualTo(Files.readString(cert("ca.pem")));
        }
    }

    @Test
    void aSecondRunChangesNothingAndAnExpiringCertificateIsReissuedByTheSameCa() throws Exception {
        new TlsStep().apply(at(T0));
        String chain = Files.readString(cert("harbor.pem"));
        String ca = Files.readString(cert("ca.pem"));
        String secretVersion = client.secrets().inNamespace("h1").withName("harbor-tls").get().getMetadata().getResourceVersion();

        assertThat(new TlsStep().apply(at(T0.plus(Duration.ofDays(300))))).isEqualTo(LabStep.Outcome.unchanged());
        assertThat(Files.readString(cert("harbor.pem"))).isEqualTo(chain);
        assertThat(client.secrets().inNamespace("h1").withName("harbor-tls").get().getMetadata().getResourceVersion())
                .isEqualTo(secretVersion);

        // 397 days of validity: at day 370 it expires within the 30 days the profile asks for.
        LabStep.Outcome renewed = new TlsStep().apply(at(T0.plus(Duration.ofDays(370))));

        assertThat(renewed.detail()).startsWith("issued a new certificate");
        assertThat(Files.readString(cert("ca.pem"))).isEqualTo(ca);
        assertThat(Files.readString(cert("harbor.pem"))).isNotEqualTo(chain);
        assertThat(decode(client.secrets().inNamespace("h2").withName("harbor-tls").get(), "tls.crt"))
                .isEqualTo(Files.readString(cert("harbor.pem")));
    }

    @Test
    void aProfileMissingALabHostNameIsRefused() throws Exception {
        Path profile = tmp.resolve("certificate.yaml");
        Files.writeString(profile, Files.readString(Path.of("ssl/certificate.yaml")).replace("- core.h2.harbor.domain", ""));

        assertThatThrownBy(() -> new TlsStep().apply(at(T0, profile)))
                .isInstanceOf(LabException.class).hasMessageContaining("lacks the lab host names [core.h2.harbor.domain]");
        assertThat(tmp.resolve("cert")).doesNotExist();
    }

    private static String decode(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }
}
