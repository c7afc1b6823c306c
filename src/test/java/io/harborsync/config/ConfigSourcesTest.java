package io.harborsync.config;

import io.harborsync.sites.Sites;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The site map must be settable from environment variables (containers, the deploy/ manifests) and
 * from properties, with the exact names the README documents.
 */
class ConfigSourcesTest {

    private static HarborSyncConfig build(io.smallrye.config.common.AbstractConfigSource source) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(source)
                // Quarkus reads "5s"-style durations; plain SmallRye only ISO-8601.
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(HarborSyncConfig.class)
                .build();
        return config.getConfigMapping(HarborSyncConfig.class);
    }

    @Test
    void environmentVariablesInTheDocumentedForm() {
        HarborSyncConfig c = build(new EnvConfigSource(Map.of(
                "HARBOR_SYNC_SITES_H1_URL", "https://core.h1.harbor.domain",
                "HARBOR_SYNC_SITES_H1_USERNAME", "admin",
                "HARBOR_SYNC_SITES_H1_PASSWORD", "pw1",
                "HARBOR_SYNC_SITES_H1_CA_FILE", "/etc/harbor-sync/ca.pem",
                "HARBOR_SYNC_SITES_H1_WEBHOOK_SECRET", "hook1",
                "HARBOR_SYNC_SITES_H2_URL", "https://core.h2.harbor.domain",
                "HARBOR_SYNC_ADMIN_TOKEN", "tok",
                "HARBOR_SYNC_STORE_PATH", "/var/lib/harbor-sync"), 300));

        assertThat(c.sites()).containsOnlyKeys("h1", "h2");
        HarborSyncConfig.SiteConfig h1 = c.sites().get("h1");
        assertThat(h1.url()).hasValue("https://core.h1.harbor.domain");
        assertThat(h1.username()).hasValue("admin");
        assertThat(h1.password()).hasValue("pw1");
        assertThat(h1.caFile()).hasValue("/etc/harbor-sync/ca.pem");
        assertThat(h1.webhookSecret()).hasValue("hook1");
        assertThat(c.sites().get("h2").url()).hasValue("https://core.h2.harbor.domain");
        assertThat(c.adminToken()).hasValue("tok");
        assertThat(c.store().path()).isEqualTo("/var/lib/harbor-sync");
    }

    @Test
    void propertiesWithDefaults() {
        HarborSyncConfig c = build(new PropertiesConfigSource(Map.of(
                "harbor-sync.sites.dc-east.url", "https://a",
                "harbor-sync.sites.dc-west.url", "https://b"), "test", 100));
        assertThat(c.sites()).containsOnlyKeys("dc-east", "dc-west");
        assertThat(c.store().path()).isEqualTo("./data");
        assertThat(c.http().pageSize()).isEqualTo(100);
        assertThat(c.http().breaker().failureThreshold()).isEqualTo(5);
        assertThat(c.http().breaker().openFor()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(c.adminToken()).isEmpty();
    }

    @Test
    void breakerSettingsAndTheirMistakes() {
        HarborSyncConfig c = build(new PropertiesConfigSource(Map.of(
                "harbor-sync.http.breaker.failure-threshold", "2",
                "harbor-sync.http.breaker.open-for", "10s"), "test", 100));
        assertThat(Sites.breakerSettings(c.http().breaker()))
                .isEqualTo(new io.harborsync.harbor.CircuitBreaker.Settings(2, java.time.Duration.ofSeconds(10)));

        HarborSyncConfig negative = build(new PropertiesConfigSource(Map.of(
                "harbor-sync.http.breaker.failure-threshold", "-1"), "test", 100));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sites.breakerSettings(negative.http().breaker()))
                .isInstanceOf(ConfigProblem.class).hasMessageContaining("harbor-sync.http.breaker.failure-threshold");
        HarborSyncConfig zero = build(new PropertiesConfigSource(Map.of(
                "harbor-sync.http.breaker.open-for", "0s"), "test", 100));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sites.breakerSettings(zero.http().breaker()))
                .isInstanceOf(ConfigProblem.class).hasMessageContaining("harbor-sync.http.breaker.open-for");
    }
}
