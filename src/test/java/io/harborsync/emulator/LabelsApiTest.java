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
import static io.harborsync.testsupport.PlainHarborHttp.message;
import static io.harborsync.testsupport.PlainHarborHttp.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /labels} and artifact labels as real Harbor v2.15.2 answered (observations §4). */
class LabelsApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    private long create(Map<String, Object> body) {
        HttpResponse<String> r = c().post("labels", body);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("", r.body(), "no body");
        String loc = r.headers().firstValue("Location").orElseThrow();
        assertTrue(loc.matches("/api/v2\\.0/labels/\\d+"), loc);
        return Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));
    }

    @Test
    void uniquenessIsPerNameScopeAndProjectAndIdsSkipAfterAConflict() {
        long p1 = c().createProject("lab-u1", false);
        long p2 = c().createProject("lab-u2", false);
        long g = create(Map.of("name", "lab-dup", "color", "#00FF00", "description", "global", "scope", "g"));
        HttpResponse<String> dup = c().post("labels", Map.of("name", "lab-dup", "scope", "g"));
        assertEquals(409, dup.statusCode());
        assertEquals("label lab-dup already exists", message(dup));
        long next = create(Map.of("name", "lab-dup", "scope", "p", "project_id", p1));
        assertEquals(g + 2, next, "the id of the refused insert is skipped");
        assertEquals(409, c().post("labels", Map.of("name", "lab-dup", "scope", "p", "project_id", p1)).statusCode());
        create(Map.of("name", "lab-dup", "scope", "p", "project_id", p2));
        create(Map.of("name", "lab-only-p", "scope", "p", "project_id", p1));
        create(Map.of("name", "lab-only-p", "scope", "g"));
    }

    @Test
    void onlyTheScopeIsValidated() {
        create(Map.of("scope", "g", "description", "no name"));
        create(Map.of("name", "Lab Upper Case", "scope", "g"));
        long noProject = create(Map.of("name", "lab-p-without-project", "scope", "p"));
        assertFalse(json(c().get("labels/" + noProject)).has("project_id"));
        create(Map.of("name", "lab-unknown-project", "scope", "p", "project_id", 99999999));
        long dropped = create(Map.of("name", "lab-g-with-project", "scope", "g", "project_id", 5));
        assertFalse(json(c().get("labels/" + dropped)).has("project_id"), "a global label drops project_id");
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("name", "lab-x", "scope", "x"), Map.of("name", "lab-none"))) {
            HttpResponse<String> r = c().post("labels", bad);
            assertEquals(400, r.statusCode());
            assertEquals("unsupported label scope", message(r));
        }
    }

    @Test
    void listingNeedsAScopeAndMatchesNamesBySubstring() {
        long pid = c().createProject("lab-list", false);
        create(Map.of("name", "lab-sub-g", "scope", "g"));
        create(Map.of("name", "lab-sub-gp", "scope", "g"));
        create(Map.of("name", "lab-sub-p", "scope", "p", "project_id", pid));

        HttpResponse<String> none = c().get("labels");
        assertEquals(400, none.statusCode());
        assertEquals("invalid scope: ", message(none));
        assertEquals(400, c().get("labels?q=name%3Dx").statusCode());
        HttpResponse<String> noProject = c().get("labels?scope=p");
        assertEquals(400, noProject.statusCode());
        assertEquals("must with project ID when to query project labels", message(noProject));

        HttpResponse<String> g = c().get("labels?scope=g&name=lab-sub-g");
        assertEquals("2", g.headers().firstValue("X-Total-Count").orElseThrow());
        assertEquals(List.of("lab-sub-g", "lab-sub-gp"), List.of(json(g).get(0).get("name").asText(), json(g).get(1).get("name").asText()));
        JsonNode p = json(c().get("labels?scope=p&project_id=" + pid));
        assertEquals(1, p.size());
        assertEquals(List.of("creation_time", "id", "name", "project_id", "scope", "update_time"), keys(p.get(0)),
                "empty color and description omitted");
    }

    @Test
    void putReplacesNameColorAndDescriptionButNeverScopeOrProject() {
        long pid = c().createProject("lab-put", false);
        long id = create(Map.of("name", "lab-put-a", "color", "#FF0000", "description", "d", "scope", "p", "project_id", pid));
        create(Map.of("name", "lab-put-b", "scope", "p", "project_id", pid));
        assertEquals(200, c().put("labels/" + id, Map.of("name", "lab-put-c", "scope", "g")).statusCode());
        JsonNode l = json(c().get("labels/" + id));
        assertEquals("lab-put-c", l.get("name").asText());
        assertEquals("p", l.get("scope").asText(), "scope kept");
        assertEquals(pid, l.get("project_id").asLong());
        assertFalse(l.has("color") || l.has("description"), "cleared by the PUT");
        HttpResponse<String> clash = c().put("labels/" + id, Map.of("name", "lab-put-b", "scope", "p"));
        assertEquals(409, clash.statusCode());
        HttpResponse<String> unknown = c().get("labels/99999999");
        assertEquals(404, unknown.statusCode());
        assertEquals("label 99999999 not found", message(unknown));
        assertEquals(404, c().put("labels/99999999", Map.of("name", "x", "scope", "g")).statusCode());
        assertEquals(200, c().delete("labels/" + id).statusCode());
        assertEquals(404, c().delete("labels/" + id).statusCode());
    }

    @Test
    void attachDetachAndTheLabelsOfAnArtifact() {
        long pid = c().createProject("lab-art", false);
        long other = c().createProject("lab-art-other", false);
        h1.emulator().pushArtifact("lab-art", "app", null, "v1");
        long aid = json(c().get("projects/lab-art/repositories/app/artifacts/v1")).get("id").asLong();
        long g = create(Map.of("name", "lab-art-g", "color", "#00FF00", "description", "global", "scope", "g"));
        long mine = create(Map.of("name", "lab-art-p", "scope", "p", "project_id", pid));
        long foreign = create(Map.of("name", "lab-art-o", "scope", "p", "project_id", other));
        String labels = "projects/lab-art/repositories/app/artifacts/v1/labels";

        HttpResponse<String> attached = c().post(labels, Map.of("id", g));
        assertEquals(200, attached.statusCode());
        assertEquals("", attached.body());
        HttpResponse<String> again = c().post(labels, Map.of("id", g));
        assertEquals(409, again.statusCode());
        assertEquals("label " + g + " is already added to the artifact " + aid, message(again));
        HttpResponse<String> wrong = c().post(labels, Map.of("id", foreign));
        assertEquals(404, wrong.statusCode());
        assertEquals("project id " + pid + ", label " + foreign + " not found", message(wrong));
        assertEquals(200, c().post(labels, Map.of("id", mine)).statusCode());

        assertTrue(json(c().get("projects/lab-art/repositories/app/artifacts/v1")).get("labels").isNull(),
                "only with_label=true; without it Harbor sends its nil slice (step art.get.tag)");
        JsonNode withLabel = json(c().get("projects/lab-art/repositories/app/artifacts/v1?with_label=true")).get("labels");
        assertEquals(2, withLabel.size());
        assertEquals(List.of("creation_time", "id", "name", "scope", "update_time"), keys(withLabel.get(0)));
        assertEquals(g, withLabel.get(0).get("id").asLong());
        assertEquals(2, json(c().get("projects/lab-art/repositories/app/artifacts?with_label=true")).get(0).get("labels").size());

        assertEquals(200, c().delete(labels + "/" + mine).statusCode());
        HttpResponse<String> gone = c().delete(labels + "/" + mine);
        assertEquals(404, gone.statusCode());
        assertEquals("reference with label " + mine + " and artifact " + aid + " not found", message(gone));

        assertEquals(200, c().delete("labels/" + g).statusCode(), "an attached label can be deleted");
        assertTrue(json(c().get("projects/lab-art/repositories/app/artifacts/v1?with_label=true")).get("labels").isNull(),
                "and it leaves the artifact: no labels is Harbor's nil slice");
    }

    @Test
    void projectLabelsSurviveTheirProjectAndWriteNoAuditRows() {
        long pid = c().createProject("lab-dies", false);
        long id = create(Map.of("name", "lab-dies-p", "scope", "p", "project_id", pid));
        int rows = json(c().get("auditlog-exts?page_size=100")).size();
        assertEquals(200, c().put("labels/" + id, Map.of("name", "lab-dies-q", "scope", "p")).statusCode());
        assertEquals(200, c().delete("projects/" + pid).statusCode());
        assertEquals(pid, json(c().get("labels/" + id)).get("project_id").asLong(), "the dead project id stays");
        assertEquals(1, json(c().get("labels?scope=p&project_id=" + pid)).size());
        assertEquals(rows + 1, json(c().get("auditlog-exts?page_size=100")).size(), "only the project deletion's row");
        assertEquals(200, c().delete("labels/" + id).statusCode());
    }
}
