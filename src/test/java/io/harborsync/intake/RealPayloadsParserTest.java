package io.harborsync.intake;

import io.harborsync.intake.WebhookParser.Ignored;
import io.harborsync.intake.WebhookParser.Result;
import io.harborsync.intake.WebhookParser.Work;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every payload captured from a real Harbor v2.15.2 (webhook-samples/real-*, README there), parsed with the
 * Content-Type Harbor sent it with (real-headers.txt): what harbor-sync takes from each.
 */
class RealPayloadsParserTest {
    private static final String PROJECT = "fid-p7sal-hooks";
    private static final String REQID_PROJECT = "fid-pukn2-reqid";
    private static final String V1 = "sha256:f61744705e0f6eddb7128864ffc7a7bbc416a0253a859d7dab43bf195c8ee23d";
    private static final String V2 = "sha256:d346172bbb982c7d3691cee5ab4c3b1b0c068ffadc5899455eefce597869376a";
    private static final String V3 = "sha256:f319c94e6e9d5c7fe4fc8f5d5bb3c2a2a314f9bd06a819034d81c66fd57ba132";

    /** file → what the parser must make of it. */
    static final Map<String, Result> EXPECTED = new LinkedHashMap<>();

    static {
        // a push by a user (crane push as admin)
        EXPECTED.put("real-push-artifact.default.json", new Work("PUSH_ARTIFACT", PROJECT, "app", V1, "v1", "admin",
                null, Instant.ofEpochSecond(1796111453)));
        EXPECTED.put("real-push-artifact.cloudevents.json", new Work("PUSH_ARTIFACT", PROJECT, "app", V1, "v1", "admin",
                "dcb8f72a-ba33-4c95-89f6-4a1731507ea4", Instant.parse("2026-12-01T07:50:53Z")));
        // a user deletes one artifact; the repository stays
        EXPECTED.put("real-delete-artifact.default.json", new Work("DELETE_ARTIFACT", PROJECT, "app", V2, "v2", "admin",
                null, Instant.ofEpochSecond(1796111477)));
        EXPECTED.put("real-delete-artifact.cloudevents.json", new Work("DELETE_ARTIFACT", PROJECT, "app", V2, "v2",
                "admin", "85e3d4d1-e8c8-4ed1-9a24-11ddbb9cc9b7", Instant.parse("2026-12-01T07:51:17Z")));
        // the DELETE carried X-Request-Id: Harbor echoes it as requestid
        EXPECTED.put("real-delete-artifact-with-request-id.cloudevents.json", new Work("DELETE_ARTIFACT", REQID_PROJECT,
                "app", "sha256:d1c377f10ba941714405e35b000dab748a186def8cc44ed84feebc1a9d416566", "v1", "admin",
                "harbor-sync-fid-pukn2-1", Instant.parse("2026-12-01T07:55:18Z")));
        // the artifact went with its repository (no date_created)
        EXPECTED.put("real-delete-artifact-repository-delete.default.json", new Work("DELETE_ARTIFACT", PROJECT, "app",
                V3, "v3", "admin", null, Instant.ofEpochSecond(1796111532)));
        EXPECTED.put("real-delete-artifact-repository-delete.cloudevents.json", new Work("DELETE_ARTIFACT", REQID_PROJECT,
                "app", "sha256:10d877d22275a863a80f4ec4ca470c4d1cb781703296d92e1110b373c8ce7da7", "v2", "admin",
                "harbor-sync-fid-pukn2-2", Instant.parse("2026-12-01T07:55:18Z")));
        // a tag-retention run deleted it: the operator is Harbor's job service, not a person
        EXPECTED.put("real-delete-artifact-by-retention.default.json", new Work("DELETE_ARTIFACT", PROJECT, "app", V1,
                "v1", "harbor-jobservice", null, Instant.ofEpochSecond(1796111494)));
        EXPECTED.put("real-delete-artifact-by-retention.cloudevents.json", new Work("DELETE_ARTIFACT", PROJECT, "app", V1,
                "v1", "harbor-jobservice", "88a476ad-0282-4adc-a66f-0317dbab2829", Instant.parse("2026-12-01T07:51:34Z")));
        // replication tasks of the event-based (trigger_type EVENT) h1 -> h2 policy: Success is a hint naming the
        // local project (src_resource has no registry_name), the repository from name_tag, the tag from references
        EXPECTED.put("real-replication.default.json", new Work("REPLICATION", PROJECT, "app", null, "v1", "admin", null,
                Instant.ofEpochSecond(1796111456)));
        EXPECTED.put("real-replication.cloudevents.json", new Work("REPLICATION", PROJECT, "app", null, "v1", "admin",
                "452c5d6b-d66d-40db-a192-1764a3f3c876", Instant.parse("2026-12-01T07:50:56Z")));
        EXPECTED.put("real-replication-deletion.default.json", new Work("REPLICATION", PROJECT, "app", null, "v2", "admin",
                null, Instant.ofEpochSecond(1796111478)));
        EXPECTED.put("real-replication-deletion.cloudevents.json", new Work("REPLICATION", PROJECT, "app", null, "v2",
                "admin", "a11bcc09-386a-48d6-bc47-4fb777b7f83c", Instant.parse("2026-12-01T07:51:18Z")));
        Ignored running = new Ignored("REPLICATION", "replication task Running: only Success means content arrived");
        EXPECTED.put("real-replication-running.default.json", running);
        EXPECTED.put("real-replication-running.cloudevents.json", running);
        // the retention run's summary: its deletions arrive as DELETE_ARTIFACT above
        Ignored retention = new Ignored("TAG_RETENTION", "harbor-sync does not act on TAG_RETENTION events");
        EXPECTED.put("real-tag-retention.default.json", retention);
        EXPECTED.put("real-tag-retention.cloudevents.json", retention);
    }

