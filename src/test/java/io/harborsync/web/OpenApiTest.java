package io.harborsync.web;

import io.harborsync.http.Problem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.testsupport.MainClasses;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document covers every endpoint of the daemon: the endpoints are found by reflection over the
 * resource classes, so a new endpoint without documentation (or an admin endpoint without the bearer security
 * requirement, or without a documented problem answer) fails here.
 */
@QuarkusTest
class OpenApiTest {
    static JsonNode doc;

    record Endpoint(String method, String path, boolean admin, Method java) {
        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path + " (" + java.getDeclaringClass().getSimpleName()
                    + "." + java.getName() + ")";
        }
    }

    // per test: REST Assured knows the random test port only once a test runs
    @BeforeEach
    void fetch() throws Exception {
        String json = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString();
        doc = new ObjectMapper().readTree(json);
    }

    static List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (Class<?> c : Stream.concat(MainClasses.in("io.harborsync.web").stream(),
                MainClasses.in("io.harborsync.intake").stream()).toList()) {
            Path base = c.getAnnotation(Path.class);
            for (Method m : c.getDeclaredMethods()) {
                String verb = httpMethod(m);
                if (verb == null) {
                    continue;
                }
                Operation op = m.getAnnotation(Operation.class);
                if (op != null && op.hidden()) {
                    continue; // deliberately left out of the document (e.g. an HTML page)
                }
                Path sub = m.getAnnotation(Path.class);
                String path = ("/" + (base == null ? "" : base.value()) + "/" + (sub == null ? "" : sub.value()))
                        .replaceAll("/+", "/");
                if (path.length() > 1 && path.endsWith("/")) {
                    path = path.substring(0, path.length() - 1);
                }
                boolean admin = c.isAnnotationPresent(AdminOnly.class) || m.isAnnotationPresent(AdminOnly.class);
                out.add(new Endpoint(verb.toLowerCase(Locale.ROOT), path, admin, m));
            }
        }
        return out;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    @Test
    void theDiscoveryFindsTheKnownEndpoints() {
        // guards the reflection itself: if it found nothing, every other check would pass vacuously
        assertThat(endpoints()).extracting(e -> e.method() + " " + e.path()).contains(
                "post /sync", "post /sync/projects/{name}", "get /status", "post /inbox/dead/{id}/retry",
                "post /inbox/dead/retry", "get /proxy", "put /proxy/active", "get /config", "get /admin/ping",
                "post /webhooks/{site}");
    }

    @Test
    void everyEndpointIsDocumentedWithItsSecurityAndItsProblems() {
        List<Endpoint> endpoints = endpoints();
        for (Endpoint e : endpoints) {
            JsonNode op = doc.path("paths").path(e.path()).path(e.method());
            assertThat(op.isObject()).as("%s has an operation in /q/openapi", e).isTrue();
            // (Quarkus invents a summary from the method name: the annotation is what shows someone wrote one)
            Operation written = e.java().getAnnotation(Operation.class);
            assertThat(written == null ? "" : written.summary()).as("%s has an @Operation summary", e).isNotBlank();
            assertThat(op.path("summary").asText()).as("%s has a summary", e).isEqualTo(written.summary());
            assertThat(op.path("tags").size()).as("%s has a tag", e).isPositive();
            List<String> schemes = new ArrayList<>();
            op.path("security").forEach(req -> req.fieldNames().forEachRemaining(schemes::add));
            if (e.admin()) {
                assertThat(schemes).as("%s requires the admin bearer token", e).containsExactly(HarborSyncApi.ADMIN_TOKEN);
                assertThat(problem(op, "401")).as("%s documents its 401 problem", e).isTrue();
            }
            List<String> problems = new ArrayList<>();
            op.path("responses").fieldNames().forEachRemaining(code -> {
                if (problem(op, code)) {
                    problems.add(code);
                }
            });
            assertThat(problems).as("%s documents at least one problem response", e).isNotEmpty();
        }
    }

    @Test
    void theWebhookEndpointDocumentsItsSecretAndEveryProblemItAnswers() {
        JsonNode op = doc.path("paths").path("/webhooks/{site}").path("post");
        assertThat(op.path("security").get(0).has(HarborSyncApi.WEBHOOK_SECRET)).isTrue();
        for (String code : List.of("400", "401", "404", "413", "503")) {
            assertThat(problem(op, code)).as("webhook %s", code).isTrue();
        }
        JsonNode put = doc.path("paths").path("/proxy/active").path("put");
        for (String code : List.of("400", "401", "415", "502", "503")) {
            assertThat(problem(put, code)).as("PUT /proxy/active %s", code).isTrue();
        }
        assertThat(problem(doc.path("paths").path("/inbox/dead/{id}/retry").path("post"), "404")).isTrue();
        assertThat(doc.path("paths").path("/sync").path("post").path("parameters").findValuesAsText("name"))
                .contains("dryRun", "force");
    }

    @Test
    void theSecuritySchemesAndTheProblemSchemaAreDeclared() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.path(HarborSyncApi.ADMIN_TOKEN).path("type").asText()).isEqualTo("http");
        assertThat(schemes.path(HarborSyncApi.ADMIN_TOKEN).path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path(HarborSyncApi.WEBHOOK_SECRET).path("type").asText()).isEqualTo("apiKey");
        assertThat(schemes.path(HarborSyncApi.WEBHOOK_SECRET).path("in").asText()).isEqualTo("header");
        assertThat(schemes.path(HarborSyncApi.WEBHOOK_SECRET).path("name").asText()).isEqualTo("Authorization");
        List<String> fields = new ArrayList<>();
        doc.path("components").path("schemas").path("Problem").path("properties").fieldNames().forEachRemaining(fields::add);
        assertThat(fields).contains("type", "title", "status", "detail", "instance");
    }

    /** True when the operation's response {@code code} (directly or via $ref) is a Problem document. */
    static boolean problem(JsonNode op, String code) {
        JsonNode r = op.path("responses").path(code);
        if (r.has("$ref")) {
            String name = r.get("$ref").asText().replace("#/components/responses/", "");
            r = doc.path("components").path("responses").path(name);
        }
        JsonNode schema = r.path("content").path(Problem.MEDIA_TYPE).path("schema");
        return schema.path("$ref").asText().equals("#/components/schemas/Problem");
    }
}
