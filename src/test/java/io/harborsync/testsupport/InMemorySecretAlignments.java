package io.harborsync.testsupport;

import io.harborsync.store.SecretAlignments;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** {@link SecretAlignments} in memory, for tests that need no database. */
public final class InMemorySecretAlignments implements SecretAlignments {
    private final Map<String, Map<String, Long>> byKey = new ConcurrentSkipListMap<>();

    @Override
    public Map<String, Map<String, Long>> all() {
        return Map.copyOf(byKey);
    }

    @Override
    public void record(String robotKey, Map<String, Long> robotIdBySite) {
        if (robotIdBySite.isEmpty()) {
            byKey.remove(robotKey);
        } else {
            byKey.put(robotKey, Map.copyOf(robotIdBySite));
        }
    }

    @Override
    public void forget(String robotKey) {
        byKey.remove(robotKey);
    }
}
