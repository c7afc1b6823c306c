package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoriesApiTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    @Test
    void repositoryNamesResolveSingleAndDoubleEncoded() {
        c().createProject("enc", false);
        h1.emulator().pushArtifact("enc", "app/web", null, "1.0");
        JsonNode repos = json(c().get("projects/enc/repositories"));
        assertEquals("enc/app/web", repos.get(0).get("name").asText(), "name includes the project");

        assertEquals(200, c().get("projects/enc/repositories/app%252Fweb").statusCode());
        assertEquals(200, c().get("projects/enc/repositories/app%2Fweb").statusCode(), "single encoding too (repo.get.nested1)");
        assertEquals(1, json(c().get("projects/enc/repositories/app%252Fweb/artifacts")).size());
        assertEquals(1, json(c().get("projects/enc/repositories/app%2Fweb/artifacts")).size());
    }

    @Test
    void artifactDeleteByTagRemovesWholeArtifact() {
        c().createProject("art", false);
        String digest = h1.emulator().pushArtifact("art", "api", null, "1.0", "latest");
        String base = "projects/art/repositories/api/artifacts";
        JsonNode a = json(c().get(base + "/latest"));
        assertEquals(digest, a.get("digest").asText());
        assertEquals(2, a.get("tags").size());
        assertTrue(json(c().get(base + "/" + digest + "?with_tag=false")).get("tags").isNull(), "step art.get.digest.notag");

        assertEquals(200, c().delete(base + "/1.0").statusCode());
        assertEquals(404, c().get(base + "/latest").statusCode(), "all tags went with it");
        assertEquals(404, c().delete(base + "/" + digest).statusCode(), "second delete is 404");
        assertEquals(200, c().get("projects/art/repositories/api").statusCode(), "the repository stays");
        assertEquals(200, c().delete("projects/art/repositories/api").statusCode());
        assertEquals(404, c().delete("projects/art/repositories/api").statusCode());
    }

    @Test
    void tagsCreateAndDelete() {
        c().createProject("tags", false);
        String d1 = h1.emulator().pushArtifact("tags", "svc", null, "1.0");
        String d2 = h1.emulator().pushArtifact("tags", "svc", null, "2.0");
        String base = "projects/tags/repositories/svc/artifacts/";

        HttpResponse<String> created = c().post(base + d2 + "/tags", Map.of("name", "stable"));
        assertEquals(201, created.statusCode());
        assertEquals(409, c().post(base + d2 + "/tags", Map.of("name", "stable")).statusCode());
        assertEquals(409, c().post(base + d1 + "/tags", Map.of("name", "stable")).statusCode(), "never moves the tag");
        assertEquals(d2, json(c().get(base + "stable")).get("digest").asText());
        assertEquals(2, json(c().get(base + d2 + "/tags")).size());
        assertEquals(200, c().delete(base + d2 + "/tags/stable").statusCode());
        assertEquals(201, c().post(base + d1 + "/tags", Map.of("name", "stable")).statusCode(), "free again");

        assertEquals(200, c().delete(base + d1 + "/tags/stable").statusCode());
        assertEquals(404, c().delete(base + d1 + "/tags/stable").statusCode());
        assertEquals(200, c().get(base + d1).statusCode(), "the artifact stays, with its other tag");
    }
}
