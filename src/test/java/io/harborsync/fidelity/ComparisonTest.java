package io.harborsync.fidelity;

import io.harborsync.fidelity.Comparison.Diff;
import io.harborsync.fidelity.RealExchanges.Answer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the replay compares of two answers, and what it deliberately leaves alone. */
class ComparisonTest {

    private static Answer answer(int status, Map<String, String> headers, String body) {
        return new Answer(status, headers, body);
    }

    @Test
    void valuesDoNotCountButKeysOneLevelDownHeadersAndErrorCodesDo() {
        IdMap ids = new IdMap();
        ids.learn(704, 1);
        Answer real = answer(201, Map.of("content-type", "application/json", "location", "/api/v2.0/projects/704",
                "x-total-count", "3"), "[{\"id\":704,\"name\":\"p\",\"metadata\":{\"public\":\"true\"}}]");
        Answer same = answer(201, Map.of("content-type", "application/json", "location", "/api/v2.0/projects/1",
                "x-total-count", "3"), "[{\"id\":1,\"name\":\"other\",\"metadata\":{\"public\":\"false\"}}]");
        assertThat(Comparison.compare(real, same, ids, null)).isEmpty();

        Answer differs = answer(201, Map.of("content-type", "application/json; charset=utf-8",
                "location", "/api/v2.0/projects/2"), "[{\"id\":1,\"name\":\"p\",\"metadata\":{\"auto_scan\":\"true\"}}]");
        assertThat(Comparison.compare(real, differs, ids, null)).extracting(Diff::field)
                .containsExactly(Comparison.KEYS, Comparison.CONTENT_TYPE, Comparison.TOTAL_COUNT, Comparison.LOCATION);

        Answer error = answer(403, Map.of(), "{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"x\"}]}");
        Answer otherError = answer(403, Map.of(), "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"y\"}]}");
        assertThat(Comparison.compare(error, otherError, ids, null)).containsExactly(
                new Diff(Comparison.ERROR_CODE, "FORBIDDEN", "UNAUTHORIZED"));
    }

    @Test
    void theRequestIdEchoIsComparedOnlyWhenTheRequestSentOne() {
        Answer echoed = answer(200, Map.of("x-request-id", "rid"), "");
        Answer fresh = answer(200, Map.of("x-request-id", "uuid"), "");
        assertThat(Comparison.compare(echoed, fresh, new IdMap(), null)).isEmpty();
        assertThat(Comparison.compare(echoed, fresh, new IdMap(), "rid"))
                .containsExactly(new Diff(Comparison.REQUEST_ID, "true", "false"));
    }

    @Test
    void anAnswerOutsideTheSpecDiffersOnlyWhereTheRealOneWasInside() {
        String type = "validation.response.body.schema.type [Path '/src_registry'] null";
        assertThat(Comparison.spec(List.of(), List.of(type))).extracting(Diff::field).containsExactly(Comparison.SPEC);
        assertThat(Comparison.spec(List.of(type), List.of(type))).isEmpty();
        assertThat(Comparison.spec(List.of(type), List.of())).isEmpty();
    }
}
