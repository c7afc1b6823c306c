package io.harborsync.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A webhook event as received from one site, normalised (see {@code io.harborsync.intake.WebhookParser}), or a
 * hint of the audit-log tail ({@link io.harborsync.model.EventType#AUDIT_LOG}).
 * {@code type} is Harbor's constant (PUSH_ARTIFACT, DELETE_ARTIFACT, REPLICATION, ...); {@code repository}
 * is the name inside {@code project} (without it); {@code tag} is null for an untagged artifact.
 * Any field but id, site, type and receivedAt may be null. Instants are truncated to microseconds, the
 * precision the store keeps.
 */
public record InboxEvent(long id, String site, String type, String project, String repository, String digest,
                         String tag, String operator, String requestId, Instant occurredAt, Instant receivedAt,
                         int attempts, String lastError) {
    /**
     * The type of a hint from a site's audit log (not a Harbor webhook type): {@code project} names the project
     * that rows new since the cursor touched, {@code operator} the account of the (last) row, {@code occurredAt}
     * its time. The tail already left out the daemon's own rows.
     */

    /** A hint of the audit-log tail that {@code project} changed on {@code site}. */
    public static InboxEvent auditHint(String site, String project, String operator, Instant occurredAt) {
        return new InboxEvent(0, site, io.harborsync.model.EventType.AUDIT_LOG.name(), project, null, null, null, operator, null, occurredAt, null, 0, null);
    }

    /**
     * An artifact deletion the audit-log tail read ({@code delete artifact}, resource {@code project/repo@digest}):
     * the same work as Harbor's DELETE_ARTIFACT webhook for it, stored as one, so that the worker reconciles that
     * artifact alone and recognises the webhook that follows as the same deletion.
     */
    public static InboxEvent auditDeletion(String site, String project, String repository, String digest,
                                           String operator, Instant occurredAt) {
        return new InboxEvent(0, site, io.harborsync.model.EventType.DELETE_ARTIFACT.name(), project, repository,
                digest, null, operator, null, occurredAt, null, 0, null);
    }

    public InboxEvent {
        occurredAt = occurredAt == null ? null : occurredAt.truncatedTo(ChronoUnit.MICROS);
        receivedAt = receivedAt == null ? null : receivedAt.truncatedTo(ChronoUnit.MICROS);
    }
}
