package io.harborsync.testsupport;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One picocli command run in-process: its exit code and what it printed to out and err. */
public record CliRun(int exit, String out, String err) {

    public static CliRun of(CommandLine cmd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
