package io.harborsync;

import io.harborsync.cli.Cli;
import io.harborsync.config.ConfigCheck;
import io.harborsync.config.ConfigProblem;
import io.harborsync.sites.Sites;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Entry point. A command that only talks to a running daemon ({@code status}, {@code sync}, {@code proxy ...}),
 * {@code --help}, {@code --version} and wrong arguments are handled before Quarkus starts: no CDI, no datasource, so
 * they answer in well under a second of start-up. Otherwise the configuration's values are checked first
 * ({@link ConfigCheck}), so that a mistake ends the process with exit code 2 and one line naming the property,
 * then Quarkus starts: without arguments the daemon runs until it is stopped; with arguments that {@link Cli}
 * command (lab, bootstrap) runs and the process exits with its code.
 */
@QuarkusMain
public class HarborSyncMain implements QuarkusApplication {
    // no static Logger: it would start JBoss LogManager before main can name it the JUL manager
    public static final int CONFIG_ERROR = 2;

    @Inject
    Sites sites;

    @Inject
    io.harborsync.sync.SyncService sync;

    @Inject
    io.harborsync.ha.Leadership leadership;

    @Inject
    CommandLine.IFactory commandFactory;

    public static void main(String... args) {
        // as Quarkus's own main does: the JDK's HTTP client logs through JBoss LogManager, not JUL's default
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        OptionalInt exit = beforeQuarkus(args, ConfigProvider::getConfig, out, err);
        if (exit.isPresent()) {
            out.flush();
            err.flush();
            System.exit(exit.getAsInt());
        }
        if (Cli.isCommand(args)) {
            Cli.prepareCommandMode();
        } else {
            Optional<String> second = io.harborsync.ha.SingleReplicaLock.acquire(ConfigProvider.getConfig());
            if (second.isPresent()) {
                err.println("configuration error: " + second.get());
                err.flush();
                System.exit(CONFIG_ERROR);
            }
        }
        Quarkus.run(HarborSyncMain.class, args);
    }

    /** The command line of every command ({@link HarborSyncCommand}), with the error handling they share. */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        return Cli.commandLine(HarborSyncCommand.class, factory);
    }

    /** @see Cli#runsWithoutQuarkus */
    public static boolean runsWithoutQuarkus(String... args) {
        return Cli.runsWithoutQuarkus(commandLine(null), args);
    }

    /** Every configuration mapping of the application: {@link ConfigCheck} checks their values before Quarkus starts. */
    public static final java.util.List<Class<?>> CONFIG_MAPPINGS = java.util.List.of(
            io.harborsync.config.HarborSyncConfig.class, io.harborsync.proxy.ProxyConfig.class,
            io.harborsync.lab.LabConfig.class, io.harborsync.bootstrap.BootstrapConfig.class,
            io.harborsync.ha.HaConfig.class);

    /**
     * What happens before Quarkus starts: a command that needs no application runs here and its exit code is
     * returned; a configuration value of the wrong form is one line on {@code err} and {@link #CONFIG_ERROR}.
     * Empty: Quarkus must start (the daemon, or a command that needs it).
     */
    public static OptionalInt beforeQuarkus(String[] args, Supplier<Config> config, PrintWriter out, PrintWriter err) {
        if (runsWithoutQuarkus(args)) {
            CommandLine cmd = commandLine(null);
            cmd.setOut(out);
            cmd.setErr(err);
            return OptionalInt.of(cmd.execute(args));
        }
        Optional<String> problem = ConfigCheck.problem(config.get(), CONFIG_MAPPINGS);
        if (problem.isPresent()) {
            err.println("configuration error: " + problem.get());
            err.flush();
            return OptionalInt.of(CONFIG_ERROR);
        }
        return OptionalInt.empty();
    }

    @Override
    public int run(String... args) {
        Logger log = Logger.getLogger(HarborSyncMain.class);
        // main checked the values already; a @QuarkusMainTest comes here directly
        Optional<String> wrong = ConfigCheck.problem(ConfigProvider.getConfig(), CONFIG_MAPPINGS);
        if (wrong.isPresent()) {
            log.error("configuration error: " + wrong.get());
            return CONFIG_ERROR;
        }
        if (Cli.isCommand(args)) {
            return commandLine(commandFactory).execute(args);
        }
        try {
            sites.all();
            sync.settings();
            leadership.checkConfiguration();
        } catch (RuntimeException e) {
            ConfigProblem problem = ConfigProblem.in(e).orElseThrow(() -> e);
            log.error("configuration error: " + problem.getMessage());
            return CONFIG_ERROR;
        }
        Quarkus.waitForExit();
        return 0;
    }
}
