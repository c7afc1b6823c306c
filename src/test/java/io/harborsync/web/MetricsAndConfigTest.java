package io.harborsync.web;

import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.*;

/**
 * /q/metrics after a scripted scenario holds the named series with the values the scenario implies,
 * and neither the metrics nor the configuration dump at /config show a secret.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
public class MetricsAndConfigTest {
    static final String TOKEN = "Bearer test-admin-token";

    @Inject
    Sites sites;

    public static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series (labels in any order), 0 if it does not exist yet. */
    public static double value(String metrics, String name, Map<String, String> labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        while (m.find()) {
            String l = m.group(1);
            if (labels.entrySet().stream().allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    @Test
    void operationsWebhooksAndGaugesAreCounted() {
        String p = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        HarborClient h1 = sites.client("h1");
        String before = scrape();
        Map<String, String> created = Map.of("kind", "project", "action", "create", "site", "h2", "result", "done");
        Map<String, String> refused = Map.of("site", "h1", "outcome", "rejected", "reason", "unauthorized");

        h1.projects().create(new ProjectReq(p, false, Map.of(), null, null, null));
        given().header("Authorization", TOKEN).post("/sync/projects/" + p).then().statusCode(200)
                .body("failed", empty());
        given().header("Authorization", "Basic bm90OnJpZ2h0").contentType("application/json").body("{}")
                .post("/webhooks/h1").then().statusCode(401);
        given().header("Authorization", TOKEN).post("/sync").then().statusCode(200);

        String after = scrape();
        assertThat(value(after, "harborsync_operations_total", created))
                .isEqualTo(value(before, "harborsync_operations_total", created) + 1);
        assertThat(value(after, "harborsync_webhook_events_total", refused))
                .isEqualTo(value(before, "harborsync_webhook_events_total", refused) + 1);
        assertThat(value(after, "harborsync_reconcile_duration_seconds_count", Map.of("scope", "project")))
                .isGreaterThanOrEqualTo(1);
        assertThat(after).contains("harborsync_inbox_pending ", "harborsync_inbox_dead_letters ");
        for (String site : new String[]{"h1", "h2"}) {
            assertThat(value(after, "harborsync_site_breaker_open", Map.of("site", site))).isZero();
            assertThat(value(after, "harborsync_drift_keys", Map.of("kind", "project", "site", site))).isZero();
            // the full reconcile above just read both sites
            assertThat(value(after, "harborsync_reconcile_last_success_age_seconds", Map.of("site", site)))
                    .isBetween(0.0, 60.0);
        }
        assertThat(after).doesNotContain("test-admin-token", "Harbor12345", p);
    }

    @Test
    void theConfigurationDumpNeedsTheTokenAndMasksSecrets() {
        given().get("/config").then().statusCode(401);
        String body = given().header("Authorization", TOKEN).get("/config").then().statusCode(200)
                .body("'harbor-sync.admin-token'.value", is(ConfigResource.MASK))
                .body("'harbor-sync.admin-token'.source", notNullValue())
                .body("'harbor-sync.http.max-concurrency'.value", is("4"))
                .extract().asString();
        assertThat(body).doesNotContain("test-admin-token");
    }

    @Test
    void maskingCoversSecretNamesAndPasswordsInsideUrls() {
        assertThat(ConfigResource.masked("harbor-sync.sites.h1.password", "pw")).isEqualTo("****");
        assertThat(ConfigResource.masked("harbor-sync.sites.h1.webhook-secret", "s")).isEqualTo("****");
        assertThat(ConfigResource.masked("harbor-sync.admin-token", "t")).isEqualTo("****");
        assertThat(ConfigResource.masked("quarkus.datasource.pg.jdbc.url",
                "jdbc:postgresql://db/hs?user=hs&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/hs?user=hs&password=****&ssl=true");
        assertThat(ConfigResource.masked("harbor-sync.sites.h1.url", "https://h1")).isEqualTo("https://h1");
    }
}
