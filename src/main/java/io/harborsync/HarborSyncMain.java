package io.harborsync;

import io.harborsync.cli.Cli;
import io.harborsync.config.ConfigProblem;
import io.harborsync.config.Sites;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import picocli.CommandLine;

/**
 * Entry point. Without arguments: checks the configuration first, so that a mistake ends the process
 * with exit code 2 and one line naming the property, then runs the daemon until it is stopped. With
 * arguments: runs that {@link Cli} command and exits with its code.
 */
@QuarkusMain
public class HarborSyncMain implements QuarkusApplication {
    private static final Logger LOG = Logger.getLogger(HarborSyncMain.class);
    public static final int CONFIG_ERROR = 2;

    @Inject
    Sites sites;

    @Inject
    io.harborsync.sync.SyncService sync;

    @Inject
    CommandLine.IFactory commandFactory;

    public static void main(String... args) {
        if (Cli.isCommand(args)) {
            Cli.prepareCommandMode();
        }
        Quarkus.run(HarborSyncMain.class, args);
    }

    @Override
    public int run(String... args) {
        if (Cli.isCommand(args)) {
            return new CommandLine(Cli.class, commandFactory).execute(args);
        }
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
