package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@io.harborsync.testsupport.SpecViolationsExpected
class ProjectsApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    @Test
    void createGetAndDuplicate() {
        HttpResponse<String> r = c().post("projects", Map.of("project_name", "team-a", "public", true, "storage_limit", 1024,
                "cve_allowlist", Map.of("items", List.of(Map.of("cve_id", "CVE-2020-1")))));
        assertEquals(201, r.statusCode());
        assertEquals("", r.body());
        String loc = r.headers().firstValue("Location").orElseThrow();
        assertTrue(loc.matches("/api/v2\\.0/projects/\\d+"), loc);

        JsonNode p = json(c().send(c().request("GET", "projects/team-a", null).header("X-Is-Resource-Name", "true")));
        assertEquals("team-a", p.get("name").asText());
        assertEquals("true", p.get("metadata").get("public").asText(), "public bool copied into metadata.public");
        assertEquals(0, p.get("cve_allowlist").get("items").size(), "cve_allowlist is ignored on create");
        assertEquals("admin", p.get("owner_name").asText());

        HttpResponse<String> dup = c().post("projects", Map.of("project_name", "team-a"));
        assertEquals(409, dup.statusCode());
        assertEquals("CONFLICT", json(dup).get("errors").get(0).get("code").asText());

        assertEquals(400, c().post("projects", Map.of("project_name", "Team_A!")).statusCode());

        long id = p.get("project_id").asLong();
        JsonNode quotas = json(c().get("quotas?reference=project&reference_id=" + id));
        assertEquals(1024, quotas.get(0).get("hard").get("storage").asLong());
        assertEquals(200, c().put("quotas/" + quotas.get(0).get("id").asLong(), Map.of("hard", Map.of("storage", 2048))).statusCode());
        assertEquals(2048, json(c().get("quotas/" + quotas.get(0).get("id").asLong())).get("hard").get("storage").asLong());
    }

    @Test
    void numericPathIsIdUnlessHeaderSaysName() {
        long id = c().createProject("12345", false);
        assertEquals(404, c().get("projects/12345").statusCode(), "12345 taken as an id");
        assertEquals(200, c().send(c().request("GET", "projects/12345", null).header("X-Is-Resource-Name", "true")).statusCode());
        assertEquals("12345", json(c().get("projects/" + id)).get("name").asText());
        assertEquals(200, c().head("projects?project_name=12345").statusCode());
        assertEquals(404, c().head("projects?project_name=nope").statusCode());
    }

    @Test
    void deleteWithEmptyRepositoryIs412() {
        c().createProject("has-repo", false);
        String digest = h1.emulator().pushArtifact("has-repo", "app/web", null, "1.0");
        assertEquals(200, c().delete("projects/has-repo/repositories/app%252Fweb/artifacts/" + digest).statusCode());
        assertEquals(0, json(c().get("projects/has-repo/repositories/app%252Fweb")).get("artifact_count").asInt());

        HttpResponse<String> del = c().send(c().request("DELETE", "projects/has-repo", null).header("X-Is-Resource-Name", "true"));
        assertEquals(412, del.statusCode());
        assertEquals("PRECONDITION", json(del).get("errors").get(0).get("code").asText());
        assertFalse(json(c().get("projects/has-repo/_deletable")).has("deletable"), "only the message (proj.deletable.withrepos)");

        assertEquals(200, c().delete("projects/has-repo/repositories/app%252Fweb").statusCode());
        assertTrue(json(c().get("projects/has-repo/_deletable")).get("deletable").asBoolean());
        assertEquals(200, c().delete("projects/has-repo").statusCode());
        assertEquals(404, c().get("projects/has-repo").statusCode());
        c().createProject("has-repo", false); // the name is free again
    }

    @Test
    void putMergesMetadataAndReplacesAllowlist() {
        long id = c().createProject("meta", false);
        assertEquals(200, c().put("projects/" + id, Map.of("metadata", Map.of("auto_scan", "true"))).statusCode());
        assertEquals(200, c().put("projects/" + id, Map.of("metadata", Map.of("severity", "high"),
                "public", true, "cve_allowlist", Map.of("items", List.of(Map.of("cve_id", "CVE-1")), "expires_at", 99))).statusCode());
        JsonNode p = json(c().get("projects/" + id));
        assertEquals("true", p.get("metadata").get("auto_scan").asText(), "absent keys are kept");
        assertEquals("high", p.get("metadata").get("severity").asText());
        assertEquals("false", p.get("metadata").get("public").asText(), "public bool ignored on update");
        assertEquals("CVE-1", p.get("cve_allowlist").get("items").get(0).get("cve_id").asText());
    }

    @Test
    void metadataEndpoints() {
        long id = c().createProject("metas", false);
        String base = "projects/" + id + "/metadatas/";
        assertEquals(200, c().post(base, Map.of("auto_scan", "TRUE")).statusCode());
        assertEquals("true", json(c().get(base)).get("auto_scan").asText(), "normalized");
        assertEquals(409, c().post(base, Map.of("auto_scan", "false")).statusCode());
        assertEquals(400, c().post(base, Map.of("auto_scan", "true", "prevent_vul", "true")).statusCode());
        assertEquals(400, c().post(base, Map.of("no_such_key", "x")).statusCode());

        assertEquals(200, c().put(base + "prevent_vul", Map.of("prevent_vul", "true")).statusCode());
        assertFalse(json(c().get(base)).has("prevent_vul"), "PUT of a missing key does nothing");
        assertEquals(200, c().put(base + "auto_scan", Map.of("auto_scan", "false")).statusCode());
        assertEquals("false", json(c().get(base + "auto_scan")).get("auto_scan").asText());

        assertEquals(200, c().delete(base + "auto_scan").statusCode());
        assertEquals(200, c().delete(base + "auto_scan").statusCode(), "idempotent");
        assertFalse(json(c().get(base)).has("auto_scan"));
    }

    @Test
    void pagingHeadersAndLinkOver25Items() {
        for (int i = 0; i < 25; i++) c().createProject(String.format("page-%02d", i), false);
        HttpResponse<String> p1 = c().get("projects?name=page-&page_size=10");
        assertEquals(10, json(p1).size());
        assertEquals("25", p1.headers().firstValue("X-Total-Count").orElseThrow());
        assertEquals("</api/v2.0/projects?name=page-&page=2&page_size=10>; rel=\"next\"", p1.headers().firstValue("Link").orElseThrow());

        HttpResponse<String> p2 = c().get("projects?name=page-&page=2&page_size=10");
        assertEquals("</api/v2.0/projects?name=page-&page=1&page_size=10>; rel=\"prev\" , "
                + "</api/v2.0/projects?name=page-&page=3&page_size=10>; rel=\"next\"", p2.headers().firstValue("Link").orElseThrow());

        HttpResponse<String> p3 = c().get("projects?name=page-&page=3&page_size=10");
        assertEquals(5, json(p3).size());
        assertEquals("</api/v2.0/projects?name=page-&page=2&page_size=10>; rel=\"prev\"", p3.headers().firstValue("Link").orElseThrow());

        HttpResponse<String> none = c().get("projects?name=zzz-none");
        assertEquals("[]", none.body());
        assertEquals("0", none.headers().firstValue("X-Total-Count").orElseThrow());
        assertTrue(none.headers().firstValue("Link").isEmpty());

        assertEquals(422, c().get("projects?page_size=101").statusCode());
        h1.guard().expectViolation("maximum: 100");
        assertEquals(1, json(c().get("projects?q=name%3Dpage-07")).size(), "q exact");
        assertEquals(25, json(c().get("projects?q=name%3D~page-&page_size=100")).size(), "q fuzzy");
    }

    @Test
    void systemEndpoints() {
        assertEquals("\"Pong\"", c().anonymous().get("ping").body(), "a JSON string, as real Harbor (step sys.ping)");
        assertEquals("healthy", json(c().anonymous().get("health")).get("status").asText());
        assertFalse(json(c().anonymous().get("systeminfo")).has("harbor_version"));
        assertEquals("v2.15.2-emulator", json(c().get("systeminfo")).get("harbor_version").asText());
        // bad credentials are anonymous, not 401 (observations §2): the list is that of the public projects
        assertEquals(200, c().anonymous().get("projects").statusCode());
        assertEquals(200, c().as("admin", "wrong").get("projects").statusCode());
        HttpResponse<String> unauth = c().anonymous().get("quotas");
        assertEquals(401, unauth.statusCode());
        assertEquals("UNAUTHORIZED", json(unauth).get("errors").get(0).get("code").asText());
    }
}
