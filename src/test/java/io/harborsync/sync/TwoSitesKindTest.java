package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.ProjectReq;
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

    /** A private project with nothing set, as a person makes it on one site. */
    static void project(HarborClient c, String name) {
        c.projects().create(new ProjectReq(name, false, java.util.Map.of(), CveAllowlist.portable(null, java.util.List.of()), -1L, null));
    }
}
