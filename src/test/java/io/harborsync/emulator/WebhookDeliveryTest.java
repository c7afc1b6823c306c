package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.emulator.WebhookReceiver.Received;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookDeliveryTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1", o -> o.withWebhookRetryDelay(Duration.ofMillis(50)));

    static WebhookReceiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @BeforeEach
    void clear() {
        receiver.clear();
    }

    private PlainHarborHttp c() { return h1.client(); }

    private String url(String path) {
        return receiver.url(path);
    }

    private void policy(String project, String name, String path, String format, String auth) {
        HttpResponse<String> r = c().post("projects/" + project + "/webhook/policies", Map.of("name", name, "enabled", true,
                "event_types", List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"),
                "targets", List.of(Map.of("type", "http", "address", url(path), "auth_header", auth, "payload_format", format))));
        assertEquals(201, r.statusCode(), r.body());
    }

    private List<Received> at(String path) {
        return receiver.at(path);
    }

    @Test
    void defaultAndCloudEventsPayloadsWithAuthHeader() {
        long pid = c().createProject("hooks", false);
        policy("hooks", "default", "/default", "Default", "Bearer s3cret");
        policy("hooks", "ce", "/ce", "CloudEvents", "");
        assertEquals(409, c().post("projects/hooks/webhook/policies", Map.of("name", "ce", "event_types", List.of("PUSH_ARTIFACT"),
                "targets", List.of(Map.of("type", "http", "address", url("/x"))))).statusCode());
        long ceId = json(c().get("projects/hooks/webhook/policies")).get(1).get("id").asLong();

        String digest = h1.emulator().pushArtifact("hooks", "app/web", null, "1.4.2");
        await().atMost(Duration.ofSeconds(5)).until(() -> at("/default").size() == 1 && at("/ce").size() == 1);

        Received d = at("/default").get(0);
        assertEquals(List.of("application/json"), d.headers().get("Content-type"));
        assertEquals(List.of("Bearer s3cret"), d.headers().get("Authorization"));
        assertEquals("PUSH_ARTIFACT", d.body().get("type").asText());
        assertEquals("admin", d.body().get("operator").asText());
        JsonNode res = d.body().get("event_data").get("resources").get(0);
        assertEquals(digest, res.get("digest").asText());
        assertEquals("1.4.2", res.get("tag").asText());
        assertEquals("h1.harbor.domain/hooks/app/web:1.4.2", res.get("resource_url").asText());
        JsonNode repo = d.body().get("event_data").get("repository");
        assertEquals(List.of("date_created", "name", "namespace", "repo_full_name", "repo_type"), fieldNames(repo));
        assertEquals("app/web", repo.get("name").asText());
        assertEquals("hooks", repo.get("namespace").asText());
        assertEquals("private", repo.get("repo_type").asText());

        Received ce = at("/ce").get(0);
        assertEquals(List.of("application/cloudevents+json"), ce.headers().get("Content-type"));
        assertFalse(ce.headers().containsKey("Authorization"), "no Authorization without auth_header");
        assertEquals(List.of("specversion", "id", "source", "type", "datacontenttype", "time", "data", "operator", "requestid"),
                fieldNames(ce.body()));
        assertEquals("/projects/" + pid + "/webhook/policies/" + ceId, ce.body().get("source").asText());
        assertEquals("harbor.artifact.pushed", ce.body().get("type").asText());
        assertEquals(digest, ce.body().get("data").get("resources").get(0).get("digest").asText());

        // a delete through the API carries the caller's X-Request-Id into CloudEvents' requestid
        receiver.clear();
        assertEquals(200, c().send(c().request("DELETE", "projects/hooks/repositories/app%252Fweb/artifacts/1.4.2", null)
                .header("X-Request-Id", "harbor-sync-7")).statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> at("/ce").size() == 1 && at("/default").size() == 1);
        assertEquals("harbor.artifact.deleted", at("/ce").get(0).body().get("type").asText());
        assertEquals("harbor-sync-7", at("/ce").get(0).body().get("requestid").asText());
        assertEquals("DELETE_ARTIFACT", at("/default").get(0).body().get("type").asText());
    }

    @Test
    void repositoryDeleteFiresOneDeletePerArtifactWithoutDateCreated() {
        c().createProject("repodel", false);
        policy("repodel", "d", "/repodel", "Default", "");
        h1.emulator().pushArtifact("repodel", "tools/builder", null);
        h1.emulator().pushArtifact("repodel", "tools/builder", null, "v1", "v2");
        await().atMost(Duration.ofSeconds(5)).until(() -> at("/repodel").size() == 2);
        receiver.clear();
        assertEquals(200, c().delete("projects/repodel/repositories/tools%252Fbuilder").statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> at("/repodel").size() == 2);
        for (Received r : at("/repodel")) {
            assertEquals("DELETE_ARTIFACT", r.body().get("type").asText());
            assertFalse(r.body().get("event_data").get("repository").has("date_created"));
        }
        JsonNode untagged = at("/repodel").stream().map(Received::body)
                .filter(b -> b.get("event_data").get("resources").get(0).get("tag").asText().startsWith("sha256:")).findFirst().orElseThrow();
        JsonNode res = untagged.get("event_data").get("resources").get(0);
        assertTrue(res.get("resource_url").asText().contains("@sha256:"), "untagged: tag = digest, URL uses @digest");
    }

    @Test
    void failingReceiverGetsThreeAttemptsThenTheJobIsDropped() {
        c().createProject("retry", false);
        policy("retry", "f", "/fail", "Default", "");
        receiver.failed.set(0);
        h1.emulator().pushArtifact("retry", "app", null, "1");
        await().atMost(Duration.ofSeconds(5)).until(() -> h1.emulator().webhookDeliveries().stream()
                .anyMatch(d -> d.address().endsWith("/fail")));
        WebhookDelivery d = h1.emulator().webhookDeliveries().stream().filter(x -> x.address().endsWith("/fail")).findFirst().orElseThrow();
        assertEquals(3, d.attempts());
        assertEquals(500, d.status());
        assertFalse(d.delivered());
        assertEquals(3, receiver.failed.get());
        assertEquals(3, at("/fail").size());
        assertEquals(at("/fail").get(0).body(), at("/fail").get(2).body(), "retries resend the same body");
    }

    @Test
    void disabledPolicyAndUnsupportedEventType() {
        c().createProject("quiet", false);
        assertEquals(400, c().post("projects/quiet/webhook/policies", Map.of("name", "bad", "event_types", List.of("CREATE_PROJECT"),
                "targets", List.of(Map.of("type", "http", "address", url("/q"))))).statusCode(), "internal topics are not webhook events");
        assertEquals(201, c().post("projects/quiet/webhook/policies", Map.of("name", "off", "enabled", false,
                "event_types", List.of("PUSH_ARTIFACT"), "targets", List.of(Map.of("type", "http", "address", url("/off"))))).statusCode());
        JsonNode events = json(c().get("projects/quiet/webhook/events"));
        assertTrue(events.get("event_type").toString().contains("DELETE_ARTIFACT"));
        int before = h1.emulator().webhookDeliveries().size();
        h1.emulator().pushArtifact("quiet", "app", null, "1");
        assertEquals(before, h1.emulator().webhookDeliveries().size());
        assertTrue(at("/off").isEmpty());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
