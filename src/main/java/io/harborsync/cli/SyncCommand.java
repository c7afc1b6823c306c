package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code harbor-sync sync [--dry-run] [--force] [--project NAME]}: asks a running daemon to reconcile now (its
 * POST /sync); the daemon holds the lock that keeps reconciles one at a time, so the work is done there.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Reconciles now through a running daemon; --dry-run shows the plan and changes nothing.")
public class SyncCommand implements Callable<Integer> {
    /** A full reconcile of large registries takes a while; the daemon finishes it even if we stop waiting. */
    static final Duration WAIT = Duration.ofMinutes(30);

    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    DaemonClient daemon;

    @Option(names = "--dry-run", description = "Show the planned operations with their reasons; change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Let this run pass the mass-deletion guard (check with --dry-run first).")
    boolean force;

    @Option(names = "--project", paramLabel = "NAME", description = "Only this project and everything in it.")
    String project;

    @Override
    public Integer call() {
        String path = (project == null ? "/sync"
                : "/sync/projects/" + URLEncoder.encode(project, StandardCharsets.UTF_8).replace("+", "%20"))
                + "?dryRun=" + dryRun + "&force=" + force;
        JsonNode[] answer = new JsonNode[1];
        int code = daemon.answer(spec, "sync", () -> answer[0] = daemon.call("POST", path, null, WAIT), SyncCommand::print);
        if (code == 0 && !dryRun && heldBack(answer[0])) {
            // the run worked, but not all of it: a script must not take it for a complete sync
            spec.commandLine().getErr().println("harbor-sync sync: the mass-deletion guard held deletions back (see"
                    + " skipped); check them with --dry-run, then run with --force to allow them");
            return ExitCode.FAILED;
        }
        return code;
    }

    /** Whether the run's deletions were held back by the mass-deletion guard (not forced). */
    static boolean heldBack(JsonNode r) {
        for (JsonNode i : r.path("skipped")) {
            if ("guard".equals(i.path("op").asText()) && io.harborsync.sync.Reconciler.GUARD_HELD_BACK.equals(i.path("detail").asText())) {
                return true;
            }
        }
        return false;
    }

    static void print(PrintWriter out, JsonNode r) {
        boolean dry = r.path("dryRun").asBoolean();
        out.printf("%s of %s%s: %d planned, %d done, %d failed, %d skipped, %d conflicts, %d pending%n",
                dry ? "dry run" : "reconcile", Table.text(r, "scope"), r.path("forced").asBoolean() ? " (forced)" : "",
                r.path("planned").size(), r.path("done").size(), r.path("failed").size(), r.path("skipped").size(),
                r.path("conflicts").size(), r.path("pending").size());
        if (dry) {
            out.println("nothing was changed");
        }
        JsonNode unknown = r.path("unknownSites");
        if (!unknown.isEmpty()) {
            out.println();
            out.println("sites that could not be read (nothing was decided for their keys):");
            unknown.forEach(u -> out.println("  " + u.asText()));
        }
        Table ops = new Table("SITE", "KIND", "OP", "KEY", "REASON");
        // a dry run's interest is the plan; a real run's what happened (its plan is the same as done + failed)
        if (dry) {
            StatusCommand.section(out, "planned", r.path("planned"), Integer.MAX_VALUE, ops, StatusCommand::op);
        } else {
            StatusCommand.section(out, "done", r.path("done"), Integer.MAX_VALUE, ops, StatusCommand::op);
            StatusCommand.section(out, "failed", r.path("failed"), Integer.MAX_VALUE,
                    new Table("SITE", "KIND", "OP", "KEY", "REASON"), StatusCommand::op);
        }
        StatusCommand.section(out, "skipped", r.path("skipped"), Integer.MAX_VALUE,
                new Table("SITE", "KIND", "OP", "KEY", "REASON"), StatusCommand::op);
        StatusCommand.section(out, "conflicts", r.path("conflicts"), Integer.MAX_VALUE, StatusCommand.conflictTable(),
                StatusCommand::conflict);
        StatusCommand.section(out, "pending", r.path("pending"), Integer.MAX_VALUE,
                new Table("SITE", "KIND", "OP", "KEY", "REASON"), StatusCommand::op);
        StatusCommand.preconditions(out, r.path("preconditions"));
        StatusCommand.section(out, "robot secrets not aligned (align with robots set-secret or robots rotate)",
                r.path("secretsNotAligned"), Integer.MAX_VALUE, StatusCommand.secretTable(), StatusCommand::secret);
        out.flush();
    }
}
