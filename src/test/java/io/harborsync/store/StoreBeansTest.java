package io.harborsync.store;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon's stores are beans over the default datasource, migrated by Flyway at start. */
@QuarkusTest
class StoreBeansTest {
    @Inject
    BaseStore base;
    @Inject
    EventInbox inbox;
    @Inject
    CursorStore cursors;
    @Inject
    SecretAlignments alignments;

    @Test
    void storesAreInjectableAndWorkOnTheMigratedSchema() {
        String key = "store-beans-test-" + System.nanoTime();
        base.put(new BaseRecord("test-kind", key, "{}", Set.of("h1"), Instant.now()));
        assertThat(base.get("test-kind", key)).isPresent();
        base.delete("test-kind", key);

        cursors.set("store-beans-test", 5);
        assertThat(cursors.get("store-beans-test")).hasValue(5);

        assertThat(inbox.pendingCount()).isGreaterThanOrEqualTo(0);

        alignments.record("robot:" + key, java.util.Map.of("h1", 7L));
        assertThat(alignments.all()).containsEntry("robot:" + key, java.util.Map.of("h1", 7L));
        alignments.forget("robot:" + key);
    }
}
