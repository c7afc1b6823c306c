package io.harborsync.store;

/** The store could not be read or written (the database failed). The state is unknown; retry later. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
