package io.harborsync.emulator;

/**
 * Outcome of one webhook job: {@code status} is the last HTTP status seen (0 = transport error or timeout),
 * {@code attempts} how many POSTs were made (at most 3, api-notes 2.2), {@code delivered} whether one got a 2xx.
 */
public record WebhookDelivery(String address, String eventType, String payloadFormat, int status, int attempts,
                              boolean delivered) {
}
