package io.harborsync.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.harborsync.testsupport.CliRun;
import picocli.CommandLine;

/**
 * {@code harbor-sync lab ...} through picocli, with a fake kind, the Fabric8 mock server, a recording helm and
 * two emulated Harbors standing in for the installed ones (the bootstrap step talks to them).
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
@EnableKubernetesMockClient(crud = true, https = false)
class LabUpTest {
    /** What the harbor step puts into harbor-admin; the emulated Harbors' admin password. */
    static final String ADMIN_PASSWORD = "Harbor12345";
    KubernetesClient client;
    io.harborsync.testsupport.SyncFixture harbors;
    @TempDir
    Path tmp;
    Path bin;
    LabSettings settings;
    RecordingHelm helm = new RecordingHelm();

    record Install(String release, String namespace, String chart, List<Path> values) {
    }

    static final class RecordingHelm implements HelmReleases {
        final List<Install> installs = new ArrayList<>();

        @Override
        public Optional<String> deployedChart(String release, String namespace, String kubeconfig) {
            return installs.stream().filter(i -> i.namespace().equals(namespace) && i.release().equals(release))
                    .map(Install::chart).reduce((a, b) -> b);
        }

        @Override
        public void upgradeInstall(Chart chart, String release, String namespace, List<Path> valuesFiles,
                                   Duration timeout, String kubeconfig) {
            installs.add(new Install(release, namespace, chart.nameAndVersion(), valuesFiles));
        }
    }

    @BeforeEach
    void lab() throws Exception {
        harbors = new io.harborsync.testsupport.SyncFixture(new io.harborsync.testsupport.InMemoryBaseStore(), "h1", "h2");
        bin = Files.createDirectory(tmp.resolve("bin"));
        LabFixture.fakeKind(bin);
        LabFixture.seedKubeSystem(client);
        settings = new LabSettings("harbor-sync-lab", Optional.empty(), Path.of("kind/cluster.yaml"),
                LabFixture.CONTOUR_MANIFEST.toString(), Duration.ofSeconds(20), Duration.ofMillis(50),
                tmp.resolve("cert"), Path.of("ssl/certificate.yaml"), Path.of("deploy/harbor"), Duration.ofMinutes(1));
    }

    @org.junit.jupiter.api.AfterEach
    void closeHarbors() {
        harbors.close();
    }

    CliRun lab(String... args) {
        KindCli kind = new KindCli(Optional.empty(), "/nonexistent:" + bin);
        LabCommand command = new LabCommand();
        command.lab = new Lab(List.of(new ProxyStep(), new HarborStep(helm, Optional.of(ADMIN_PASSWORD)), new TlsStep(),
                new CorednsStep(), new ContourStep(), new ClusterStep(kind),
                new LabBootstrapStep(ns -> harbors.emulator(ns).baseUrl(), tmp.resolve("secrets"))));
        command.settings = settings;
        command.kind = kind;
        command.cluster = new ClusterStep(kind);
        command.contexts = () -> LabContext.of(settings, client, "apiVersion: v1", Clock.systemUTC());
        return CliRun.of(new CommandLine(command), args);
    }

    @Test
    void upRunsEveryStepInOrderAndASecondRunChangesNothing() throws Exception {
        CliRun first;
        try (AutoCloseable controllers = LabFixture.readyController(client)) {
            first = lab("up");
        }

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out().lines()).containsExactly(
                "[1/7] cluster ... created kind cluster harbor-sync-lab",
                "[2/7] contour ... created 4 resources, ready",
                "[3/7] coredns ... patched (hosts -> 10.96.100.100), restarted coredns",
                "[4/7] tls ... generated a new CA and certificate in " + tmp.resolve("cert")
                        + "; secret harbor-tls written in h1, h2, harbor-proxy",
                "[5/7] harbor ... installed harbor-1.19.1 in h1, h2; admin password in secret harbor-admin"
                        + " (key HARBOR_ADMIN_PASSWORD) of h1, h2",
                "[6/7] proxy ... created httpproxy harbor-proxy/harbor, httpproxy h1/harbor, httpproxy h2/harbor",
                "[7/7] bootstrap ... replication with deletions between h1 and h2, robots and webhook policies in"
                        + " place; secret harbor-sync/harbor-sync written for the daemon");
        assertThat(LabFixture.kindCalls(bin)).containsExactly(
                "get clusters", "create cluster --name harbor-sync-lab --config kind/cluster.yaml");
        assertThat(helm.installs).containsExactly(
                new Install("harbor", "h1", "harbor-1.19.1",
                        List.of(Path.of("deploy/harbor/values-common.yaml"), Path.of("deploy/harbor/values-h1.yaml"))),
                new Install("harbor", "h2", "harbor-1.19.1",
                        List.of(Path.of("deploy/harbor/values-common.yaml"), Path.of("deploy/harbor/values-h2.yaml"))));
        assertThat(client.secrets().inNamespace("h2").withName("harbor-admin").get().getStringData())
                .containsEntry("HARBOR_ADMIN_PASSWORD", ADMIN_PASSWORD);
        assertThat(first.out() + first.err()).doesNotContain(ADMIN_PASSWORD);

        // An operator (or failover) switched to h2 meanwhile: lab up must not point the proxy back at h1.
        new io.harborsync.proxy.HttpProxyBackend(client, "harbor-proxy", "harbor", "harbor",
                Map.of("h1", "h1", "h2", "h2")).pointAt("h2");

        CliRun second = lab("up");

        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out().lines()).containsExactly(
                "[1/7] cluster ... already in place",
                "[2/7] contour ... already in place",
                "[3/7] coredns ... already in place",
                "[4/7] tls ... already in place",
                "[5/7] harbor ... already in place",
                "[6/7] proxy ... already in place",
                "[7/7] bootstrap ... already in place");
        assertThat(LabFixture.kindCalls(bin)).containsExactly(
                "get clusters", "create cluster --name harbor-sync-lab --config kind/cluster.yaml", "get clusters");
        assertThat(helm.installs).hasSize(2);
        assertThat(new io.harborsync.proxy.HttpProxyBackend(client, "harbor-proxy", "harbor", "harbor",
                Map.of("h1", "h1", "h2", "h2")).readActive()).contains("h2");
    }

    @Test
    void aFailingStepStopsTheRunWithItsNameAndLaterStepsDoNotRun() throws Exception {
        Files.createFile(bin.resolve("fail"));

        CliRun run = lab("up");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("lab up failed at step 'cluster': kind exited with 1: "
                + "Creating cluster ...\nERROR: failed to create cluster: node could not start");
        assertThat(run.out().lines()).containsExactly("[1/7] cluster ... failed");
        assertThat(client.namespaces().withName("projectcontour").get()).isNull();
        assertThat(helm.installs).isEmpty();
    }

    @Test
    void aStepRunsAloneAndDownDeletesTheCluster() throws Exception {
        CliRun tls = lab("tls");
        assertThat(tls.out()).startsWith("[1/1] tls ... generated a new CA and certificate");
        assertThat(LabFixture.kindCalls(bin)).isEmpty();

        assertThat(lab("down").out().strip()).isEqualTo("no kind cluster harbor-sync-lab: nothing to delete");
        assertThat(lab("cluster").exit()).isZero();
        assertThat(lab("down").out().strip()).isEqualTo("deleted kind cluster harbor-sync-lab");
        assertThat(LabFixture.kindCalls(bin)).endsWith("get clusters", "delete cluster --name harbor-sync-lab");
    }

    @Test
    void withoutKindTheMessageSaysHowToGetIt() {
        KindCli none = new KindCli(Optional.empty(), tmp.resolve("empty").toString());
        LabCommand command = new LabCommand();
        command.lab = new Lab(List.of(new ClusterStep(none)));
        command.settings = settings;
        command.contexts = () -> LabContext.of(settings, client, "", Clock.systemUTC());
        CliRun run = CliRun.of(new CommandLine(command), "up");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("lab up failed at step 'cluster': kind not found on PATH: "
                + KindCli.INSTALL_HINT);
    }
}
