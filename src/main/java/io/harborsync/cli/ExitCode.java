package io.harborsync.cli;

/** The exit codes of every command: 0 done, {@link #FAILED}, {@link #USAGE}. */
public final class ExitCode {
    private ExitCode() {
    }

    /** Exit code for a failed command. */
    public static final int FAILED = 1;
    /** Exit code for a wrong argument or configuration (picocli's usage error code too). */
    public static final int USAGE = 2;
}
