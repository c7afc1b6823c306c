package io.harborsync.web;

import io.harborsync.emulator.Fault;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;
import io.harborsync.sites.Sites;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * {@code PUT /webhook-policies/{project}/{name}/auth-header} in demo mode (two emulated Harbors, every exchange
 * spec-checked): the header lands on every http target of the policy on every site that has it, every other field
 * kept; the answer never repeats it; bad input is a 400 with nothing sent; an unknown policy a 404; a site that
 * fails an incomplete answer.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class WebhookPoliciesResourceTest {
    static final String TOKEN = "Bearer test-admin-token";

    @Inject
    Sites sites;

    HarborEmulator e1;
    HarborEmulator e2;
    HarborClient h1;
    HarborClient h2;
    String p;
    final List<RecordedExchange> writes = new CopyOnWriteArrayList<>();
    final ExchangeListener listener = x -> {
        if (x.rawPath().contains("/webhook/policies") && !x.method().equals("GET")) {
            writes.add(x);
        }
    };

    @BeforeEach
    void setUp() {
        e1 = sites.demo().orElseThrow().emulators().get(0);
        e2 = sites.demo().orElseThrow().emulators().get(1);
        h1 = sites.client("h1");
        h2 = sites.client("h2");
        p = "hooks-" + UUID.randomUUID().toString().substring(0, 8);
        for (HarborClient c : List.of(h1, h2)) {
            c.projects().create(new ProjectReq(p, false, Map.of(), null, null, null));
        }
        e1.addExchangeListener(listener);
        e2.addExchangeListener(listener);
    }

    @AfterEach
    void tearDown() {
        e1.removeExchangeListener(listener);
        e2.removeExchangeListener(listener);
        e1.faults().clear();
        e2.faults().clear();
    }

    private static WebhookPolicy deploy(String header) {
        return new WebhookPolicy(null, "deploy", "tells CD", null, List.of(
                new WebhookTarget("http", "https://cd.example.com/hook", header, true, "CloudEvents"),
                new WebhookTarget("slack", "https://hooks.slack.example.com/T1", null, false, null)),
                List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"), true);
    }

    private io.restassured.response.Response put(String project, String name, String body) {
        return given().header("Authorization", TOKEN).contentType("application/json").body(body)
                .put("/webhook-policies/" + project + "/" + name + "/auth-header");
    }

    @Test
    void theHeaderLandsOnEveryHttpTargetOnEverySiteAndIsNotRepeated() {
        h1.webhookPolicies().create(p, deploy("Bearer old-h1"));
        h2.webhookPolicies().create(p, deploy(null));
        String header = "Bearer " + UUID.randomUUID();

        put(p, "deploy", "{\"auth_header\":\"" + header + "\"}").then().statusCode(200)
                .body("complete", is(true)).body("key", is(p + "/webhook:deploy"))
                .body("sites.h1.found", is(true)).body("sites.h1.set", is(true)).body("sites.h1.targets", is(1))
                .body("sites.h2.set", is(true)).body(not(containsString(header)));

        for (HarborClient c : List.of(h1, h2)) {
            WebhookPolicy w = c.webhookPolicies().find(p, "deploy").orElseThrow();
            assertThat(w.targets().get(0).authHeader()).isEqualTo(header);
            assertThat(w.targets().get(0).skipCertVerify()).isTrue();
            assertThat(w.targets().get(0).payloadFormat()).isEqualTo("CloudEvents");
            assertThat(w.targets().get(1).authHeader()).as("slack takes none").isNull();
            assertThat(w.enabled()).as("sent whole: enabled kept").isTrue();
            assertThat(w.description()).isEqualTo("tells CD");
            assertThat(w.eventTypes()).containsExactlyInAnyOrder("PUSH_ARTIFACT", "DELETE_ARTIFACT");
        }
    }

    @Test
    void aSiteWithoutThePolicyIsSaidSoAndAFailingSiteMakesItIncomplete() {
        h1.webhookPolicies().create(p, deploy(null));
        put(p, "deploy", "{\"auth_header\":\"Bearer one\"}").then().statusCode(200)
                .body("complete", is(true)).body("sites.h2.found", is(false)).body("sites.h2", not(hasKey("set")));

        h2.webhookPolicies().create(p, deploy(null));
        e2.faults().add(Fault.on("PUT", "/api/v2.0/projects/.*/webhook/policies/.*").status(500));
        put(p, "deploy", "{\"auth_header\":\"Bearer two\"}").then().statusCode(200)
                .body("complete", is(false)).body("sites.h1.set", is(true)).body("sites.h2.set", is(false))
                .body("sites.h2.error", notNullValue());
        assertThat(h1.webhookPolicies().find(p, "deploy").orElseThrow().targets().get(0).authHeader()).isEqualTo("Bearer two");

        e1.faults().add(Fault.on("PUT", "/api/v2.0/projects/.*/webhook/policies/.*").status(500));
        put(p, "deploy", "{\"auth_header\":\"Bearer three\"}").then().statusCode(502)
                .contentType(startsWith("application/problem+json")).body(not(containsString("three")));
    }

    @Test
    void badInputIsA400AndAnUnknownPolicyA404WithNothingSent() {
        h1.webhookPolicies().create(p, deploy(null));
        writes.clear();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("unknown field", "{\"auth_header\":\"Bearer x\",\"secret\":\"y\"}");
        bodies.put("missing", "{}");
        bodies.put("not a string", "{\"auth_header\":42}");
        bodies.put("empty", "{\"auth_header\":\" \"}");
        bodies.put("two lines", "{\"auth_header\":\"Bearer x\\r\\nX-Evil: 1\"}");
        bodies.put("too long", "{\"auth_header\":\"" + "a".repeat(WebhookPoliciesResource.MAX_HEADER + 1) + "\"}");
        bodies.put("not an object", "[\"Bearer x\"]");
        bodies.forEach((what, body) -> put(p, "deploy", body).then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body(not(containsString("Bearer x"))));
        put("Not_A_Project", "deploy", "{\"auth_header\":\"Bearer x\"}").then().statusCode(400);
        for (String daemons : List.of("harbor-sync", "harbor-sync-0123456789")) { // an earlier version's, an installation's
            put(p, daemons, "{\"auth_header\":\"Bearer x\"}").then().statusCode(400)
                    .body("detail", containsString("installation's own policy"));
        }
        put(p, "nope", "{\"auth_header\":\"Bearer x\"}").then().statusCode(404)
                .body("detail", containsString("nope"));
        put("no-such-project-" + p, "deploy", "{\"auth_header\":\"Bearer x\"}").then().statusCode(404);
        given().header("Authorization", TOKEN).contentType("text/plain").body("Bearer x")
                .put("/webhook-policies/" + p + "/deploy/auth-header").then().statusCode(415);
        given().contentType("application/json").body("{\"auth_header\":\"Bearer x\"}")
                .put("/webhook-policies/" + p + "/deploy/auth-header").then().statusCode(401);
        assertThat(writes).as("nothing sent to Harbor").isEmpty();
    }
}
