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
               Optional<String> caFile, Optional<String> webhookSecret, String auth)
            implements HarborSyncConfig.SiteConfig {
        static Cfg ok(String url) {
            return new Cfg(Optional.of(url), Optional.of("admin"), Optional.of("pw-never-shown"), Optional.empty(),
                    Optional.of("hook-secret"), "auto");
        }

        Cfg ca(String file) {
            return new Cfg(url, username, password, Optional.of(file), webhookSecret, auth);
        }

        Cfg as(String user) {
            return new Cfg(url, Optional.of(user), password, caFile, webhookSecret, auth);
        }

        Cfg auth(String mode) {
            return new Cfg(url, username, password, caFile, webhookSecret, mode);
        }
    }

    @Test
    void aUserLogsInToASessionARobotUsesBasicAuthUnlessConfiguredOtherwise() {
        var sites = SiteResolver.resolve(sites("h1", Cfg.ok("https://a"), "h2", Cfg.ok("https://b").as("robot$harbor-sync"),
                "h3", Cfg.ok("https://c").auth("basic"), "h4", Cfg.ok("https://d").auth("SESSION"),
                "h5", Cfg.ok("https://e").as("robot$harbor-sync").auth("basic")));
        assertThat(sites).extracting(Site::auth).containsExactly(Site.Auth.AUTO, Site.Auth.AUTO, Site.Auth.BASIC,
                Site.Auth.SESSION, Site.Auth.BASIC);
        assertThat(sites).extracting(Site::usesSession).containsExactly(true, false, false, true, false);
    }

    @Test
    void anUnknownAuthModeOrASessionForARobotIsRefusedInOneLine() {
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a").auth("cookie"), "h2",
                Cfg.ok("https://b"))))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("harbor-sync.sites.h1.auth must be one of auto, basic, session");
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a"), "h2",
                Cfg.ok("https://b").as("robot$harbor-sync").auth("session"))))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageStartingWith("harbor-sync.sites.h2.auth: session needs a user account")
                .hasMessageNotContaining("pw-never-shown");
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
        Cfg noUrl = new Cfg(Optional.empty(), Optional.of("admin"), Optional.of("pw"), Optional.empty(), Optional.empty(), "auto");
        assertThatThrownBy(() -> SiteResolver.resolve(sites("h1", Cfg.ok("https://a"), "h2", noUrl)))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("harbor-sync.sites.h2.url is required but not set");
    }

    @Test
    void missingPasswordAndBadUrlsAreNamed() {
        Cfg noPw = new Cfg(Optional.of("https://b"), Optional.of("admin"), Optional.empty(), Optional.empty(), Optional.empty(), "auto");
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
