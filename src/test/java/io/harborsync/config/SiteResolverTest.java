package io.harborsync.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SiteResolverTest {

    record Cfg(Optional<String> url, Optional<String> username, Optional<String> password,
               Optional<String> caFile, Optional<String> webhookSecret) implements HarborSyncConfig.SiteConfig {
        static Cfg ok(String url) {
            return new Cfg(Optional.of(url), Optional.of("admin"), Optional.of("pw-never-shown"), Optional.empty(),
                    Optional.of("hook-secret"));
        }

        Cfg ca(String file) {
            return new Cfg(url, username, password, Optional.of(file), webhookSecret);
        }
    }

    private static Map<String, HarborSyncConfig.SiteConfig> sites(Object... nameAndCfg) {
        Map<String, HarborSyncConfig.SiteConfig> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndCfg.length; i += 2) {
            m.put((String) nameAndCfg[i], (HarborSyncConfig.SiteConfig) nameAndCfg[i + 1]);
        }
        return m;
    }

    @Test
    void noSitesMeansDemoMode() {
        assertThat(SiteResolver.resolve(Map.of())).isEmpty();
    }

    @Test
    void twoOrMoreSitesResolveSortedByNameWithTrailingSlashRemoved() {
        var sites = SiteResolver.resolve(sites("h2", Cfg.ok("https://core.h2.harbor.domain/"),
                "h1", Cfg.ok("https://core.h1.harbor.domain"), "dc3", Cfg.ok("http://10.0.0.3:8080")));
        assertThat(sites).extracting(Site::name).containsExactly("dc3", "h1", "h2");
        assertThat(sites.get(2).url().toString()).isEqualTo("https://core.h2.harbor.domain");
        assertThat(sites.toString()).doesNotContain("pw-never-shown", "hook-secret");
    }

    @Test
    void oneSiteIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a"))))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("harbor-sync.sites")
                .hasMessageContaining("at least two sites");
    }

    @Test
    void missingUrlNamesTheExactProperty() {
        Cfg noUrl = new Cfg(Optional.empty(), Optional.of("admin"), Optional.of("pw"), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a"), "h2", noUrl)))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("harbor-sync.sites.h2.url is required but not set");
    }

    @Test
    void missingPasswordAndBadUrlsAreNamed() {
        Cfg noPw = new Cfg(Optional.of("https://b"), Optional.of("admin"), Optional.empty(), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a"), "h2", noPw)))
                .hasMessageContaining("harbor-sync.sites.h2.password");
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("ftp://a"), "h2", Cfg.ok("https://b"))))
                .hasMessageContaining("harbor-sync.sites.h1.url");
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a/api/v2.0"), "h2", Cfg.ok("https://b"))))
                .hasMessageContaining("without /api/v2.0");
    }

    @Test
    void unreadableOrNonPemCaFileIsNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a").ca(missing.toString()),
                "h2", Cfg.ok("https://b"))))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("harbor-sync.sites.h1.ca-file")
                .hasMessageContaining("cannot read");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a"),
                "h2", Cfg.ok("https://b").ca(garbage.toString()))))
                .hasMessageContaining("harbor-sync.sites.h2.ca-file");
    }

    @Test
    void configProblemsCarryNoStackTrace() {
        assertThat(new ConfigProblem("x").getStackTrace()).isEmpty();
    }
}
