package io.harborsync.lab;

import io.harborsync.bootstrap.Bootstrap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bootstrap step of {@code lab up}: the lab's two Harbors (here emulators) get replication with
 * deletions, and the deployed daemon's Secret is written from what bootstrap made; a second run changes
 * nothing, on the Harbors or in the cluster.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
@EnableKubernetesMockClient(crud = true, https = false)
class LabBootstrapStepTest {
    static KubernetesClient client;
    static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    @TempDir
    Path tmp;

    SyncFixture f;
    final List<RecordedExchange> traffic = new CopyOnWriteArrayList<>();

    @BeforeEach
    void lab() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        f.emulators.values().forEach(e -> e.addExchangeListener(traffic::add));
        for (String ns : List.of("h1", "h2")) {
            client.secrets().inNamespace(ns).withName(LabNames.ADMIN_SECRET).delete();
            client.resource(new SecretBuilder().withNewMetadata().withName(LabNames.ADMIN_SECRET).withNamespace(ns)
                    .endMetadata().withStringData(Map.of(LabNames.ADMIN_SECRET_KEY, "Harbor12345")).build()).create();
        }
        client.secrets().inNamespace("harbor-sync").withName("harbor-sync").delete();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private LabStep.Outcome run() throws Exception {
        LabBootstrapStep step = new LabBootstrapStep(ns -> f.emulator(ns).baseUrl(), tmp.resolve("secrets"));
        LabSettings settings = LabSettings.defaults(Path.of(".")).withCertDir(tmp.resolve("cert"));
        try (LabContext lab = LabContext.of(settings, client, "apiVersion: v1", Clock.systemUTC())) {
            return step.apply(lab);
        }
    }

    private static Map<String, String> daemonSecret() {
        Secret s = client.secrets().inNamespace("harbor-sync").withName("harbor-sync").get();
        assertThat(s).as("secret harbor-sync/harbor-sync").isNotNull();
        Map<String, String> out = new java.util.TreeMap<>();
        s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void setsUpBothHarborsAndTheDaemonSecretOnceAndThenChangesNothing() throws Exception {
        LabStep.Outcome first = run();

        assertThat(first.changed()).isTrue();
        assertThat(first.detail()).contains("secret harbor-sync/harbor-sync written");
        for (String site : List.of("h1", "h2")) {
            assertThat(f.client(site).robots().listSystem()).extracting(Robot::name)
                    .contains("robot$" + Bootstrap.REPLICATION_ROBOT, "robot$" + Bootstrap.SYNC_ROBOT);
            assertThat(f.client(site).replications().listPolicies()).hasSize(1);
        }
        Map<String, String> secret = daemonSecret();
        assertThat(secret).containsKeys("HARBOR_SYNC_ADMIN_TOKEN", "HARBOR_SYNC_SITES_H1_WEBHOOK_SECRET",
                "HARBOR_SYNC_SITES_H2_WEBHOOK_SECRET")
                .containsEntry("HARBOR_SYNC_SITES_H1_USERNAME", "robot$harbor-sync")
                .containsEntry("HARBOR_SYNC_SITES_H2_PASSWORD",
                        Files.readString(tmp.resolve("secrets/h2-harbor-sync.secret")).strip());
        assertThat(first.detail()).doesNotContain(secret.get("HARBOR_SYNC_SITES_H1_PASSWORD"),
                secret.get("HARBOR_SYNC_ADMIN_TOKEN"));

        f.emulators.values().forEach(e -> e.awaitIdle(java.time.Duration.ofSeconds(5)));
        traffic.clear();
        LabStep.Outcome second = run();

        assertThat(second).isEqualTo(LabStep.Outcome.unchanged());
        f.emulators.values().forEach(e -> e.awaitIdle(java.time.Duration.ofSeconds(5)));
        // the admin's login (POST /c/login) writes nothing to Harbor's data
        assertThat(traffic).noneMatch(x -> WRITES.contains(x.method()) && !x.rawPath().equals("/c/login"));
        assertThat(daemonSecret()).as("the daemon's secret keeps its values").isEqualTo(secret);
    }

    @Test
    void withoutTheAdminPasswordItSaysWhichStepComesFirst() {
        client.secrets().inNamespace("h2").withName(LabNames.ADMIN_SECRET).delete();
        assertThatThrownBy(this::run).isInstanceOf(LabException.class)
                .hasMessageContaining("h2/harbor-admin").hasMessageContaining("lab harbor");
    }
}
