package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code harbor-sync webhook-policies set-auth-header PROJECT NAME}: one auth header on a user's webhook policy on
 * every site, through a running daemon's admin API ({@code PUT /webhook-policies/{project}/{name}/auth-header}). The
 * header is read from standard input (typed without echo at a terminal, else the first line piped in), never from an
 * argument, and never printed.
 */
@Command(name = "webhook-policies", mixinStandardHelpOptions = true,
        description = "Users' webhook policies: one auth header on every site (via a running daemon).",
        subcommands = {WebhookPoliciesCommand.SetAuthHeader.class})
public class WebhookPoliciesCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code webhook-policies} alone: a wrong argument like any other (exit 2), not a usage text. */
    @Override
    public Integer call() {
        throw new Cli.Usage(spec.commandLine(), "missing command; the command is set-auth-header");
    }

    @Command(name = "set-auth-header", mixinStandardHelpOptions = true,
            description = "Puts the auth header read from standard input (the Authorization value Harbor sends, e.g."
                    + " 'Bearer …') on every http target of the webhook policy on every site that has it.")
    static class SetAuthHeader implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        DaemonClient daemon;
        @Parameters(index = "0", paramLabel = "PROJECT", description = "The policy's project.")
        String project;
        @Parameters(index = "1", paramLabel = "NAME", description = "The policy's name as Harbor shows it.")
        String name;

        @Override
        public Integer call() {
            String header = RobotsCommand.readSecret(spec.commandLine(), System.in,
                    "webhook policy " + project + "/" + name);
            String prefix = "harbor-sync webhook-policies set-auth-header: ";
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                ObjectNode body = JsonNodeFactory.instance.objectNode().put("auth_header", header);
                JsonNode answer = daemon.callJson("PUT", "/webhook-policies/" + RobotsCommand.path(project) + "/"
                        + RobotsCommand.path(name) + "/auth-header", body, RobotsCommand.WAIT);
                if (daemon.json()) {
                    DaemonClient.printJson(out, answer);
                } else {
                    List<String> set = new ArrayList<>();
                    List<String> absent = new ArrayList<>();
                    answer.path("sites").fields().forEachRemaining(s -> {
                        if (s.getValue().path("set").asBoolean(false)) {
                            set.add(s.getKey());
                        } else if (!s.getValue().path("found").asBoolean(true)) {
                            absent.add(s.getKey());
                        }
                    });
                    out.println("auth header of webhook policy " + name + " in " + project + " set on "
                            + (set.isEmpty() ? "no site" : String.join(", ", set))
                            + (absent.isEmpty() ? "" : "; not on " + String.join(", ", absent)));
                    out.flush();
                }
                if (answer.path("complete").asBoolean(false)) {
                    return 0;
                }
                answer.path("sites").fields().forEachRemaining(s -> {
                    if (s.getValue().has("error")) {
                        err.println(prefix + "not set on " + s.getKey() + ": "
                                + DaemonClient.oneLine(s.getValue().path("error").asText()));
                    }
                });
                err.flush();
                return ExitCode.FAILED;
            } catch (DaemonClient.Failed e) {
                err.println(prefix + e.getMessage());
                err.flush();
                return e.exit;
            }
        }
    }
}
