package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static io.harborsync.testsupport.PlainHarborHttp.message;
import static io.harborsync.testsupport.PlainHarborHttp.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /projects/{p}/immutabletagrules} and their effect, as real Harbor v2.15.2 answered (observations §5). */
class ImmutableRulesApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    private static Map<String, Object> rule(String decoration, String pattern) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("disabled", false);
        m.put("action", "immutable");
        m.put("template", "immutable_template");
        m.put("tag_selectors", List.of(Map.of("kind", "doublestar", "decoration", decoration, "pattern", pattern)));
        m.put("scope_selectors", Map.of("repository", List.of(Map.of("kind", "doublestar", "decoration", "repoMatches", "pattern", "**"))));
        return m;
    }

    private long create(String project, Map<String, Object> body) {
        HttpResponse<String> r = c().post("projects/" + project + "/immutabletagrules", body);
        assertEquals(201, r.statusCode(), r.body());
        String loc = r.headers().firstValue("Location").orElseThrow();
        assertTrue(loc.startsWith("/api/v2.0/projects/" + project + "/immutabletagrules/"), "project as given: " + loc);
        return Long.parseLong(loc.substring(loc.lastIndexOf('/') + 1));
    }

    private JsonNode listed(String project, long id) {
        for (JsonNode x : json(c().get("projects/" + project + "/immutabletagrules"))) if (x.get("id").asLong() == id) return x;
        throw new AssertionError("rule " + id + " not listed");
    }

    @Test
    void createListAndTheAcceptedOddities() {
        long pid = c().createProject("imm-crud", false);
        long a = create("imm-crud", rule("matches", "v1*"));
        long b = create(String.valueOf(pid), rule("matches", "v2*"));
        assertTrue(b > a, "one global sequence");
        HttpResponse<String> dup = c().post("projects/imm-crud/immutabletagrules", rule("matches", "v1*"));
        assertEquals(409, dup.statusCode());
        assertEquals("immutable rule already exists", message(dup));

        HttpResponse<String> list = c().get("projects/imm-crud/immutabletagrules");
        assertEquals("2", list.headers().firstValue("X-Total-Count").orElseThrow());
        JsonNode first = listed("imm-crud", a);
        assertEquals(List.of("id", "action", "template", "tag_selectors", "scope_selectors"), keys(first),
                "priority 0 and disabled false omitted, no params");
        assertEquals(List.of("decoration", "kind", "pattern"), keys(first.get("tag_selectors").get(0)));

        Map<String, Object> empty = rule("matches", "x");
        empty.put("tag_selectors", List.of());
        assertFalse(listed("imm-crud", create("imm-crud", empty)).has("tag_selectors"), "stored as null");
        Map<String, Object> retain = rule("matches", "r*");
        retain.put("action", "retain");
        retain.put("priority", 5);
        JsonNode r = listed("imm-crud", create("imm-crud", retain));
        assertEquals(5, r.get("priority").asLong());
        assertEquals("retain", r.get("action").asText());
        create("imm-crud", rule("excludes", "snapshot*"));
        Map<String, Object> regexp = rule("matches", "v.*");
        regexp.put("tag_selectors", List.of(Map.of("kind", "regexp", "decoration", "matches", "pattern", "v.*")));
        create("imm-crud", regexp);
    }

    @Test
    void putNeedsThePathIdAndChangesOnlyDisabledWhenThatDiffers() {
        c().createProject("imm-put", false);
        long id = create("imm-put", rule("matches", "v1*"));
        long other = create("imm-put", rule("matches", "v3*"));
        Map<String, Object> body = rule("matches", "zz*");
        HttpResponse<String> noId = c().put("projects/imm-put/immutabletagrules/" + id, body);
        assertEquals(400, noId.statusCode());
        assertEquals("the immutable_rule_id doesn't match the id in the payload body of ImmutableRule", message(noId));

        body.put("id", id);
        body.put("disabled", true);
        assertEquals(200, c().put("projects/imm-put/immutabletagrules/" + id, body).statusCode());
        JsonNode x = listed("imm-put", id);
        assertTrue(x.get("disabled").asBoolean());
        assertEquals("v1*", x.get("tag_selectors").get(0).get("pattern").asText(), "only disabled changed");

        assertEquals(200, c().put("projects/imm-put/immutabletagrules/" + id, Map.of("id", id, "disabled", false)).statusCode());
        x = listed("imm-put", id);
        assertFalse(x.has("disabled"));
        assertEquals("v1*", x.get("tag_selectors").get(0).get("pattern").asText(), "selectors kept");

        Map<String, Object> replace = rule("matches", "v2*");
        replace.put("id", id);
        replace.put("priority", 9);
        assertEquals(200, c().put("projects/imm-put/immutabletagrules/" + id, replace).statusCode());
        x = listed("imm-put", id);
        assertEquals(9, x.get("priority").asLong());
        assertEquals("v2*", x.get("tag_selectors").get(0).get("pattern").asText(), "same disabled: replaced");

        Map<String, Object> clash = rule("matches", "v3*");
        clash.put("id", id);
        assertEquals(200, c().put("projects/imm-put/immutabletagrules/" + id, clash).statusCode(), "no conflict check on update");
        assertEquals("v3*", listed("imm-put", other).get("tag_selectors").get(0).get("pattern").asText());
    }

    @Test
    void anotherProjectsRuleIsNotFoundAndDeleteIsOnce() {
        long p1 = c().createProject("imm-a", false);
        c().createProject("imm-b", false);
        long id = create("imm-b", rule("matches", "v1*"));
        Map<String, Object> body = rule("matches", "v1*");
        body.put("id", id);
        HttpResponse<String> put = c().put("projects/imm-a/immutabletagrules/" + id, body);
        assertEquals(404, put.statusCode());
        assertEquals("resource not found: project id " + p1 + " does not match", message(put));
        assertEquals(404, c().delete("projects/imm-a/immutabletagrules/" + id).statusCode());
        assertEquals(200, c().delete("projects/imm-b/immutabletagrules/" + id).statusCode());
        HttpResponse<String> again = c().delete("projects/imm-b/immutabletagrules/" + id);
        assertEquals(404, again.statusCode());
        assertEquals("immutable rule " + id + " not found", message(again));
    }

    @Test
    void anEnabledRuleRefusesDeletesAndPushesOfItsTags() {
        c().createProject("imm-eff", false);
        String digest = h1.emulator().pushArtifact("imm-eff", "app", null, "v1.0", "latest");
        long id = create("imm-eff", rule("matches", "v1*"));
        String art = "projects/imm-eff/repositories/app/artifacts/";

        HttpResponse<String> tag = c().delete(art + digest + "/tags/v1.0");
        assertEquals(412, tag.statusCode());
        assertEquals("the tag v1.0 configured as immutable, cannot be deleted", message(tag));
        HttpResponse<String> whole = c().delete(art + digest);
        assertEquals(412, whole.statusCode());
        assertEquals("the tag v1.0 configured as immutable, cannot be deleted", message(whole));
        assertThrows(IllegalArgumentException.class, () -> h1.emulator().pushArtifact("imm-eff", "app", null, "v1.0"),
                "the registry refuses the tag on another digest");
        HttpResponse<String> viaControl = c().post("/emulator/artifacts", Map.of("project", "imm-eff", "repository", "app", "tags", List.of("v1.0")));
        assertEquals(412, viaControl.statusCode());
        assertTrue(message(viaControl).contains("'app:v1.0' configured as immutable"), viaControl.body());
        assertEquals(digest, h1.emulator().pushArtifact("imm-eff", "app", digest, "v1.0"), "the same digest again is fine");
        h1.emulator().pushArtifact("imm-eff", "app", null, "v1.1"); // a new tag may be pushed

        JsonNode tags = json(c().get(art + digest + "?with_immutable_status=true")).get("tags");
        for (JsonNode t : tags) assertEquals(t.get("name").asText().startsWith("v1"), t.get("immutable").asBoolean(), t.toString());
        for (JsonNode t : json(c().get(art + digest)).get("tags")) assertFalse(t.path("immutable").asBoolean());
        JsonNode listedTags = json(c().get(art + digest + "/tags?with_immutable_status=true"));
        assertTrue(listedTags.toString().contains("\"immutable\":true"));

        assertEquals(200, c().delete(art + digest + "/tags/latest").statusCode(), "other tags are not immutable");
        Map<String, Object> off = rule("matches", "v1*");
        off.put("id", id);
        off.put("disabled", true);
        assertEquals(200, c().put("projects/imm-eff/immutabletagrules/" + id, off).statusCode());
        assertEquals(200, c().delete(art + digest + "/tags/v1.0").statusCode(), "a disabled rule allows the delete");
    }

    @Test
    void excludesMakesEveryOtherTagImmutableAndPatternsAreDoublestar() {
        c().createProject("imm-excl", false);
        String digest = h1.emulator().pushArtifact("imm-excl", "team/app", null, "snapshot-1", "other");
        create("imm-excl", rule("excludes", "snapshot*"));
        String art = "projects/imm-excl/repositories/team%252Fapp/artifacts/" + digest;
        assertEquals(412, c().delete(art + "/tags/other").statusCode());
        assertEquals(200, c().delete(art + "/tags/snapshot-1").statusCode());

        assertTrue(ImmutableRulesApi.doublestar("**", "team/app"));
        assertFalse(ImmutableRulesApi.doublestar("*", "team/app"), "* stops at /");
        assertTrue(ImmutableRulesApi.doublestar("team/*", "team/app"));
        assertTrue(ImmutableRulesApi.doublestar("v1*", "v1.0"));
        assertFalse(ImmutableRulesApi.doublestar("v1*", "v2.0"));
        assertTrue(ImmutableRulesApi.doublestar("{v1,v2}.?", "v2.9"));
        assertTrue(ImmutableRulesApi.doublestar("v[0-9].0", "v7.0"));
    }

    @Test
    void rulesGoWithTheirProjectAndWriteNoAuditRows() {
        c().createProject("imm-gone", false);
        int rows = json(c().get("auditlog-exts?page_size=100")).size();
        long id = create("imm-gone", rule("matches", "v1*"));
        Map<String, Object> body = rule("matches", "v2*");
        body.put("id", id);
        assertEquals(200, c().put("projects/imm-gone/immutabletagrules/" + id, body).statusCode());
        assertEquals(200, c().delete("projects/imm-gone/immutabletagrules/" + id).statusCode());
        assertEquals(rows, json(c().get("auditlog-exts?page_size=100")).size());
        create("imm-gone", rule("matches", "v1*"));
        assertEquals(200, c().delete("projects/imm-gone").statusCode());
        c().createProject("imm-gone", false);
        assertEquals(0, json(c().get("projects/imm-gone/immutabletagrules")).size());
    }
}
