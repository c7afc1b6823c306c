package io.harborsync.fidelity;

import io.harborsync.fidelity.Comparison.Diff;
import io.harborsync.fidelity.FidelityRules.Excuse;
import io.harborsync.fidelity.RealExchanges.Step;

import java.util.List;

/**
 * The outcome of one request step: its differences, each excused or not, and the spec violations of the request
 * and of both answers (validator message keys only).
 */
record StepResult(Step step, List<Judged> diffs, List<String> specRequest, List<String> specReal,
                  List<String> specEmu) {

    enum Verdict { MATCH, EXCUSED, MISMATCH }

    /** A difference and its excuse, or null when nothing excuses it. */
    record Judged(Diff diff, Excuse excuse) {
    }

    static StepResult of(Step step, List<Diff> diffs, List<String> specRequest, List<String> specReal,
                         List<String> specEmu) {
        List<Judged> judged = diffs.stream().map(d -> new Judged(d, FidelityRules.excuseFor(step.id(), d.field()))).toList();
        return new StepResult(step, judged, specRequest, specReal, specEmu);
    }

    Verdict verdict() {
        if (diffs.isEmpty()) return Verdict.MATCH;
        return diffs.stream().allMatch(j -> j.excuse() != null) ? Verdict.EXCUSED : Verdict.MISMATCH;
    }

    boolean matches() { return verdict() != Verdict.MISMATCH; }

    List<Judged> unexcused() { return diffs.stream().filter(j -> j.excuse() == null).toList(); }
}
