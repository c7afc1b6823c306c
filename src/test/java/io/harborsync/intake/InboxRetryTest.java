package io.harborsync.intake;

import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.emulator.Fault;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

/**
 * A webhook whose reconcile cannot finish (the peer answers 503) is retried with growing delays, set
 * aside as a dead letter after max-attempts, shown in /status, and brought back by the admin API.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class InboxRetryTest {
    static final String TOKEN = "Bearer test-admin-token";

    @Inject
    Sites sites;
    @Inject
    EventInbox inbox;
    @Inject
    EventWorker worker;

    @AfterEach
    void restore() {
        worker.clock(Clock.systemUTC());
        sites.demo().orElseThrow().emulators().forEach(e -> e.faults().clear());
    }

    private long postPush(String project) {
        String body = """
                {"type":"PUSH_ARTIFACT","occur_at":1767864330,"operator":"robot$%s+ci",
                 "event_data":{"resources":[{"digest":"sha256:%s","tag":"1.0","resource_url":"h1.harbor.domain/%s/app:1.0"}],
                 "repository":{"date_created":1767780012,"name":"app","namespace":"%s","repo_full_name":"%s/app","repo_type":"private"}}}
                """.formatted(project, "e".repeat(64), project, project, project);
        String secret = sites.byName("h1").flatMap(Site::webhookSecret).orElseThrow();
        return given().header("Authorization", secret).contentType("application/json").body(body)
                .post("/webhooks/h1").then().statusCode(200).extract().jsonPath().getLong("id");
    }

    @Test
    void failedWorkIsRetriedWithBackoffThenSetAsideAndRevivedByTheAdmin() {
        String p = "retry-" + UUID.randomUUID().toString().substring(0, 8);
        HarborEmulator h1 = sites.demo().orElseThrow().emulators().get(0);
        HarborEmulator h2 = sites.demo().orElseThrow().emulators().get(1);
        sites.client("h1").projects().create(new ProjectReq(p, false, null, null, null, null));
        h2.faults().add(Fault.on("GET", "/api/v2.0/projects.*").status(503));

        long id = postPush(p);
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox.get(id).orElseThrow().attempts() == 1);
        Instant t = Instant.now();
        for (int attempt = 1; attempt < 8; attempt++) {
            InboxEvent e = inbox.get(id).orElseThrow();
            assertThat(e.lastError()).contains("h2");
            assertThat(inbox.due(1000, t)).as("not due before its time").noneMatch(x -> x.id() == id);
            // jump to well after the longest possible delay of this attempt
            t = t.plus(Duration.ofMinutes(6));
            worker.clock(Clock.fixed(t, ZoneOffset.UTC));
            worker.drain();
            assertThat(inbox.get(id).orElseThrow().attempts()).isEqualTo(attempt + 1);
        }
        assertThat(inbox.dead(100)).extracting(InboxEvent::id).contains(id);
        given().header("Authorization", TOKEN).get("/status").then().statusCode(200)
                .body("deadLetters.id", hasItem((int) id));
        assertThat(sites.client("h2").projects().exists(p)).isFalse();

        // the outage ends; an operator retries the dead letter
        h2.faults().clear();
        worker.clock(Clock.systemUTC());
        given().header("Authorization", TOKEN).post("/inbox/dead/" + id + "/retry").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(inbox.pending(1000))
                .noneMatch(x -> x.id() == id));
        assertThat(inbox.dead(100)).noneMatch(x -> x.id() == id);
        assertThat(sites.client("h2").projects().exists(p)).isTrue();
        given().header("Authorization", TOKEN).post("/inbox/dead/" + id + "/retry").then().statusCode(404);
    }

    @Test
    void backoffDoublesWithJitterUpToTheCap() {
        Duration base = Duration.ofSeconds(2);
        Duration max = Duration.ofMinutes(5);
        for (int i = 0; i < 200; i++) {
            assertThat(EventWorker.backoff(1, base, max)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
            assertThat(EventWorker.backoff(3, base, max)).isBetween(Duration.ofMillis(6400), Duration.ofMillis(9600));
            assertThat(EventWorker.backoff(30, base, max)).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));
        }
    }
}
