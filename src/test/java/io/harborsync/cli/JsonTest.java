package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commands' streaming JSON reads the trees and writes the pretty form exactly as an ObjectMapper does. */
class JsonTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static final String ANSWER = "{\"mode\":\"demo\",\"n\":3,\"big\":12345678901,\"huge\":123456789012345678901234567890,"
            + "\"fraction\":0.25,\"ok\":true,\"no\":false,\"none\":null,\"text\":\"a \\\"quoted\\\" line\\nand \\u00e9\","
            + "\"sites\":[\"h1\",\"h2\"],\"empty\":[],\"nested\":{\"items\":[{\"key\":\"p/u:carol\",\"attempts\":2},{}]}}";

    @Test
    void readsTheSameTreeAndWritesTheSamePrettyText() throws IOException {
        JsonNode ours = Json.read(ANSWER);
        JsonNode theirs = MAPPER.readTree(ANSWER);
        assertThat(ours).isEqualTo(theirs);
        assertThat(Json.pretty(ours)).isEqualTo(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(theirs))
                .contains("\n  \"sites\" : [ \"h1\", \"h2\" ],");
    }

    @Test
    void notJsonOrTwoValuesFailAndNothingIsNull() throws IOException {
        assertThatThrownBy(() -> Json.read("<html>")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Json.read("{\"a\":1} {\"b\":2}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Json.read("{\"a\":")).isInstanceOf(IOException.class);
        assertThat(Json.read("")).isNull();
    }

    @Test
    void aRequestBodyIsACompactObject() throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("site", "h\"2");
        body.put("x", "é");
        assertThat(Json.object(body)).isEqualTo(MAPPER.writeValueAsString(body));
    }
}
