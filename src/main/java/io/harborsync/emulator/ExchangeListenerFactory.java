package io.harborsync.emulator;

/**
 * Named by the system property {@value #PROPERTY}: every emulator the process starts gets a listener
 * from it (the daemon's demo emulators included), so a test suite can watch all Harbor traffic without
 * the emulator knowing about tests. Production sets none. (A ServiceLoader lookup was tried first; its
 * scan of jar resources broke later Quarkus test restarts in the same JVM.)
 */
public interface ExchangeListenerFactory {
    String PROPERTY = "harbor-emulator.listener-factory"; // outside harbor-sync.*: the daemon validates that prefix

    /** @param emulatorName the name of the emulator being started (its site name) */
    ExchangeListener listenerFor(String emulatorName);
}
