package io.harborsync.intake;

import io.harborsync.intake.WebhookParser.Ignored;
import io.harborsync.intake.WebhookParser.Work;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookParserTest {
    private static final String JSON = "application/json";
    private static final String CE = "application/cloudevents+json";

    private static WebhookParser.Result parse(String sample, String contentType) throws Exception {
        return WebhookParser.parse(Samples.bytes(sample), contentType);
    }

    private static WebhookParser.Result parseText(String body, String contentType) throws Exception {
        return WebhookParser.parse(body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    @Test
    void pushDefault() throws Exception {
        assertThat(parse("push-artifact.default.json", JSON)).isEqualTo(new Work("PUSH_ARTIFACT", "team-a", "app/web",
                "sha256:3081525539689648bcceb027699f803c0f79861a68fada695e055f06e547a1ab", "1.4.2", "robot$team-a+ci",
                null, Instant.ofEpochSecond(1767864330)));
    }

    @Test
    void pushCloudEvents() throws Exception {
        assertThat(parse("push-artifact.cloudevents.json", CE)).isEqualTo(new Work("PUSH_ARTIFACT", "team-a", "app/web",
                "sha256:3081525539689648bcceb027699f803c0f79861a68fada695e055f06e547a1ab", "1.4.2", "robot$team-a+ci",
                "7f6d8e42-76d4-44d7-97e5-8422841054bf", Instant.parse("2026-01-08T09:25:30Z")));
    }

    @Test
    void deleteDefaultAndCloudEventsAgree() throws Exception {
        Work d = (Work) parse("delete-artifact.default.json", JSON);
        Work c = (Work) parse("delete-artifact.cloudevents.json", CE + "; charset=utf-8");
        assertThat(d).isEqualTo(new Work("DELETE_ARTIFACT", "team-b", "api",
                "sha256:25f9a25e9b4e50ea49b12c2a8da6b5e1e7cb1a627855042ff007209111d0dc4b", "2.0.0", "alice", null,
                Instant.ofEpochSecond(1767864912)));
        assertThat(c.type()).isEqualTo("DELETE_ARTIFACT");
        assertThat(c).usingRecursiveComparison().ignoringFields("requestId", "occurredAt").isEqualTo(d);
        assertThat(c.requestId()).isEqualTo("0e97f851-e8d0-414f-b4b0-a3fc9af37e0c");
        assertThat(c.occurredAt()).isEqualTo(Instant.parse("2026-01-08T09:35:12Z"));
    }

    @Test
    void untaggedDeleteHasNoTag() throws Exception {
        assertThat(parse("delete-artifact-untagged.default.json", JSON)).isEqualTo(new Work("DELETE_ARTIFACT", "team-a",
                "tools/builder", "sha256:4f31d6e87a534a2c2b719e54c95e00ed6ed4dce89f9857cd307a7fa60d8098a6", null,
                "admin", null, Instant.ofEpochSecond(1767865020)));
    }

    @Test
    void successfulReplicationIsWorkForTheLocalProject() throws Exception {
        assertThat(parse("replication.default.json", JSON)).isEqualTo(new Work("REPLICATION", "team-a", "app/web",
                null, "1.4.2", "robot$team-a+ci", null, Instant.ofEpochSecond(1767866001)));
    }

    @Test
    void aReplicationNamingAnEmptyProjectIsRefused() throws Exception {
        // found by HostileInputTest (seed 16127750328448): it used to be stored as work naming no project
        String empty = Samples.text("replication.default.json").replace("\"namespace\": \"team-a\"", "\"namespace\": \"\"");
        assertThatThrownBy(() -> parseText(empty, JSON)).isInstanceOf(WebhookParseException.class)
                .hasMessageContaining("namespace is empty");
    }

    @Test
    void replicationStatusChangesOtherThanSuccessAreIgnored() throws Exception {
        String running = Samples.text("replication.default.json").replace("\"Success\"", "\"Running\"");
        assertThat(parseText(running, JSON)).isInstanceOf(Ignored.class).extracting(WebhookParser.Result::type)
                .isEqualTo("REPLICATION");
    }

    @Test
    void cloudEventsReplicationTypeIsMapped() throws Exception {
        String ce = "{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"harbor.replication.status.changed\","
                + "\"time\":\"2026-01-08T09:25:30Z\",\"data\":{\"replication\":{\"job_status\":\"Success\","
                + "\"src_resource\":{\"namespace\":\"team-c\"}}},\"operator\":\"admin\",\"requestid\":\"\"}";
        assertThat(parseText(ce, CE)).isEqualTo(new Work("REPLICATION", "team-c", null, null, null, "admin", null,
                Instant.parse("2026-01-08T09:25:30Z")));
    }

    @Test
    void otherTypesAreIgnoredInBothFormats() throws Exception {
        assertThat(parseText("{\"type\":\"SCANNING_COMPLETED\",\"occur_at\":1,\"operator\":\"\",\"event_data\":{}}", JSON))
                .isEqualTo(new Ignored("SCANNING_COMPLETED", "harbor-sync does not act on SCANNING_COMPLETED events"));
        assertThat(parseText("{\"specversion\":\"1.0\",\"type\":\"harbor.quota.warned\",\"time\":\"2026-01-08T09:25:30Z\","
                + "\"data\":{}}", CE)).extracting(WebhookParser.Result::type).isEqualTo("QUOTA_WARNING");
        assertThat(parseText("{\"type\":\"SOMETHING_NEW\",\"occur_at\":1}", JSON)).isInstanceOf(Ignored.class);
    }

    @Test
    void aCloudEventSentAsPlainJsonIsStillRead() throws Exception {
        assertThat(parse("push-artifact.cloudevents.json", JSON)).extracting(WebhookParser.Result::type)
                .isEqualTo("PUSH_ARTIFACT");
    }

    @Test
    void truncatedJsonIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> parse("bad-truncated.json", JSON)).isInstanceOf(WebhookParseException.class)
                .hasMessageStartingWith("the body is not valid JSON (line");
    }

    @Test
    void wrongTypesAreRefusedNamingTheFields() {
        assertThatThrownBy(() -> parse("bad-wrong-types.json", JSON)).isInstanceOf(WebhookParseException.class)
                .hasMessageContaining("occur_at must be a whole number")
                .hasMessageContaining("operator must be a string");
        String onlyShape = Samples.text("bad-wrong-types.json").replace("\"2026-01-08T09:35:12Z\"", "1")
                .replace("17", "\"x\"");
        assertThatThrownBy(() -> parseText(onlyShape, JSON)).isInstanceOf(WebhookParseException.class)
                .hasMessageContaining("event_data.repository must be an object, got a string")
                .hasMessageContaining("event_data.resources must be an array, got an object");
    }

    @Test
    void anArtifactEventWithoutRepositoryIsRefused() {
        String body = Samples.text("push-artifact.default.json").replaceAll("(?s),\\s*\"repository\": \\{.*?\\}", "");
        assertThat(body).doesNotContain("namespace");
        assertThatThrownBy(() -> parseText(body, JSON)).isInstanceOf(WebhookParseException.class)
                .hasMessageContaining("event_data.repository is missing");
    }

    @Test
    void emptyBodiesNonObjectsAndNonJsonContentTypesAreRefused() {
        assertThatThrownBy(() -> parseText("", JSON)).hasMessageContaining("body is empty");
        assertThatThrownBy(() -> parseText("[1,2]", JSON)).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> parseText("{}", JSON)).hasMessageContaining("type is missing");
        assertThatThrownBy(() -> parse("push-artifact.default.json", "text/plain"))
                .hasMessageContaining("Content-Type must be application/json").hasMessageContaining("text/plain");
        assertThatThrownBy(() -> parse("push-artifact.default.json", null)).hasMessageContaining("got none");
        assertThatThrownBy(() -> parseText("{\"type\":\"PUSH_ARTIFACT\",\"occur_at\":1} {}", JSON))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void aDigestMustLookLikeOne() {
        String body = Samples.text("push-artifact.default.json")
                .replace("sha256:3081525539689648bcceb027699f803c0f79861a68fada695e055f06e547a1ab", "../../etc/passwd");
        assertThatThrownBy(() -> parseText(body, JSON)).hasMessageContaining("digest is not a digest");
    }

    @Test
    void overlongFieldsAreRefusedNotPassedToTheDatabase() {
        String body = Samples.text("push-artifact.default.json").replace("\"1.4.2\"", "\"" + "t".repeat(300) + "\"");
        assertThatThrownBy(() -> parseText(body, JSON)).hasMessageContaining("tag is longer than 255");
    }

    @Test
    void cloudEventsNeedSpecVersionAndTime() {
        assertThatThrownBy(() -> parseText("{\"specversion\":\"0.3\",\"type\":\"harbor.artifact.pushed\",\"time\":\"yesterday\"}", CE))
                .hasMessageContaining("specversion must be \"1.0\"")
                .hasMessageContaining("time must be an RFC 3339 timestamp, got 'yesterday'");
    }
}
