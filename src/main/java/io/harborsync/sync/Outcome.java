package io.harborsync.sync;

import io.harborsync.model.Kind;
/** What became of one planned step, and of one key, in a run. Typed: nobody parses text the engine wrote. */
public final class Outcome {
    private Outcome() {
    }

    public enum Result {
        /** Sent and answered as done (or its goal state was there already). */
        APPLIED,
        /** Not possible on the site yet (e.g. a user who never logged in there): a later reconcile retries. */
        DEFERRED,
        /** Sent and refused, or the answer did not come: the key's base does not move. */
        FAILED,
        /** Not sent: the step it needed failed. */
        NOT_RUN,
        /** Not sent: the mass-deletion guard held it back. */
        HELD_BACK
    }

    /** @param detail why it failed or was not run (Harbor's answer, never a secret); null when applied */
    public record StepOutcome(Plan.Step step, Result result, String detail) {
    }

    public enum Status {
        /** Every site agrees; the base says so. */
        IN_SYNC,
        /** The key's writes were applied and the sites now agree. */
        APPLIED,
        /** The sites' copies are replication's to make: Harbor will copy them. */
        PENDING,
        /** Left as is this run: deferred writes, deletion propagation off, or a conflict nobody wins. */
        DEFERRED,
        /** Some site's state of the key could not be read: nothing decided. */
        UNKNOWN,
        /** A write failed, or the state after the writes is not what was written: retried by the next reconcile. */
        FAILED,
        /** Its deletions were held back by the mass-deletion guard. */
        HELD_BACK
    }

    /** @param detail why, when not applied or in sync (the case's explanation, Harbor's answer) */
    public record KeyOutcome(Kind kind, String key, Status status, String detail) {
    }
}
