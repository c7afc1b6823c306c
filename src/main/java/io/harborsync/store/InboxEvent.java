package io.harborsync.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A webhook event as received from one site, normalised (see {@code io.harborsync.webhook.WebhookParser}).
 * {@code type} is Harbor's constant (PUSH_ARTIFACT, DELETE_ARTIFACT, REPLICATION, ...); {@code repository}
 * is the name inside {@code project} (without it); {@code tag} is null for an untagged artifact.
 * Any field but id, site, type and receivedAt may be null. Instants are truncated to microseconds, the
 * precision the store keeps.
 */
public record InboxEvent(long id, String site, String type, String project, String repository, String digest,
                         String tag, String operator, String requestId, Instant occurredAt, Instant receivedAt,
                         int attempts, String lastError) {
    public InboxEvent {
        occurredAt = occurredAt == null ? null : occurredAt.truncatedTo(ChronoUnit.MICROS);
        receivedAt = receivedAt == null ? null : receivedAt.truncatedTo(ChronoUnit.MICROS);
    }
}
