package io.harborsync.sync;

import io.harborsync.web.MetricsAndConfigTest;

import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.emulator.Fault;
import io.harborsync.store.EventInbox;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** A burst beyond harbor-sync.inbox.max-pending is refused with 503 + Retry-After (Harbor retries), not dropped. */
@QuarkusTest
@TestProfile(InboxBackpressureTest.SmallInbox.class)
@io.harborsync.testsupport.HarborSpecChecked
class InboxBackpressureTest {
    static final int MAX_PENDING = 3;

    public static class SmallInbox implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("harbor-sync.inbox.max-pending", Integer.toString(MAX_PENDING));
        }
    }

    @Inject
    Sites sites;
    @Inject
    EventInbox inbox;

    private io.restassured.response.ValidatableResponse post(int n) {
        String body = """
                {"type":"DELETE_ARTIFACT","occur_at":1767864330,"operator":"alice",
                 "event_data":{"resources":[{"digest":"sha256:%064d","tag":"1.0"}],
                 "repository":{"name":"app","namespace":"burst-%d","repo_full_name":"burst-%d/app","repo_type":"private"}}}
                """.formatted(n, n, n);
        return given().header("Authorization", sites.byName("h1").flatMap(Site::webhookSecret).orElseThrow())
                .contentType("application/json").body(body).post("/webhooks/h1").then();
    }

    @Test
    void aBurstPastTheBoundIsRefusedWithRetryAfter() {
        // the peer is down: accepted work stays pending (scheduled for retry)
        sites.demo().orElseThrow().emulators().get(1).faults().add(Fault.on("GET", "/api/v2.0/.*").status(503));
        try {
            for (int i = 0; i < MAX_PENDING; i++) {
                post(i).statusCode(200);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.pendingCount() == MAX_PENDING);
            java.util.Map<String, String> busy = java.util.Map.of("site", "h1", "outcome", "rejected", "reason", "busy");
            double refusedBefore = MetricsAndConfigTest.value(MetricsAndConfigTest.scrape(),
                    "harborsync_webhook_events_total", busy);
            String retryAfter = post(MAX_PENDING).statusCode(503).header("Retry-After", "30")
                    .contentType(startsWith("application/problem+json")).body("status", is(503))
                    .extract().header("Retry-After");
            assertThat(inbox.pendingCount()).as("the refused event was not stored").isEqualTo(3);
            String metrics = MetricsAndConfigTest.scrape();
            assertThat(MetricsAndConfigTest.value(metrics, "harborsync_webhook_events_total", busy))
                    .as("the refusal is counted").isEqualTo(refusedBefore + 1);
            assertThat(metrics).contains("harborsync_inbox_pending 3.0");
            io.harborsync.testsupport.ReliabilityFigures.record("backpressure", "sync.InboxBackpressureTest",
                    Map.of("maxPending", MAX_PENDING, "accepted", MAX_PENDING, "refusedStatus", 503,
                            "retryAfter", retryAfter, "pendingAfter", inbox.pendingCount()));
        } finally {
            sites.demo().orElseThrow().emulators().get(1).faults().clear();
        }
    }
}
