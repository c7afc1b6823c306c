package io.harborsync.lab;

import io.harborsync.cli.ExitCode;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code harbor-sync lab ...}: builds the two-Harbor lab on a local kind cluster. {@code lab up} runs every
 * step in order and can be run again (each step changes only what is missing); each step also runs alone.
 * A step added elsewhere (a {@link LabStep} bean) joins {@code lab up} by itself; to run it alone, add a
 * one-line method here like {@link #tls()}.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Builds the local two-Harbor lab: kind cluster, Contour, CoreDNS entries, TLS, Harbors h1 and h2,"
                + " the proxy and the replication bootstrap.")
public class LabCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Inject
    Lab lab;

    @Inject
    LabSettings settings;

    @Inject
    KindCli kind;

    @Inject
    ClusterStep cluster;

    /** Where steps get their cluster; the kind cluster unless a test sets it. */
    Supplier<LabContext> contexts;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "up", description = "Runs every step in order; safe to run again.")
    int up() {
        return withLab(c -> lab.up(c, out()));
    }

    @Command(name = "down", description = "Deletes the kind cluster (cert/ is kept for the next lab up).")
    int down() {
        return guarded(() -> {
            String name = settings.clusterName();
            out().println(cluster.delete(name) ? "deleted kind cluster " + name : "no kind cluster " + name + ": nothing to delete");
        });
    }

    @Command(name = "cluster", description = "Creates the kind cluster if kind does not list it.")
    int cluster() {
        return step("cluster");
    }

    @Command(name = "contour", description = "Installs Contour; Envoy on node ports 30080/30443.")
    int contour() {
        return step("contour");
    }

    @Command(name = "coredns", description = "Points the lab host names at Envoy in CoreDNS.")
    int coredns() {
        return step("coredns");
    }

    @Command(name = "tls", description = "Makes the lab CA and Harbor certificate (cert/) and the harbor-tls secrets.")
    int tls() {
        return step("tls");
    }

    @Command(name = "harbor", description = "Installs or upgrades Harbor in h1 and h2 with Helm.")
    int harbor() {
        return step("harbor");
    }

    @Command(name = "proxy", description = "Creates the proxy for core.harbor.domain (deploy/proxy); keeps the active site.")
    int proxy() {
        return step("proxy");
    }

    @Command(name = "bootstrap", description = "Replication with deletions between h1 and h2, robots, webhooks,"
            + " and the deployed daemon's secret.")
    int bootstrap() {
        return step("bootstrap");
    }

    int step(String name) {
        return withLab(c -> lab.runStep(name, c, out()));
    }

    private int withLab(Consumer<LabContext> action) {
        return guarded(() -> {
            try (LabContext context = contexts != null ? contexts.get() : LabContext.forKindCluster(settings, kind)) {
                action.accept(context);
            }
        });
    }

    private int guarded(Runnable action) {
        try {
            action.run();
            return 0;
        } catch (LabException e) {
            err().println(e.getMessage());
            return ExitCode.FAILED;
        } catch (RuntimeException e) {
            err().println("lab failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ExitCode.FAILED;
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
