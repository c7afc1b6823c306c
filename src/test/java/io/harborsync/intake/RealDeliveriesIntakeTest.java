package io.harborsync.intake;

import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.store.EventInbox;
import io.harborsync.store.InboxEvent;
import io.harborsync.intake.WebhookParser.Work;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Harbor v2.15.2 deliveries replayed against POST /webhooks/h1 with the headers Harbor sent them with
 * (webhook-samples/real-headers.txt: the policy's auth_header verbatim as Authorization, the Content-Type of
 * each format, Go's User-Agent and Accept-Encoding), the Authorization value being h1's webhook secret.
 */
@QuarkusTest
class RealDeliveriesIntakeTest {
    /** Set by the HTTP client itself, or the stand-in for the secret. */
    private static final Set<String> NOT_REPLAYED = Set.of("host", "content-length");

    @Inject
    Sites sites;
    @Inject
    EventInbox inbox;

    @TestHTTPResource("/webhooks/h1")
    URL h1;

    record Delivery(String file, List<String[]> headers) {
    }

    /** The blocks of real-headers.txt: "== file" then "Name: value" lines; '#' lines are comments. */
    static List<Delivery> deliveries() {
        List<Delivery> out = new ArrayList<>();
        String file = null;
        List<String[]> headers = null;
        for (String line : Samples.text("real-headers.txt").split("\n")) {
            if (line.startsWith("== ")) {
                if (file != null) out.add(new Delivery(file, headers));
                file = line.substring(3).strip();
                headers = new ArrayList<>();
            } else if (file != null && !line.startsWith("#") && line.contains(": ")) {
                int colon = line.indexOf(": ");
                headers.add(new String[]{line.substring(0, colon), line.substring(colon + 2).strip()});
            }
        }
        if (file != null) out.add(new Delivery(file, headers));
        return out;
    }

    private HttpResponse<String> replay(Delivery d, byte[] body) throws Exception {
        String secret = sites.byName("h1").flatMap(Site::webhookSecret).orElseThrow();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h1.toString()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (String[] h : d.headers()) {
            if (NOT_REPLAYED.contains(h[0].toLowerCase())) continue;
            b.header(h[0], h[1].equals("<secret>") ? secret : h[1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHeadersFileDescribesEveryRealPayloadAndHowHarborSentIt() throws Exception {
        Map<String, Delivery> byFile = new LinkedHashMap<>();
        deliveries().forEach(d -> byFile.put(d.file(), d));
        assertThat(byFile.keySet()).containsAll(RealPayloadsParserTest.realFiles());
        for (String f : RealPayloadsParserTest.realFiles()) {
            Map<String, String> h = new LinkedHashMap<>();
            byFile.get(f).headers().forEach(x -> h.put(x[0], x[1]));
            assertThat(h).as(f).containsEntry("Authorization", "<secret>")
                    .containsEntry("Content-Type", RealPayloadsParserTest.contentType(f))
                    .containsEntry("Content-Length", Integer.toString(Samples.bytes(f).length));
        }
    }

    @Test
    void everyRealDeliveryIsAcceptedWithItsRealHeadersAndStoredAsParsed() throws Exception {
        for (Delivery d : deliveries()) {
            if (!d.file().startsWith("real-")) continue;
            HttpResponse<String> r = replay(d, Samples.bytes(d.file()));
            assertThat(r.statusCode()).as(d.file() + ": " + r.body()).isEqualTo(200);
            WebhookParser.Result expected = RealPayloadsParserTest.EXPECTED.get(d.file());
            if (expected instanceof Work w) {
                long id = io.restassured.path.json.JsonPath.from(r.body()).getLong("id");
                InboxEvent e = inbox.get(id).orElseThrow();
                assertThat(e).as(d.file()).usingRecursiveComparison()
                        .comparingOnlyFields("site", "type", "project", "repository", "digest", "tag", "operator",
                                "requestId", "occurredAt")
                        .isEqualTo(new InboxEvent(id, "h1", w.type(), w.project(), w.repository(), w.digest(), w.tag(),
                                w.operator(), w.requestId(), w.occurredAt(), null, 0, null));
            } else {
                assertThat(r.body()).as(d.file()).contains("\"ignored\":true").contains(expected.type());
            }
        }
    }

    @Test
    void aTargetWithoutAuthHeaderGetsNoAuthorizationAndIsRefused() throws Exception {
        Delivery noAuth = deliveries().stream().filter(d -> d.file().startsWith("(no file)")).findFirst().orElseThrow();
        assertThat(noAuth.headers()).noneMatch(h -> h[0].equalsIgnoreCase("Authorization"));
        HttpResponse<String> r = replay(noAuth, Samples.bytes("real-push-artifact.default.json"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("missing Authorization header");
    }
}
