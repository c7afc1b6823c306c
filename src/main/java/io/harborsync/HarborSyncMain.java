package io.harborsync;

import io.harborsync.config.ConfigProblem;
import io.harborsync.config.Sites;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Entry point: checks the configuration first, so that a mistake ends the process with exit code 2
 * and one line naming the property, then runs the daemon until it is stopped.
 */
@QuarkusMain
public class HarborSyncMain implements QuarkusApplication {
    private static final Logger LOG = Logger.getLogger(HarborSyncMain.class);
    public static final int CONFIG_ERROR = 2;

    @Inject
    Sites sites;

    @Inject
    io.harborsync.sync.SyncService sync;

    public static void main(String... args) {
        Quarkus.run(HarborSyncMain.class, args);
    }

    @Override
    public int run(String... args) {
        try {
            sites.all();
            sync.settings();
        } catch (RuntimeException e) {
            ConfigProblem problem = ConfigProblem.in(e).orElseThrow(() -> e);
            LOG.error("configuration error: " + problem.getMessage());
            return CONFIG_ERROR;
        }
        Quarkus.waitForExit();
        return 0;
    }
}
