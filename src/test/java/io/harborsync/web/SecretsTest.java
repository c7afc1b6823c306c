package io.harborsync.web;

import io.harborsync.http.Secrets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    @Test
    void equalOnlyForTheExactSameSecret() {
        assertThat(Secrets.constantTimeEquals("s3cret", "s3cret")).isTrue();
        assertThat(Secrets.constantTimeEquals("s3cret", "s3creT")).isFalse();
        assertThat(Secrets.constantTimeEquals("s3cret", "s3cret ")).isFalse();
        assertThat(Secrets.constantTimeEquals("s3cret", "s3cre")).isFalse();
        assertThat(Secrets.constantTimeEquals("s3cret", "")).isFalse();
        assertThat(Secrets.constantTimeEquals("s3cret", null)).isFalse();
        assertThat(Secrets.constantTimeEquals("Bearer ünïcode", "Bearer ünïcode")).isTrue();
    }

    @Test
    void anEmptyOrMissingExpectedSecretNeverMatches() {
        assertThat(Secrets.constantTimeEquals("", "")).isFalse();
        assertThat(Secrets.constantTimeEquals(null, null)).isFalse();
        assertThat(Secrets.constantTimeEquals(null, "x")).isFalse();
    }
}
