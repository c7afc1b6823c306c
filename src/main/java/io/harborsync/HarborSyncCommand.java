package io.harborsync;

import io.harborsync.cli.Cli;
import io.harborsync.cli.ExitCode;
import io.harborsync.cli.ProxyCommand;
import io.harborsync.cli.RobotsCommand;
import io.harborsync.cli.StatusCommand;
import io.harborsync.cli.SyncCommand;
import io.harborsync.cli.WebhookPoliciesCommand;
import io.harborsync.bootstrap.BootstrapCommand;
import io.harborsync.lab.LabCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line. Without arguments the process is the daemon; with a command it runs that command
 * and exits. The commands that only talk to a running daemon (those with the {@link io.harborsync.cli.DaemonClient} mixin: {@code status},
 * {@code sync}, {@code proxy status|switch}) run before and without Quarkus (plain picocli, java.net.http and
 * Jackson), so they answer in a fraction of the time a Quarkus start takes. The others ({@code lab},
 * {@code bootstrap}) run inside the same Quarkus application (they share the Harbor client, the Kubernetes
 * client and the configuration), but with the daemon switched off: no HTTP port, no workers, no schedules, no
 * demo emulators and an in-memory store, so a command can run beside a daemon on the same machine without
 * fighting it for the port or the store file.
 *
 * <p>Exit codes: 0 done; {@link ExitCode#FAILED} (1) the command failed (the daemon is unreachable, refused the token,
 * or failed); {@link ExitCode#USAGE} (2) the arguments or the configuration are wrong. Every error is one line on stderr
 * that never repeats a typed value (it could be a token).
 */
@Command(name = "harbor-sync", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Keeps two Harbor registries in step; without a command it runs the daemon.",
        subcommands = {CommandLine.HelpCommand.class, LabCommand.class, BootstrapCommand.class,
                ProxyCommand.class, StatusCommand.class, SyncCommand.class, RobotsCommand.class,
                WebhookPoliciesCommand.class})
public class HarborSyncCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code harbor-sync --} or only options: there is no command to run. */
    @Override
    public Integer call() {
        throw new Cli.Usage(spec.commandLine(), "missing command; the commands are "
                + String.join(", ", spec.commandLine().getSubcommands().keySet()));
    }

}
