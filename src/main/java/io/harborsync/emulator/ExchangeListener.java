package io.harborsync.emulator;

/** Sees every HTTP exchange after its response was written (or the connection dropped, status 0). */
@FunctionalInterface
public interface ExchangeListener {
    void onExchange(RecordedExchange exchange);
}
