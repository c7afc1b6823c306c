package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;

import java.util.List;
import java.util.Map;

/**
 * Everything one reconcile will write, and why: made by {@link Planner} from what the sites hold and the base,
 * before anything is sent. A dry run returns it; a real run executes exactly its steps that are not held back.
 *
 * @param decisions    one per key in scope, in plan order (parents first)
 * @param steps        every write with the case that calls for it, including the writes that follow from others
 *                     (the member Harbor adds to a project copy, the daemon's webhook policies)
 * @param guard        the mass-deletion guard's verdict for each kind and site with more than one deletion
 * @param unknownSites sites that could not be read, with why
 * @param excluded     top-level keys not synced, with their kind and why
 * @param preconditions kinds not mirrored at all with these settings, with why ({@link MirroredKind#precondition})
 * @param unknownKinds per site, the top-level kinds whose listing failed there (their keys unknown there), with why
 * @param secretsNotAligned robots whose secret harbor-sync has not proven alike on every site that has them
 */
public record Plan(Scope scope, boolean forced, List<String> sites, List<Decision> decisions, List<Step> steps,
                   List<GuardVerdict> guard, List<SyncReport.Conflict> conflicts, Map<String, String> unknownSites,
                   Map<String, Excluded> excluded, Map<Kind, String> preconditions,
                   Map<String, Map<Kind, String>> unknownKinds, List<SyncReport.SecretNotAligned> secretsNotAligned) {

    /** The same plan with the robots whose secret is not aligned (known only with the secret store). */
    Plan withSecrets(List<SyncReport.SecretNotAligned> notAligned) {
        return new Plan(scope, forced, sites, decisions, steps, guard, conflicts, unknownSites, excluded,
                preconditions, unknownKinds, List.copyOf(notAligned));
    }

    /** A top-level key that is not synced (a proxy-cache project, a robot bootstrap made), with why. */
    public record Excluded(Kind kind, String reason) {
    }

    /** Why a step is in the plan. */
    public enum Origin {
        /** An operation of a key's decision (sync-model.md's table). */
        DECIDED,
        /** Removes the member Harbor makes of the creating account on a project this run copies. */
        CREATOR_OF_COPY,
        /** Puts the daemon's webhook policy in place in a project on a site. */
        DAEMON_WEBHOOK
    }

    /**
     * One write. {@code after} is the step it needs done first (a project's creation on the same site), or null;
     * {@code heldBack} when the mass-deletion guard holds it back (never sent, the key's base does not move).
     */
    public record Step(Op op, Origin origin, Decision decision, Step after, boolean heldBack) {
        Step heldBack(boolean held) {
            return new Step(op, origin, decision, after, held);
        }
    }

    /**
     * The guard's verdict on one kind's deletions on one site: more than max(1, fraction × the keys the base says
     * the site had) need force.
     */
    public record GuardVerdict(Kind kind, String site, int deletions, long known, double maxFraction, boolean forced) {
        public boolean heldBack() {
            return !forced;
        }

        public String describe() {
            return String.format("mass-deletion guard: %d of %d %ss on %s would be deleted (limit %.0f%%)%s",
                    deletions, known, kind.id(), site, maxFraction * 100,
                    forced ? "; forced" : "; run with force=true to allow");
        }
    }

    /** The steps that will be sent (not held back). */
    public List<Step> toSend() {
        return steps.stream().filter(s -> !s.heldBack()).toList();
    }
}
