package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/**
 * {@code harbor-sync proxy status|switch <site>}: asks a running daemon (its admin API) which site
 * core.harbor.domain points at, or switches it. The daemon is the one that knows and logs the switch;
 * this command only talks to it (through {@link DaemonClient}).
 */
@Command(name = "proxy", description = "Shows or switches the active site behind core.harbor.domain (via a running daemon).",
        mixinStandardHelpOptions = true, subcommands = {ProxyCommand.Status.class, ProxyCommand.Switch.class})
public class ProxyCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code proxy} alone: a wrong argument like any other (exit 2), not a usage text. */
    @Override
    public Integer call() {
        throw new Cli.Usage(spec.commandLine(), "missing command; the commands are status, switch");
    }

    static void print(PrintWriter out, JsonNode state) {
        out.printf("active site: %s%n", state.path("active").asText());
        StringBuilder sites = new StringBuilder();
        state.path("sites").forEach(s -> sites.append(sites.isEmpty() ? "" : ", ").append(s.asText()));
        out.printf("sites:       %s%n", sites);
        out.printf("backend:     %s%s%n", state.path("backend").asText(),
                state.hasNonNull("object") ? " (" + state.get("object").asText() + ")" : "");
        JsonNode f = state.path("failover");
        out.printf("failover:    %s%n", !f.path("enabled").asBoolean() ? "off"
                : "on (after " + f.path("threshold").asInt() + " failed checks, min-dwell " + f.path("minDwell").asText()
                + ", failback " + (f.path("failback").asBoolean() ? "on" : "off") + ")");
        JsonNode switches = state.path("lastSwitches");
        if (switches.isEmpty()) {
            out.println("no switches since the daemon started");
        } else {
            out.println("last switches:");
            switches.forEach(s -> out.printf("  %s  %s -> %s  %s  (%s)%n", s.path("at").asText(), s.path("from").asText(),
                    s.path("to").asText(), s.path("reason").asText(), s.path("by").asText()));
        }
        out.flush();
    }

    @Command(name = "status", description = "Shows the active site, the sites, and the last switches.",
            mixinStandardHelpOptions = true)
    static class Status implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        DaemonClient daemon;

        @Override
        public Integer call() {
            return daemon.answer(spec, "proxy status", () -> daemon.get("/proxy"), ProxyCommand::print);
        }
    }

    @Command(name = "switch", description = "Points core.harbor.domain at the site (a manual failover).",
            mixinStandardHelpOptions = true)
    static class Switch implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        DaemonClient daemon;
        @Parameters(index = "0", paramLabel = "SITE", description = "The site to make active, e.g. h2.")
        String site;

        @Override
        public Integer call() {
            String[] before = new String[1];
            return daemon.answer(spec, "proxy switch", () -> {
                before[0] = daemon.get("/proxy").path("active").asText();
                return daemon.call("PUT", "/proxy/active", Map.of("site", site), Duration.ofSeconds(30));
            }, (out, after) -> {
                String now = after.path("active").asText();
                out.println(now.equals(before[0]) ? site + " was already the active site"
                        : "switched: the active site is now " + now + " (was " + before[0] + ")");
                print(out, after);
            });
        }
    }
}
