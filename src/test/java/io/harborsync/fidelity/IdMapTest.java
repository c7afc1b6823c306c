package io.harborsync.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay's id translation: what it learns from answers and where it rewrites later requests. */
class IdMapTest {

    private static JsonNode json(String s) throws Exception {
        return PlainHarborHttp.JSON.readTree(s);
    }

    @Test
    void learnsFromLocationAndIdFieldsAndPairsListItemsByName() throws Exception {
        IdMap ids = new IdMap();
        ids.learnLocation("/api/v2.0/projects/704", "/api/v2.0/projects/1");
        ids.learnLocation("/api/v2.0/projects/fid-p2", "/api/v2.0/projects/fid-p2"); // names teach nothing
        ids.learnBodies(json("[{\"name\":\"b\",\"id\":30},{\"name\":\"a\",\"id\":26,\"ref\":{\"id\":705}}]"),
                json("[{\"name\":\"a\",\"id\":1,\"ref\":{\"id\":2}},{\"name\":\"b\",\"id\":3}]"));
        ids.learnLocation("/api/v2.0/projects/704", "/api/v2.0/projects/9"); // the first pairing wins

        assertThat(ids.pairs()).containsOnlyKeys(704L, 26L, 30L, 705L)
                .containsEntry(704L, 1L).containsEntry(26L, 1L).containsEntry(30L, 3L).containsEntry(705L, 2L);
    }

    @Test
    void translatesPathSegmentsQueryIdsAndBodyIdsButNotPagesOrUnknownIds() throws Exception {
        IdMap ids = new IdMap();
        ids.learn(704, 1);
        ids.learn(1701, 5);
        ids.learn(2, 40);

        assertThat(ids.pathAndQuery("/api/v2.0/projects/704/members/99999999"))
                .isEqualTo("/api/v2.0/projects/1/members/99999999");
        assertThat(ids.pathAndQuery("/api/v2.0/projects/fid-drc099-p1/metadatas/")).endsWith("/metadatas/");
        assertThat(ids.pathAndQuery("/api/v2.0/quotas?reference=project&reference_id=704&page=2&page_size=2"))
                .isEqualTo("/api/v2.0/quotas?reference=project&reference_id=1&page=2&page_size=2");
        assertThat(ids.query("q=Level%3Dproject%2CProjectID%3D704")).isEqualTo("q=Level%3Dproject%2CProjectID%3D1");
        assertThat(ids.query("q=id%3D%5B1701~%5D%2Cresource%3D~drc099&sort=id"))
                .isEqualTo("q=id%3D%5B5~%5D%2Cresource%3D~drc099&sort=id");
        assertThat(ids.query("q=username%3Dfid-u2")).isEqualTo("q=username%3Dfid-u2");
        assertThat(ids.body(json("{\"dest_registry\":{\"id\":704},\"cve_allowlist\":{\"project_id\":99},\"role_id\":3}")))
                .hasToString("{\"dest_registry\":{\"id\":1},\"cve_allowlist\":{\"project_id\":99},\"role_id\":3}");
    }
}
