package io.harborsync.ha;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.harborsync.config.ConfigProblem;
import io.harborsync.harbor.HarborModel;
import io.harborsync.sites.Sites;
import io.harborsync.store.EventInbox;
import io.harborsync.store.LeaderFence;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The daemon's role in one running application (demo mode: H2, two emulated Harbors): the single replica leads;
 * with an election the test controls, a replica whose lease ran out sends no write, one that another replica
 * took over from steps down at its next batch, and a follower stores webhooks, works none of them off and
 * forwards the leader's admin calls (or refuses them when no leader is known).
 */
@QuarkusTest
class LeadershipTest {
    static final String TOKEN = "Bearer test-admin-token";

    @Inject
    Leadership leadership;
    @Inject
    LeaderFence fence;
    @Inject
    Sites sites;
    @Inject
    EventInbox inbox;

    /** An election whose lease the test sets: "frozen" is a lease end in the past. */
    static final class Controlled implements Election {
        volatile long until = Long.MIN_VALUE;
        volatile Listener listener;
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void start(Listener l) {
            listener = l;
        }

        void win() {
            until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            listener.acquired();
        }

        @Override
        public long leaderUntilNanos() {
            return until;
        }

        @Override
        public String describe() {
            return "controlled by the test";
        }

        @Override
        public void close() {
            closed.incrementAndGet();
            until = Long.MIN_VALUE;
        }
    }

    @AfterEach
    void singleReplicaAgain() {
        leadership.restartWith(SingleReplica::new);
        await().atMost(Duration.ofSeconds(5)).until(leadership::isLeader);
    }

    @Test
    void theSingleReplicaLeadsAndSaysSoInStatusReadinessAndMetrics() {
        assertThat(leadership.isLeader()).isTrue();
        RestAssured.given().header("Authorization", TOKEN).get("/status").then().statusCode(200)
                .body("ha.role", equalTo("leader"))
                .body("ha.election", equalTo("single replica (H2 store)"))
                .body("ha.leader.id", equalTo(leadership.replica()));
        RestAssured.get("/q/health/ready").then()
                .body("checks.find { it.name == 'leadership' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'leadership' }.data.role", equalTo("leader"));
        RestAssured.get("/q/metrics").then().body(containsString("harborsync_leader 1.0"));
    }

    @Test
    void aReplicaWhoseLeaseRanOutSendsNoWriteButStillReads() {
        Controlled e = new Controlled();
        leadership.restartWith(() -> e);
        e.win();
        assertThat(leadership.isLeader()).isTrue();
        e.until = System.nanoTime() - 1; // frozen past its lease: its own clock says so before anything else

        assertThat(leadership.isLeader()).isFalse();
        var h1 = sites.client("h1");
        assertThatThrownBy(() -> h1.projects().create(new HarborModel.ProjectReq("fenced-" + System.nanoTime(),
                null, null, null, null, null)))
                .isInstanceOf(NotLeaderException.class).hasMessageContaining("was not sent");
        assertThat(h1.systemInfo()).as("reads are not fenced").isNotNull();
        // its own admin calls: no leader elsewhere is known (the fence row names this replica), so a clear 503
        RestAssured.given().header("Authorization", TOKEN).post("/sync").then().statusCode(503)
                .header("Retry-After", "2").contentType("application/problem+json")
                .body("detail", containsString("no leader is known"));
        RestAssured.get("/q/metrics").then().body(containsString("harborsync_leader 0.0"));
    }

