package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.sync.Outcome.KeyOutcome;
import io.harborsync.sync.Outcome.Result;
import io.harborsync.sync.Outcome.Status;
import io.harborsync.sync.Outcome.StepOutcome;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reconcile, done (or planned, for a dry run): its plan, each step's and each key's typed outcome, and the
 * report the API shows. Fired as a CDI event by {@code SyncService}; status, metrics and the inbox worker act on
 * the typed parts.
 *
 * @param steps one per plan step (empty for a dry run)
 * @param keys  one per decided key; a reconcile of every project, which works through its projects in parts (issue
 *              18), lists only the keys not found in sync, and counts the others in {@code keysInSync}
 * @param quickCheckMisses what a verify pass found that the quick check's marks did not show (empty otherwise)
 * @param quickCheckTaken  how many repositories this run took from the base on a site instead of listing them
 * @param keysInSync       how many decided keys every site had alike, as the base says
 */
public record ReconcileFinished(Plan plan, boolean dryRun, Instant startedAt, Instant finishedAt,
                                List<StepOutcome> steps, List<KeyOutcome> keys, SyncReport report,
                                List<QuickCheckMiss> quickCheckMisses, int quickCheckTaken,
                                long keysInSync) {

    public Scope scope() {
        return plan.scope();
    }

    /** Sites that could not be read, with why. */
    public Map<String, String> unknownSites() {
        return plan.unknownSites();
    }

    /** The guard verdicts that held deletions back (not forced). */
    public List<Plan.GuardVerdict> heldBack() {
        return plan.guard().stream().filter(Plan.GuardVerdict::heldBack).toList();
    }

    /**
     * The keys this run did not settle, with why: a write that failed (a step not sent because the one it needed
     * failed adds nothing: that one is listed), a state that could not be
     * read or was not what was written. Held-back keys are reported by {@link #heldBack}; deferred ones wait for a
     * later run by design and are not listed.
     */
    public Map<String, String> unsettled() {
        Map<String, String> out = new LinkedHashMap<>();
        for (StepOutcome s : steps) {
            if (s.result() == Result.FAILED) {
                out.putIfAbsent(s.step().op().key(), "operation failed: " + s.detail());
            }
        }
        for (KeyOutcome k : keys) {
            if (k.status() == Status.UNKNOWN || k.status() == Status.FAILED) {
                out.putIfAbsent(k.key(), k.detail());
            }
        }
        return out;
    }

    /** The keys with the given status. */
    public List<KeyOutcome> withStatus(Status status) {
        return keys.stream().filter(k -> k.status() == status).toList();
    }
}
