package io.harborsync.lab;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs lab steps in order with one progress line each ({@code [2/6] coredns ... patched}). The first
 * failing step stops the run; the exception names the step and later steps don't run.
 */
public class Lab {
    private final List<LabStep> steps;

    public Lab(List<? extends LabStep> steps) {
        List<LabStep> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparingInt(LabStep::order));
        Set<String> names = new HashSet<>();
        for (LabStep s : sorted) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("two lab steps are named '" + s.name() + "'");
            }
        }
        this.steps = List.copyOf(sorted);
    }

    public List<LabStep> steps() {
        return steps;
    }

    public Optional<LabStep> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** {@code lab up}: every step in order. */
    public void up(LabContext lab, PrintWriter out) {
        run("up", steps, lab, out);
    }

    /** {@code lab <name>}: one step alone. */
    public void runStep(String name, LabContext lab, PrintWriter out) {
        LabStep step = step(name).orElseThrow(() -> new LabException("unknown lab step '" + name + "' (steps: "
                + String.join(", ", steps.stream().map(LabStep::name).toList()) + ")"));
        run(name, List.of(step), lab, out);
    }

    private static void run(String action, List<LabStep> steps, LabContext lab, PrintWriter out) {
        int n = steps.size();
        for (int i = 0; i < n; i++) {
            LabStep step = steps.get(i);
            // The line starts before the step runs: some steps take minutes.
            out.printf("[%d/%d] %s ... ", i + 1, n, step.name());
            out.flush();
            LabStep.Outcome outcome;
            try {
                outcome = step.apply(lab);
            } catch (Exception e) {
                out.println("failed");
                out.flush();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new LabException("lab " + action + " failed at step '" + step.name() + "': " + describe(e), e);
            }
            out.println(outcome.detail());
            out.flush();
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