    @Test
    void whenAnotherReplicaTookOverThisOneStepsDownAtItsNextBatchAndForwardsToIt() {
        WireMockServer other = new WireMockServer(options().dynamicPort());
        other.start();
        try {
            other.stubFor(post(urlEqualTo("/sync?dryRun=true")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody("{\"answeredBy\":\"other\"}")));
            Controlled e = new Controlled();
            leadership.restartWith(() -> e);
            e.win();
            long mine = fence.current().epoch();
            long changesBefore = leadership.changes();
            fence.advance("replica-b", "http://localhost:" + other.port()); // elected elsewhere meanwhile

            assertThatThrownBy(leadership::checkBatch).isInstanceOf(NotLeaderException.class)
                    .hasMessageContaining("replica-b took over");
            assertThat(fence.current().epoch()).isGreaterThan(mine);
            assertThat(leadership.isLeader()).isFalse();
            assertThat(leadership.changes()).isEqualTo(changesBefore + 1);
            assertThat(e.closed.get()).as("its election starts over").isPositive();

            RestAssured.given().header("Authorization", TOKEN).post("/sync?dryRun=true").then().statusCode(200)
                    .header("X-Harbor-Sync-Replica", "replica-b").body("answeredBy", equalTo("other"));
            other.verify(postRequestedFor(urlEqualTo("/sync?dryRun=true"))
                    .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo(TOKEN))
                    .withHeader("X-Harbor-Sync-Forwarded-By",
                            com.github.tomakehurst.wiremock.client.WireMock.equalTo(leadership.replica())));
            // a request another replica forwarded is never forwarded again: this one answers, and refuses the work
            RestAssured.given().header("Authorization", TOKEN).header("X-Harbor-Sync-Forwarded-By", "replica-b")
                    .post("/sync").then().statusCode(503).body("detail", containsString("not the leader"));
            // what every replica answers itself
            RestAssured.given().header("Authorization", TOKEN).get("/status").then().statusCode(200)
                    .body("ha.role", equalTo("follower")).body("ha.leader.id", equalTo("replica-b"))
                    .body("ha.leader.url", equalTo("http://localhost:" + other.port()));
        } finally {
            other.stop();
        }
    }

    @Test
    void aFollowerTakesWebhooksInAndLeavesThemToTheLeader() {
        Controlled e = new Controlled();
        leadership.restartWith(() -> e); // never wins: a follower
        long before = inbox.pendingCount();
        String body = """
                {"type":"DELETE_ARTIFACT","occur_at":1767864912,"operator":"alice","event_data":{
                 "resources":[{"digest":"sha256:%s","tag":"v1","resource_url":"h1.harbor.domain/library/app:v1"}],
                 "repository":{"name":"app","namespace":"library","repo_full_name":"library/app","repo_type":"public"}}}
                """.formatted("ab".repeat(32));
        RestAssured.given().header("Authorization", webhookSecret()).contentType("application/json").body(body)
                .post("/webhooks/h1").then().statusCode(200);
        assertThat(inbox.pendingCount()).as("stored for the leader").isEqualTo(before + 1);
        // the leader (this replica again, after the test) works it off
        leadership.restartWith(SingleReplica::new);
        await().atMost(Duration.ofSeconds(20)).until(() -> inbox.pendingCount() == before);
    }

    private String webhookSecret() {
        return sites.byName("h1").orElseThrow().webhookSecret().orElseThrow();
    }

    @Test
    void theElectionModeFollowsTheStoreAndRefusesWhatCannotWork() {
        assertThat(Leadership.mode("auto", false, false)).isEqualTo("none");
        assertThat(Leadership.mode("auto", false, true)).as("H2 in a pod is still one replica").isEqualTo("none");
        assertThat(Leadership.mode("auto", true, true)).isEqualTo("kubernetes");
        assertThat(Leadership.mode("auto", true, false)).isEqualTo("postgres");
        assertThat(Leadership.mode(" Postgres ", true, true)).isEqualTo("postgres");
        assertThatThrownBy(() -> Leadership.mode("kubernetes", false, true)).isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("the H2 store is single-replica");
        assertThatThrownBy(() -> Leadership.mode("none", true, false)).isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("two of them would write");
        assertThatThrownBy(() -> Leadership.mode("zookeeper", true, false)).isInstanceOf(ConfigProblem.class)
                .hasMessage("harbor-sync.ha.election: 'zookeeper' is not one of auto, kubernetes, postgres, none");
        assertThatThrownBy(() -> PostgresLockElection.check(Duration.ofSeconds(3), Duration.ofSeconds(2)))
                .isInstanceOf(ConfigProblem.class).hasMessageContaining("at most half of lease-duration");
        PostgresLockElection.check(Duration.ofSeconds(15), Duration.ofSeconds(2)); // the defaults
    }
}
