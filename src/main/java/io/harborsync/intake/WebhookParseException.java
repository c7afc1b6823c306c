package io.harborsync.intake;

/** A webhook body that is not a Harbor event we can read; the message says what is wrong, for a 400 problem. */
public class WebhookParseException extends Exception {
    public WebhookParseException(String message) {
        super(message, null, false, false);
    }
}
