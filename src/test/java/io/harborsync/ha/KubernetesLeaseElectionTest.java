package io.harborsync.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.harborsync.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes Lease election against the Fabric8 mock API server (CRUD mode: the Lease is really stored,
 * created, patched and read back), with short durations: lease 2s, renew deadline 1.5s, retry 200ms.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesLeaseElectionTest {
    static final String NS = "ha-test";
    static final String NAME = "harbor-sync";
    static final Duration LEASE = Duration.ofSeconds(4); // long enough that a loaded CI machine renews in time
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(3);
    static final Duration RETRY = Duration.ofMillis(200);
    static final String LEASE_PATH = "/apis/coordination.k8s.io/v1/namespaces/" + NS + "/leases/" + NAME;

    KubernetesClient client;
    KubernetesMockServer server;
    final List<KubernetesLeaseElection> elections = new ArrayList<>();

    /** What an election told its listener, in order; fails the test's checks if two calls overlapped. */
    static final class Recorder implements Election.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger inside = new AtomicInteger();
        volatile boolean overlapped;

        private void record(String event) {
            if (inside.incrementAndGet() > 1) {
                overlapped = true;
            }
            try {
                threads.add(Thread.currentThread().getName());
                events.add(event);
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public void acquired() {
            record("acquired");
        }

        @Override
        public void lost(String why) {
            record("lost: " + why);
        }

        @Override
        public void leaderSeen(String identity) {
            record("seen: " + identity);
        }

        long count(String prefix) {
            return events.stream().filter(e -> e.startsWith(prefix)).count();
        }
    }

    record Started(KubernetesLeaseElection election, Recorder events) {
    }

    Started start(String identity) {
        return start(identity, ha(Optional.of(NS)));
    }

    Started start(String identity, HaConfig config) {
        KubernetesLeaseElection e = new KubernetesLeaseElection(client, config, identity);
        elections.add(e);
        Recorder r = new Recorder();
        e.start(r);
        return new Started(e, r);
    }

    @AfterEach
    void closeAll() {
        elections.forEach(KubernetesLeaseElection::close);
    }

    Lease lease() {
        return client.resources(Lease.class).inNamespace(NS).withName(NAME).get();
    }

    /** True when a leaderUntilNanos() value is still ahead (MIN_VALUE never is: minus now it would wrap). */
    static boolean inFuture(long nanos) {
        return nanos != Long.MIN_VALUE && nanos - System.nanoTime() > 0;
    }

    @Test
    void ofTwoReplicasExactlyOneLeadsAndTheOtherSeesIt() {
        Started a = start("replica-a");
        Started b = start("replica-b");

        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.events().count("acquired") + b.events().count("acquired") >= 1);
        Started leader = a.events().count("acquired") == 1 ? a : b;
        Started follower = leader == a ? b : a;
        String leaderId = leader == a ? "replica-a" : "replica-b";

        await().atMost(Duration.ofSeconds(5)).until(() -> follower.events().events.contains("seen: " + leaderId));
        // several renewals and follower retries later, still one leader
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() ->
                follower.events().count("acquired") == 0 && leader.events().count("acquired") == 1
                        && leader.events().count("lost") == 0);

        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leaderId);
        assertThat(inFuture(leader.election().leaderUntilNanos())).isTrue();
        assertThat(follower.election().leaderUntilNanos()).isEqualTo(Long.MIN_VALUE);
        assertThat(a.events().overlapped || b.events().overlapped).as("listener calls overlapped").isFalse();
        assertThat(a.events().threads).allMatch(t -> t.startsWith("harbor-sync-lease-"));
    }

    @Test
    void leaderUntilIsWithinOneLeaseAheadAndMovesForwardWithRenewals() {
        Started a = start("replica-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.events().count("acquired") == 1);

        long first = a.election().leaderUntilNanos();
        long now = System.nanoTime();
        assertThat(first - now).isPositive().isLessThanOrEqualTo(LEASE.toNanos());
        ZonedDateTime renewed = lease().getSpec().getRenewTime();

        await().atMost(Duration.ofSeconds(2)).until(() -> a.election().leaderUntilNanos() - first > 0);
        await().atMost(Duration.ofSeconds(2)).until(() -> lease().getSpec().getRenewTime().isAfter(renewed));
        // it keeps moving: after more than a lease, it is still ahead
        AtomicLong last = new AtomicLong(a.election().leaderUntilNanos());
        await().during(LEASE.plusMillis(500)).atMost(LEASE.plusSeconds(2)).until(() -> {
            long u = a.election().leaderUntilNanos();
            boolean ok = inFuture(u) && u - last.get() >= 0;
            last.set(u);
            return ok;
        });
        assertThat(a.events().count("lost")).isZero();
    }

    @Test
    void closingTheLeaderGivesTheLeaseToTheOtherAtOnce() {
        // a long lease: without the release b could not lead for 20 s, so a takeover within half of it (a bound
        // that holds on a loaded machine) can only come from a giving the Lease back
        Duration longLease = Duration.ofSeconds(20);
        HaConfig config = ha(Optional.of(NS), longLease, Duration.ofSeconds(15));
        Started a = start("replica-a", config);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.events().count("acquired") == 1);
        Started b = start("replica-b", config);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.events().events.contains("seen: replica-a"));

        long closing = System.nanoTime();
        a.election().close();
        assertThat(a.election().leaderUntilNanos()).isEqualTo(Long.MIN_VALUE);
        assertThat(a.events().events).contains("lost: stopped"); // delivered before close returned

        Duration takeover = longLease.dividedBy(2);
        await().atMost(takeover).until(() -> b.events().count("acquired") == 1);
        assertThat(System.nanoTime() - closing).isLessThan(takeover.toNanos());
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-b");
        assertThat(inFuture(b.election().leaderUntilNanos())).isTrue();
        assertThat(a.events().count("acquired")).isEqualTo(1);
    }

    @Test
    void aLeaderWhoseLeaseIsTakenLosesAndCampaignsAgain() {
        Started a = start("replica-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.events().count("acquired") == 1);

        // another writer takes the Lease over (as a replica would once it saw it run out)
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        client.resources(Lease.class).inNamespace(NS).withName(NAME).edit(l -> new LeaseBuilder(l).editSpec()
                .withHolderIdentity("someone-else").withAcquireTime(now).withRenewTime(now).withLeaseTransitions(3)
                .endSpec().build());

        await().atMost(Duration.ofSeconds(2)).until(() -> a.events().count("lost") == 1);
        assertThat(a.election().leaderUntilNanos()).isEqualTo(Long.MIN_VALUE);
        assertThat(a.events().events).contains("seen: someone-else");
        // its new campaign does not take a lease that someone else holds and that has not run out...
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(2)).until(() ->
                "someone-else".equals(lease().getSpec().getHolderIdentity())
                        && a.election().leaderUntilNanos() == Long.MIN_VALUE);
        // ...and takes it once that one stopped renewing it for a lease duration
        await().atMost(LEASE.plusSeconds(3)).until(() -> a.events().count("acquired") == 2);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
        assertThat(inFuture(a.election().leaderUntilNanos())).isTrue();
        assertThat(a.events().overlapped).isFalse();
    }

    @Test
    void aLeaderWhoseRenewalsFailStopsAdvancingAndLosesBeforeItsLeaseRunsOut() {
        Started a = start("replica-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.events().count("acquired") == 1);
        // the API server stops accepting the Lease's updates (reads still work)
        server.expect().patch().withPath(LEASE_PATH)
                .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd is down").build()).always();
        server.expect().put().withPath(LEASE_PATH)
                .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd is down").build()).always();
        long cut = System.nanoTime(); // no write of the Lease started after this succeeds
        AtomicBoolean beyond = new AtomicBoolean();
        AtomicBoolean heldPastLease = new AtomicBoolean();
        await().atMost(LEASE.plusSeconds(1)).until(() -> {
            long u = a.election().leaderUntilNanos();
            long now = System.nanoTime();
            beyond.compareAndSet(false, u != Long.MIN_VALUE && u - (cut + LEASE.toNanos()) > 0);
            heldPastLease.compareAndSet(false, now - (cut + LEASE.toNanos()) > 0 && inFuture(u));
            return a.events().count("lost") == 1;
        });
        assertThat(beyond).as("leaderUntil went past the last renewal that could succeed plus the lease").isFalse();
        assertThat(heldPastLease).as("leaderUntil still ahead a lease after the updates failed").isFalse();
        assertThat(a.election().leaderUntilNanos()).isEqualTo(Long.MIN_VALUE);
        // its next campaign reads a Lease that still names it, but must write it before it leads again
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(2)).until(() ->
                a.events().count("acquired") == 1 && a.election().leaderUntilNanos() == Long.MIN_VALUE);
    }

    @Test
    void theNamespaceIsTheConfiguredOneElseThePodsElseHarborSync(@TempDir Path tmp) throws Exception {
        Path none = tmp.resolve("missing");
        Path pod = Files.writeString(tmp.resolve("namespace"), "team-a\n");
        Path empty = Files.writeString(tmp.resolve("empty"), " \n");

        assertThat(KubernetesLeaseElection.namespace(Optional.of(" ops "), pod)).isEqualTo("ops");
        assertThat(KubernetesLeaseElection.namespace(Optional.of(" "), pod)).isEqualTo("team-a");
        assertThat(KubernetesLeaseElection.namespace(Optional.empty(), pod)).isEqualTo("team-a");
        assertThat(KubernetesLeaseElection.namespace(Optional.empty(), none)).isEqualTo("harbor-sync");
        assertThat(KubernetesLeaseElection.namespace(Optional.empty(), empty)).isEqualTo("harbor-sync");
        assertThat(KubernetesLeaseElection.POD_NAMESPACE)
                .isEqualTo(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace"));
    }

    @Test
    void describeNamesTheLease() {
        KubernetesLeaseElection e = new KubernetesLeaseElection(client, ha(Optional.of(NS)), "replica-a");
        elections.add(e);
        assertThat(e.describe()).isEqualTo("Kubernetes Lease ha-test/harbor-sync");
        assertThat(e.leaderUntilNanos()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void durationsThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> new KubernetesLeaseElection(client, NS, NAME, "r", Duration.ofSeconds(2),
                Duration.ofSeconds(2), RETRY)).isInstanceOf(ConfigProblem.class).hasMessageContaining("lease-duration");
        assertThatThrownBy(() -> new KubernetesLeaseElection(client, NS, NAME, "r", LEASE, RENEW_DEADLINE,
                RENEW_DEADLINE)).isInstanceOf(ConfigProblem.class).hasMessageContaining("retry-period");
    }

    @Test
    void theLeaseClientDoesNotRetryAFailedRequest() {
        String path = "/apis/coordination.k8s.io/v1/namespaces/" + NS + "/leases/failing";
        server.expect().get().withPath(path)
                .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd is down").build()).always();
        KubernetesClient lease = KubernetesLeaseElection.leaseClient(client, LEASE, RENEW_DEADLINE);
        int before = server.getRequestCount();
        assertThatThrownBy(() -> lease.resources(Lease.class).inNamespace(NS).withName("failing").get())
                .isInstanceOf(KubernetesClientException.class);
        assertThat(server.getRequestCount() - before).as("requests sent").isEqualTo(1);
    }

    static HaConfig ha(Optional<String> namespace) {
        return ha(namespace, LEASE, RENEW_DEADLINE);
    }

    static HaConfig ha(Optional<String> namespace, Duration leaseDuration, Duration renewDeadline) {
        return new HaConfig() {
            @Override
            public String election() {
                return "kubernetes";
            }

            @Override
            public Duration leaseDuration() {
                return leaseDuration;
            }

            @Override
            public Duration renewDeadline() {
                return renewDeadline;
            }

            @Override
            public Duration retryPeriod() {
                return RETRY;
            }

            @Override
            public String leaseName() {
                return NAME;
            }

            @Override
            public Optional<String> leaseNamespace() {
                return namespace;
            }

            @Override
            public Optional<String> replicaId() {
                return Optional.empty();
            }

            @Override
            public Optional<String> advertiseUrl() {
                return Optional.empty();
            }

            @Override
            public String inboxPoll() {
                return "1s";
            }
        };
    }
}