    /** The Content-Type Harbor sent each file with: application/json for Default, cloudevents+json otherwise. */
    static String contentType(String file) {
        return file.endsWith(".cloudevents.json") ? "application/cloudevents+json" : "application/json";
    }

    static Set<String> realFiles() throws URISyntaxException, java.io.IOException {
        Path dir = Path.of(RealPayloadsParserTest.class.getClassLoader().getResource(Samples.DIR + "README.md").toURI())
                .getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("real-") && f.endsWith(".json"))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    @Test
    void everyRealPayloadIsCovered() throws Exception {
        assertThat(realFiles()).hasSize(17).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @Test
    void eachRealPayloadIsReadAsHarborMeantIt() throws Exception {
        for (Map.Entry<String, Result> e : EXPECTED.entrySet()) {
            Result got = WebhookParser.parse(Samples.bytes(e.getKey()), contentType(e.getKey()));
            assertThat(got).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void bothFormatsOfOneDeliveryAgreeOnEverythingButTheRequestId() throws Exception {
        for (String def : EXPECTED.keySet().stream().filter(f -> f.endsWith(".default.json")).toList()) {
            String ce = def.replace(".default.json", ".cloudevents.json");
            if (!EXPECTED.containsKey(ce) || !(EXPECTED.get(def) instanceof Work)) continue;
            if (def.startsWith("real-delete-artifact-repository-delete")) continue; // two different deliveries
            Work d = (Work) WebhookParser.parse(Samples.bytes(def), contentType(def));
            Work c = (Work) WebhookParser.parse(Samples.bytes(ce), contentType(ce));
            // one delivery: the CloudEvent's RFC 3339 time is the Default's occur_at
            assertThat(c).as(ce).usingRecursiveComparison().ignoringFields("requestId").isEqualTo(d);
            assertThat(d.requestId()).as("Default carries no request id").isNull();
            assertThat(c.requestId()).as(ce).isNotBlank();
        }
    }

    @Test
    void cloudEventsAreReadWhateverTheirDataContentTypeSays() throws Exception {
        // Harbor's CloudEvents say datacontenttype application/json; the Content-Type header decides the format
        String file = "real-push-artifact.cloudevents.json";
        assertThat(Samples.text(file)).contains("\"datacontenttype\":\"application/json\"");
        assertThat(WebhookParser.parse(Samples.bytes(file), "application/cloudevents+json; charset=utf-8"))
                .isEqualTo(EXPECTED.get(file));
    }
}
