package io.harborsync.sync;

import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.Outcome.Result;
import io.harborsync.sync.Outcome.StepOutcome;
import io.harborsync.sync.Plan.Origin;
import io.harborsync.sync.Plan.Step;
import io.harborsync.sync.Values.Value;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Sends a plan's steps, on the daemon's one shared executor: phase by phase (parents first on create, children
 * first on delete, the daemon's webhook policies last), each phase's projects side by side (each client bounds its
 * site's requests) and each project's steps in plan order, so a tag moving between two artifacts of a repository,
 * or a project and its members, never race. Every step gets a typed outcome; nothing is sent that is not in the plan.
 */
final class PlanExecutor {
    private static final Logger LOG = Logger.getLogger(PlanExecutor.class);
    /** MDC fields of every log line about one operation (JSON logs carry them as fields); never a secret. */
    public static final String MDC_SITE = "site";
    public static final String MDC_KIND = "kind";
    public static final String MDC_KEY = "key";
    /** Where the daemon's own webhook policies are checked: after every other write. */
    private static final int UPKEEP_PHASE = Integer.MAX_VALUE;

    private final KindRegistry kinds;
    private final Map<String, HarborClient> clients;
    private final SyncSettings settings;
    private final OwnWrites journal;
    private final Executor executor;
    /** Before each phase: throws when this process must no longer write (see {@link Reconciler#fencedBy}). */
    private final Runnable fence;

    PlanExecutor(KindRegistry kinds, Map<String, HarborClient> clients, SyncSettings settings, OwnWrites journal,
                 Executor executor, Runnable fence) {
        this.fence = fence;
        this.kinds = kinds;
        this.clients = clients;
        this.settings = settings;
        this.journal = journal;
        this.executor = executor;
    }

    private int phase(Step s) {
        if (s.origin() == Origin.DAEMON_WEBHOOK) {
            return UPKEEP_PHASE;
        }
        MirroredKind k = kinds.of(s.op().kind());
        return s.op().type() == OpType.DELETE ? k.deletePhase() : k.createPhase();
    }

    /** @return one outcome per step of the plan, in the order the steps were sent */
    List<StepOutcome> execute(Plan plan, LiveState live) {
        Map<Step, StepOutcome> outcomes = new ConcurrentHashMap<>();
        Map<Integer, Map<String, List<Step>>> phases = new TreeMap<>();
        for (Step s : plan.steps()) {
            if (s.heldBack()) {
                outcomes.put(s, new StepOutcome(s, Result.HELD_BACK, Planner.HELD_BACK_DETAIL));
                continue;
            }
            phases.computeIfAbsent(phase(s), x -> new LinkedHashMap<>())
                    .computeIfAbsent(Keys.projectOf(s.op().key()), x -> new ArrayList<>()).add(s);
        }
        int lanes = Math.max(1, clients.values().stream().mapToInt(HarborClient::maxConcurrency).sum());
        for (Map<String, List<Step>> byProject : phases.values()) {
            fence.run();
            Work work = new Work(executor).lane("apply", lanes);
            for (List<Step> projectSteps : byProject.values()) {
                work.submit("apply", () -> {
                    for (Step s : projectSteps) {
                        outcomes.put(s, run(s, outcomes, live));
                    }
                });
            }
            work.await();
        }
        // In the order they were sent: phase by phase, each in plan order (held-back steps last).
        List<StepOutcome> out = new ArrayList<>();
        phases.values().forEach(byProject -> plan.steps().stream().filter(s -> byProject.containsKey(
                Keys.projectOf(s.op().key())) && byProject.get(Keys.projectOf(s.op().key())).contains(s))
                .forEach(s -> out.add(outcomes.get(s))));
        plan.steps().stream().filter(Step::heldBack).forEach(s -> out.add(outcomes.get(s)));
        return out;
    }

    /** Sends one operation on its own, as a plan step with nothing before it. */
    StepOutcome apply(Op op, LiveState live) {
        return run(new Step(op, Origin.DECIDED, null, null, false), Map.of(), live);
    }

    private StepOutcome run(Step s, Map<Step, StepOutcome> done, LiveState live) {
        Op op = s.op();
        // everything logged while this op is applied (the Harbor client's warnings too) names it
        try (OpContext ignored = OpContext.of(op.site(), op.kind().id(), op.key())) {
            if (s.after() != null && done.get(s.after()).result() != Result.APPLIED) {
                return logged(new StepOutcome(s, Result.NOT_RUN, "not sent: " + describe(s.after().op())
                        + " did not succeed"));
            }
            try {
                if (s.origin() == Origin.DAEMON_WEBHOOK) {
                    ensureWebhook(clients.get(op.site()), op.key(), live);
                    return new StepOutcome(s, Result.APPLIED, null); // upkeep: logged by WebhookPolicies when it writes
                }
                MirroredKind.Applied applied = kinds.of(op.kind()).apply(op, new Context(op.site(), live));
                return logged(applied == MirroredKind.Applied.DEFERRED
                        ? new StepOutcome(s, Result.DEFERRED, "not resolvable on " + op.site() + " yet (e.g. the user"
                        + " never logged in there); retried by the next reconcile")
                        : new StepOutcome(s, Result.APPLIED, null));
            } catch (HarborException e) {
                return logged(new StepOutcome(s, Result.FAILED, e.getMessage()));
            }
        }
    }

    /** One write: the read told whether the policy is there (its id) and how it differs; a project made now has none. */
    private void ensureWebhook(HarborClient c, String project, LiveState live) {
        try {
            settings.webhookUrl().ifPresent(url -> WebhookPolicies.apply(c, project, url,
                    settings.webhookSecrets().get(c.site()), live.daemonWebhook(c.site(), project)
                            .flatMap(found -> found)));
        } catch (HarborException.NotFound deletedMeanwhile) {
            // deleted by a user since it was read: nothing to watch
        }
    }

    private static String describe(Op op) {
        return op.type().name().toLowerCase() + " " + op.kind().id() + " " + op.key() + " on " + op.site();
    }

    /** One line per operation outcome; the site, kind and key are also the MDC fields set by {@link OpContext}. */
    private static StepOutcome logged(StepOutcome o) {
        Op op = o.step().op();
        String what = switch (o.result()) {
            case APPLIED -> "applied";
            case DEFERRED -> "deferred";
            case FAILED -> "failed";
            default -> "not run";
        };
        LOG.logf(o.result() == Result.FAILED ? Logger.Level.WARN : Logger.Level.INFO, "%s %s %s %s on %s: %s%s", what,
                op.type().name().toLowerCase(), op.kind().id(), op.key(), op.site(), op.reason(),
                o.detail() == null ? "" : " (" + o.detail() + ")");
        return o;
    }

    /** What a kind's apply may use, for one operation on one site. */
    private final class Context implements ApplyContext {
        private final String site;
        private final LiveState live;

        Context(String site, LiveState live) {
            this.site = site;
            this.live = live;
        }

        @Override
        public HarborClient client() {
            return clients.get(site);
        }

        @Override
        public SyncSettings settings() {
            return settings;
        }

        @Override
        public Optional<Long> id(String what, String key) {
            return live.id(site, what, key);
        }

        @Override
        public Map<String, Value> readHere(Kind kind, String prefix) {
            Map<String, Value> out = new TreeMap<>();
            live.startingWith(kind, prefix).forEach((key, bySite) -> {
                Value v = bySite.get(site);
                if (v != null) {
                    out.put(key, v);
                }
            });
            return out;
        }

        @Override
        public void write(OwnWrites.Resource resource, String key, OwnWrites.Action action, Runnable request) {
            sent(journal.expect(new OwnWrites.Write(site, resource, key, action)), request);
        }

        @Override
        public void write(List<OwnWrites.Write> expected, Runnable request) {
            sent(journal.expect(expected), request);
        }

        @Override
        public boolean expecting(OwnWrites.Write write) {
            return journal.expecting(write);
        }
    }

    /**
     * Withdraws the journal's entries when Harbor's answer says the write had no effect. A timeout or a server
     * error leaves them: the write may have been done, and an entry nobody consumes only expires.
     */
    private static void sent(OwnWrites.Pending pending, Runnable request) {
        try {
            request.run();
        } catch (HarborException e) {
            if (!(e instanceof HarborException.ServerError) && !(e instanceof HarborException.Unreachable)) {
                pending.cancel();
            }
            throw e;
        } catch (RuntimeException e) {
            pending.cancel();
            throw e;
        }
    }

    /** Sets the MDC fields of one operation and restores what was there before (nested operations, callers' own). */
    static final class OpContext implements AutoCloseable {
        private static final String[] FIELDS = {MDC_SITE, MDC_KIND, MDC_KEY};
        private final Object[] previous = new Object[FIELDS.length];

        private OpContext(String... values) {
            for (int i = 0; i < FIELDS.length; i++) {
                previous[i] = MDC.get(FIELDS[i]);
                MDC.put(FIELDS[i], values[i]);
            }
        }

        static OpContext of(String site, String kind, String key) {
            return new OpContext(site, kind, key);
        }

        @Override
        public void close() {
            for (int i = 0; i < FIELDS.length; i++) {
                if (previous[i] == null) {
                    MDC.remove(FIELDS[i]);
                } else {
                    MDC.put(FIELDS[i], previous[i]);
                }
            }
        }
    }
}
