package io.harborsync.lab;

/** A lab step could not do its work; the message is meant for the user as it is (no secrets in it). */
public class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
