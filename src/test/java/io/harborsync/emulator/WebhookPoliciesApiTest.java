package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.emulator.WebhookReceiver.Received;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static io.harborsync.testsupport.PlainHarborHttp.message;
import static io.harborsync.testsupport.PlainHarborHttp.keys;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook policies created by users and what they deliver, as real Harbor v2.15.2 did (observations §7, §8). */
class WebhookPoliciesApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    static WebhookReceiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private PlainHarborHttp c() { return h1.client(); }

    private String url(String path) {
        return receiver.url(path);
    }

    private List<Received> at(String path) {
        return receiver.at(path);
    }

    private static Map<String, Object> target(String address, String format, String auth) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", "http");
        t.put("address", address);
        if (format != null) t.put("payload_format", format);
        if (auth != null) t.put("auth_header", auth);
        return t;
    }

    private static Map<String, Object> policy(String name, Boolean enabled, List<String> events, List<Map<String, Object>> targets) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (name != null) m.put("name", name);
        if (enabled != null) m.put("enabled", enabled);
        if (events != null) m.put("event_types", events);
        m.put("targets", targets);
        return m;
    }

    private long create(String project, Map<String, Object> body) {
        HttpResponse<String> r = c().post("projects/" + project + "/webhook/policies", body);
        assertEquals(201, r.statusCode(), r.body());
        String loc = r.headers().firstValue("Location").orElseThrow();
        assertTrue(loc.startsWith("/api/v2.0/projects/" + project + "/webhook/policies/"), loc);
        return Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));
    }

    @Test
    void enabledOmittedIsStoredFalseAndDeliversNothing() {
        c().createProject("wp-off", false);
        long off = create("wp-off", policy("off", null, List.of("PUSH_ARTIFACT"), List.of(target(url("/wp-off/quiet"), null, null))));
        assertFalse(json(c().get("projects/wp-off/webhook/policies/" + off)).get("enabled").asBoolean());
        create("wp-off", policy("on", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/wp-off/loud"), null, null))));
        h1.emulator().pushArtifact("wp-off", "app", null, "v1");
        await().atMost(Duration.ofSeconds(5)).until(() -> at("/wp-off/loud").size() == 1);
        assertTrue(at("/wp-off/quiet").isEmpty());
    }

    @Test
    void aNamelessPolicyWithTwoTargetsDeliversToBoth() {
        long pid = c().createProject("wp-two", false);
        long id = create("wp-two", policy(null, true, List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"),
                List.of(target(url("/wp-two/default"), "Default", "Bearer s3cret"), target(url("/wp-two/ce"), "CloudEvents", null))));
        assertFalse(json(c().get("projects/wp-two/webhook/policies/" + id)).has("name"));
        String digest = h1.emulator().pushArtifact("wp-two", "app", null, "v1");
        await().atMost(Duration.ofSeconds(5)).until(() -> at("/wp-two/default").size() == 1 && at("/wp-two/ce").size() == 1);
        Received d = at("/wp-two/default").get(0);
        assertEquals(List.of("Bearer s3cret"), d.headers().get("Authorization"), "auth_header verbatim");
        assertEquals(List.of("application/json"), d.headers().get("Content-type"));

        assertEquals(200, c().send(c().request("DELETE", "projects/wp-two/repositories/app/artifacts/" + digest, null)
                .header("X-Request-Id", "wp-two-rid")).statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> at("/wp-two/ce").size() == 2);
        Received ce = at("/wp-two/ce").get(1);
        assertEquals(List.of("application/cloudevents+json"), ce.headers().get("Content-type"));
        assertFalse(ce.headers().containsKey("Authorization"));
        assertEquals(List.of("specversion", "id", "source", "type", "datacontenttype", "time", "data", "operator", "requestid"), keys(ce.body()));
        assertEquals("/projects/" + pid + "/webhook/policies/" + id, ce.body().get("source").asText());
        assertEquals("wp-two-rid", ce.body().get("requestid").asText(), "the triggering request's X-Request-Id");
    }

    @Test
    void duplicateNamesConflictOnCreateAndOnRename() {
        c().createProject("wp-dup", false);
        create("wp-dup", policy("fid-hook", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), null, null))));
        long other = create("wp-dup", policy("other", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), null, null))));
        HttpResponse<String> dup = c().post("projects/wp-dup/webhook/policies",
                policy("fid-hook", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), null, null))));
        assertEquals(409, dup.statusCode());
        assertEquals("notification policy named fid-hook already exists", message(dup));
        HttpResponse<String> rename = c().put("projects/wp-dup/webhook/policies/" + other,
                policy("fid-hook", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), null, null))));
        assertEquals(409, rename.statusCode());
        create("wp-dup", policy(null, true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), null, null))));
        create("wp-dup", policy(null, true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), null, null))));
    }

    @Test
    void rejectedWithRealHarborsMessages() {
        c().createProject("wp-bad", false);
        Map<String, Object> slack = target("https://hooks.slack.com/x", "Default", null);
        slack.put("type", "slack");
        Map<String, Object> email = target(url("/x"), null, null);
        email.put("type", "email");
        Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
        cases.put(policy("b1", true, List.of("PUSH_ARTIFACT"), List.of(slack)), "set payload format is not allowed for slack");
        cases.put(policy("b2", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), "Bogus", null))), "unsupported payload format type: Bogus");
        cases.put(policy("b3", true, List.of("push_artifact"), List.of(target(url("/x"), null, null))), "unsupported event type push_artifact");
        cases.put(policy("b4", true, List.of("CREATE_PROJECT"), List.of(target(url("/x"), null, null))), "unsupported event type CREATE_PROJECT");
        cases.put(policy("b5", true, List.of(), List.of(target(url("/x"), null, null))), "empty event type");
        cases.put(policy("b6", true, List.of("PUSH_ARTIFACT"), List.of()), "empty notification target with policy b6");
        cases.put(policy("b7", true, List.of("PUSH_ARTIFACT"), List.of(target("not a url", null, null))),
                "parse \"http://not a url\": invalid character \" \" in host name");
        cases.put(policy("b8", true, List.of("PUSH_ARTIFACT"), List.of(target("ftp://127.0.0.1/x", null, null))), "invalid scheme: ftp");
        cases.put(policy("b9", true, List.of("PUSH_ARTIFACT"), List.of(email)), "unsupported target type email with policy b9");
        cases.put(policy("b10", true, List.of("PUSH_ARTIFACT"), List.of(target(" ", null, null))), "empty URL");
        cases.forEach((body, expected) -> {
            HttpResponse<String> r = c().post("projects/wp-bad/webhook/policies", body);
            assertEquals(400, r.statusCode(), body.toString());
            assertEquals(expected, message(r));
        });
        assertEquals(0, json(c().get("projects/wp-bad/webhook/policies")).size());
    }

    @Test
    void putReplacesTheWholePolicyZeroesCreationTimeAndKeepsUpdateTime() {
        c().createProject("wp-put", false);
        Map<String, Object> body = policy("p", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/x"), null, "Bearer a")));
        body.put("description", "d");
        long id = create("wp-put", body);
        String path = "projects/wp-put/webhook/policies/" + id;
        JsonNode before = json(c().get(path));
        assertNotEquals("0001-01-01T00:00:00.000Z", before.get("creation_time").asText());

        assertEquals(200, c().put(path, policy("p", null, List.of("DELETE_ARTIFACT"), List.of(target(url("/y"), null, null)))).statusCode());
        JsonNode after = json(c().get(path));
        assertFalse(after.get("enabled").asBoolean(), "enabled absent: false");
        assertFalse(after.has("description"), "description absent: cleared");
        assertEquals("[\"DELETE_ARTIFACT\"]", after.get("event_types").toString());
        assertEquals("0001-01-01T00:00:00.000Z", after.get("creation_time").asText());
        assertEquals(before.get("update_time").asText(), after.get("update_time").asText(), "update_time not bumped");

        HttpResponse<String> noEvents = c().put(path, policy("p", true, null, List.of(target(url("/y"), null, null))));
        assertEquals(400, noEvents.statusCode());
        assertEquals("empty event type", message(noEvents));
        HttpResponse<String> gone = c().get("projects/wp-put/webhook/policies/99999999");
        assertEquals(404, gone.statusCode());
        assertEquals("notificationPolicy 99999999 not found", message(gone));
    }

    @Test
    void shapeHasNoCreatorAndOmitsEmptyTargetFields() {
        long pid = c().createProject("wp-shape", false);
        Map<String, Object> skip = target(url("/s"), "Default", "Bearer z");
        skip.put("skip_cert_verify", true);
        Map<String, Object> body = policy("shape", true, List.of("PUSH_ARTIFACT"), List.of(target(url("/plain?token=x"), null, null), skip));
        body.put("description", "d");
        long id = create("wp-shape", body);
        JsonNode w = json(c().get("projects/" + pid + "/webhook/policies/" + id));
        assertEquals(List.of("creation_time", "description", "enabled", "event_types", "id", "name", "project_id", "targets", "update_time"), keys(w));
        assertEquals(List.of("address", "payload_format", "type"), keys(w.get("targets").get(0)));
        assertEquals(url("/plain"), w.get("targets").get(0).get("address").asText(), "scheme://host/path kept, the query dropped");
        assertEquals(List.of("address", "auth_header", "payload_format", "skip_cert_verify", "type"), keys(w.get("targets").get(1)));
    }

    @Test
    void lastTriggerHasOneEntryPerPolicyAndEventType() {
        c().createProject("wp-last", false);
        assertEquals("[]", c().get("projects/wp-last/webhook/lasttrigger").body());
        create("wp-last", policy("named", true, List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"), List.of(target(url("/wp-last"), null, null))));
        create("wp-last", policy(null, false, List.of("PUSH_ARTIFACT"), List.of(target(url("/wp-last"), null, null))));
        HttpResponse<String> r = c().get("projects/wp-last/webhook/lasttrigger");
        assertTrue(r.headers().firstValue("X-Total-Count").isEmpty());
        JsonNode entries = json(r);
        assertEquals(3, entries.size());
        assertEquals(List.of("creation_time", "enabled", "event_type", "last_trigger_time", "policy_name"), keys(entries.get(0)));
        assertFalse(entries.get(2).has("policy_name"), "a nameless policy");
        assertFalse(entries.get(2).get("enabled").asBoolean());
        for (JsonNode e : entries) assertEquals("0001-01-01T00:00:00.000Z", e.get("last_trigger_time").asText());

        h1.emulator().pushArtifact("wp-last", "app", null, "v1");
        JsonNode later = json(c().get("projects/wp-last/webhook/lasttrigger"));
        assertEquals("PUSH_ARTIFACT", later.get(0).get("event_type").asText());
        assertNotEquals("0001-01-01T00:00:00.000Z", later.get(0).get("last_trigger_time").asText(), "the push fired it");
        assertEquals("0001-01-01T00:00:00.000Z", later.get(1).get("last_trigger_time").asText(), "no delete yet");
        assertEquals("0001-01-01T00:00:00.000Z", later.get(2).get("last_trigger_time").asText(), "disabled: never fires");
    }

    @Test
    void eachDeliveryIsAnExecutionOfItsPolicy() {
        c().createProject("wp-exec", false);
        long id = create("wp-exec", policy("exec", true, List.of("PUSH_ARTIFACT"),
                List.of(target(url("/wp-exec/a"), null, null), target(url("/wp-exec/b"), "CloudEvents", null))));
        long quiet = create("wp-exec", policy("quiet", true, List.of("DELETE_ARTIFACT"), List.of(target(url("/wp-exec/q"), null, null))));
        String path = "projects/wp-exec/webhook/policies/" + id + "/executions";
        assertEquals("[]", c().get(path).body());
        String digest = h1.emulator().pushArtifact("wp-exec", "app", null, "v1");
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            JsonNode e = json(c().get(path));
            return e.size() == 2 && e.get(0).get("status").asText().equals("Success") && e.get(1).get("status").asText().equals("Success");
        });
        HttpResponse<String> r = c().get(path);
        assertEquals("2", r.headers().firstValue("X-Total-Count").orElseThrow());
        JsonNode e = json(r).get(0);
        assertTrue(e.get("id").asLong() > json(r).get(1).get("id").asLong(), "newest first");
        assertEquals("WEBHOOK", e.get("vendor_type").asText());
        assertEquals(id, e.get("vendor_id").asLong());
        assertEquals("EVENT", e.get("trigger").asText());
        assertEquals(1, e.get("metrics").get("task_count").asInt());
        assertEquals(1, e.get("metrics").get("success_task_count").asInt());
        assertEquals("PUSH_ARTIFACT", e.get("extra_attrs").get("event_type").asText());
        assertTrue(e.get("extra_attrs").get("payload").asText().contains(digest), "the body sent, as a string");
        assertEquals("[]", c().get("projects/wp-exec/webhook/policies/" + quiet + "/executions").body(), "not its event");
        assertEquals(404, c().get("projects/wp-exec/webhook/policies/99999999/executions").statusCode());
        // real Harbor's extra_attrs hold strings (observations §7) where swagger.yaml wants objects as values
        h1.guard().expectViolation("/extra_attrs/");
    }
}
