package io.harborsync.cli;

import io.harborsync.lab.BootstrapCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line. Without arguments the process is the daemon; with a command it runs that command
 * and exits. Commands run inside the same Quarkus application (they share the Harbor client, the
 * Kubernetes client and the configuration), but with the daemon switched off: no HTTP port, no
 * workers, no schedules, no demo emulators and an in-memory store, so a command can run beside a
 * daemon on the same machine without fighting it for the port or the store file.
 */
@Command(name = "harbor-sync", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Keeps two Harbor registries in step; without a command it runs the daemon.",
        subcommands = {CommandLine.HelpCommand.class, io.harborsync.lab.LabCommand.class, BootstrapCommand.class,
                ProxyCommand.class, StatusCommand.class, SyncCommand.class})
public class Cli {

    /** Exit code for a failed command (a bad argument is picocli's 2). */
    public static final int FAILED = 1;

    /** True when the arguments name a command rather than starting the daemon. */
    public static boolean isCommand(String... args) {
        return args != null && args.length > 0;
    }

    /** Called from main before Quarkus starts: switches the daemon's parts off for a one-shot command. */
    public static void prepareCommandMode() {
        setIfAbsent("quarkus.http.host-enabled", "false");
        setIfAbsent("harbor-sync.daemon.enabled", "false");
        setIfAbsent("harbor-sync.reconcile.interval", "off");
        setIfAbsent("harbor-sync.audit.interval", "off");
        setIfAbsent("harbor-sync.inbox.retry-interval", "off");
        setIfAbsent("quarkus.datasource.jdbc.url", "jdbc:h2:mem:harbor-sync-cli;DB_CLOSE_DELAY=-1");
        // Commands report progress on stdout; the log keeps to warnings and errors.
        setIfAbsent("quarkus.log.level", "WARN");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[]{"harbor-sync " + (v == null ? "(development build)" : v)};
        }
    }
}
