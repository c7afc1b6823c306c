package io.harborsync.cli;

import io.harborsync.config.ConfigProblem;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * What every command shares: the error handling (a wrong argument is one line naming the option, never the typed
 * value, exit {@link ExitCode#USAGE}; an unexpected exception one line, {@link ExitCode#FAILED}), whether a command
 * runs without Quarkus, and the command mode's settings. The top command with its subcommands is
 * {@code io.harborsync.HarborSyncCommand}: the commands of the layers above this one (lab, bootstrap) are listed
 * there, not here.
 */
public final class Cli {
    private Cli() {
    }

    /** True when the arguments name a command rather than starting the daemon. */
    public static boolean isCommand(String... args) {
        return args != null && args.length > 0;
    }

    /**
     * The command line with its error handling: a wrong argument is one line naming the option (never the typed
     * value) and exit code {@link ExitCode#USAGE}; an unexpected exception is one line and {@link ExitCode#FAILED}.
     */
    public static CommandLine commandLine(Class<?> top, CommandLine.IFactory factory) {
        CommandLine cmd = factory == null ? new CommandLine(top) : new CommandLine(top, factory);
        cmd.setParameterExceptionHandler(Cli::usageError);
        cmd.setExecutionExceptionHandler(Cli::failure);
        return cmd;
    }

    /** The commands that need the application (CDI: the sites, the Kubernetes client); the others do not. */
    static final java.util.Set<String> APPLICATION_COMMANDS = java.util.Set.of("lab", "bootstrap");

    /**
     * Whether {@code args} run without Quarkus: a command that talks to a daemon ({@link DaemonClient}), a request
     * for help or the version, or wrong arguments. False: the command needs the application (lab, bootstrap).
     */
    public static boolean runsWithoutQuarkus(CommandLine fresh, String... args) {
        if (!isCommand(args)) {
            return false;
        }
        if (!APPLICATION_COMMANDS.contains(args[0])) {
            return true; // status, sync, proxy, help, --help, --version, or a mistake: decided without a second parse
        }
        CommandLine.ParseResult parsed;
        try {
            parsed = fresh.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return true; // execute() reports it
        }
        for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
                return true;
            }
            if (r.subcommand() == null) {
                return r.commandSpec().mixins().values().stream().anyMatch(m -> m.userObject() instanceof DaemonClient);
            }
        }
        return true;
    }

    /** One line for a wrong argument: what is wrong, which command, where the help is. Never the typed value. */
    public static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        PrintWriter err = cmd.getErr();
        err.println(name + ": " + reason(e) + " (see '" + name + " --help')");
        err.flush();
        return ExitCode.USAGE;
    }

    static String reason(CommandLine.ParameterException e) {
        CommandLine cmd = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            String first = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().get(0);
            if (first.startsWith("-")) {
                // what was typed is not repeated (it may be a token pasted in the wrong place): the options are
                return "unknown option; the options are " + String.join(", ", cmd.getCommandSpec().options().stream()
                        .map(o -> String.join("/", o.names())).toList());
            }
            if (!cmd.getSubcommands().isEmpty() && cmd.getCommandSpec().positionalParameters().isEmpty()) {
                return "unknown command; the commands are " + String.join(", ", cmd.getSubcommands().keySet());
            }
            return "unexpected argument";
        }
        if (e instanceof CommandLine.MissingParameterException m) {
            if (!m.getMissing().isEmpty() && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o) {
                return o.longestName() + " needs a value";
            }
            return "missing " + m.getMissing().stream().map(a -> a.paramLabel()).reduce((a, b) -> a + ", " + b)
                    .orElse("argument");
        }
        if (e instanceof CommandLine.OverwrittenOptionException o) {
            return (o.getOverwritten() instanceof CommandLine.Model.OptionSpec spec ? spec.longestName()
                    : o.getOverwritten().paramLabel()) + " is given twice";
        }
        if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec o) {
            return "invalid value for " + o.longestName() + expected(o);
        }
        if (e.getMessage() != null && e.getMessage().startsWith("Unknown subcommand")) { // picocli's help command
            return "unknown command; the commands are " + String.join(", ", cmd.getSubcommands().keySet());
        }
        if (e.getArgSpec() != null) {
            return "invalid " + e.getArgSpec().paramLabel();
        }
        if (e instanceof CommandLine.MissingTypeConverterException || e.getMessage() == null) {
            return "invalid arguments";
        }
        // messages this project throws itself (e.g. "missing subcommand") never hold a typed value
        return e instanceof Usage ? e.getMessage() : "invalid arguments";
    }

    private static String expected(CommandLine.Model.OptionSpec o) {
        if (o.type().isEnum()) {
            StringBuilder values = new StringBuilder();
            for (Object c : o.type().getEnumConstants()) {
                values.append(values.isEmpty() ? "" : " or ").append(c);
            }
            return ": must be " + values;
        }
        return o.type() == java.net.URI.class ? ": must be an http(s) URL such as http://localhost:8080"
                + " (no user:password@, ?query or #fragment)" : "";
    }

    /** A wrong argument found by a command itself; its message is shown as it is (it must not hold typed values). */
    public static final class Usage extends CommandLine.ParameterException {
        public Usage(CommandLine cmd, String message) {
            super(cmd, message);
        }
    }

    /** An exception no command handled: one line without a stack trace; a configuration mistake exits 2. */
    static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        var problem = ConfigProblem.in(e);
        if (problem.isPresent()) {
            err.println(name + ": configuration error: " + problem.get().getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
        err.println(name + ": failed: " + e.getClass().getSimpleName());
        err.flush();
        return ExitCode.FAILED;
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

    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[]{"harbor-sync " + (v == null ? "(development build)" : v)};
        }
    }
}
