package io.harborsync.proxy;

/**
 * The proxy could not be read or switched. The message is for operators and API callers: it names the
 * object and what went wrong in general terms, never the API server's answer body.
 *
 * @see #unreachable() the API server could not be reached at all (503) rather than refused (502)
 */
public class ProxyBackendException extends RuntimeException {
    private final boolean unreachable;

    public ProxyBackendException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    public boolean unreachable() {
        return unreachable;
    }
}
