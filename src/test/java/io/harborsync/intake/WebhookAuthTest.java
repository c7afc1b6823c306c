package io.harborsync.intake;

import io.harborsync.config.Site;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookAuthTest {
    private static Site site(Optional<String> secret) {
        return new Site("h1", URI.create("https://h1.example"), "admin", "pw", Optional.empty(), secret);
    }

    @Test
    void theExactSecretIsAccepted() {
        assertThat(WebhookResource.authProblem(site(Optional.of("Bearer s3cret")), "Bearer s3cret")).isEmpty();
    }

    @Test
    void aWrongOrMissingHeaderIsRefusedWithoutEchoingTheSecret() {
        assertThat(WebhookResource.authProblem(site(Optional.of("s3cret")), "s3cret2")).get().asString()
                .contains("does not match").doesNotContain("s3cret");
        assertThat(WebhookResource.authProblem(site(Optional.of("s3cret")), null)).get().asString()
                .contains("missing Authorization");
        assertThat(WebhookResource.authProblem(site(Optional.of("s3cret")), "")).isPresent();
    }

    @Test
    void aSiteWithoutSecretRefusesEverythingAndSaysWhy() {
        assertThat(WebhookResource.authProblem(site(Optional.empty()), "anything")).get().asString()
                .contains("harbor-sync.sites.h1.webhook-secret").contains("refused");
        assertThat(WebhookResource.authProblem(site(Optional.empty()), null)).isPresent();
        assertThat(WebhookResource.authProblem(site(Optional.of("")), "")).isPresent();
    }
}
