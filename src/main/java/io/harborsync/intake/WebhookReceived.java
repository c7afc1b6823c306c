package io.harborsync.intake;

/**
 * Fired asynchronously ({@code Event#fireAsync}) after a webhook event was stored in the inbox as
 * {@code inboxId}; observe it with {@code @ObservesAsync}. A hint only: the inbox row is the durable truth.
 * {@code project} may be null (a replication event that names no project).
 */
public record WebhookReceived(long inboxId, String site, String type, String project) {
}
