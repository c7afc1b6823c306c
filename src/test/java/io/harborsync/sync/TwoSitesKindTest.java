package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every kind test shares: two fresh emulated sites, h1 and h2, with a user client each and an in-memory base;
 * a subclass's own {@code @BeforeEach} runs after this one.
 */
abstract class TwoSitesKindTest {
    SyncFixture f;
    HarborClient h1;
    HarborClient h2;

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        h1 = f.users.get("h1");
        h2 = f.users.get("h2");
    }

    @AfterEach
    void closeSites() {
        f.close();
    }
}
