package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Kind;
import io.harborsync.config.ConfigProblem;
import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborClient;
import io.harborsync.store.BaseStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The daemon's sync entry point: a reconcile of everything or of a project runs alone (periodic, /sync and
 * event-driven ones alike); reconciles of single artifacts (deletion webhooks) may run side by side, since
 * they read and write only their own keys and the event worker never runs two for the same artifact.
 * Settings are resolved from configuration; every reconcile's end is fired as a {@link ReconcileFinished} event.
 */
@ApplicationScoped
public class SyncService {
    private static final Logger LOG = Logger.getLogger(SyncService.class);

    /** Which robots' secrets the robot API proved alike (a bean of the store). */
    @Inject
    jakarta.enterprise.inject.Instance<io.harborsync.store.SecretAlignments> alignments;

    @Inject
    Sites sites;
    /** Only the leader reconciles; its token fences each batch of writes. */
    @Inject
    io.harborsync.ha.Leadership leadership;
    @Inject
    BaseStore base;
    @Inject
    HarborSyncConfig config;
    @Inject
    io.harborsync.sites.ActiveSiteName activeSite;
    /** The reconciler records its writes here; the event worker and the audit-log tail recognise them. */
    @Inject
    OwnWrites ownWrites;
    /** The one executor of every reconcile's reads and writes. */
    @Inject
    EngineExecutor executor;
    /** Status, metrics and whoever else acts on a finished reconcile observe this. */
    @Inject
    jakarta.enterprise.event.Event<ReconcileFinished> finished;

    /** Shared by artifact reconciles, exclusive for every wider one. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Resolved once; the policy in it is re-resolved per call for the active site of the moment. */
    private volatile SyncSettings settings;
    private volatile Reconciler reconciler;

    /** The port this daemon listens on; after start Quarkus holds the real one even when 0 was asked for. */
    private static int httpPort() {
        String key = io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.TEST
                ? "quarkus.http.test-port" : "quarkus.http.port";
        // Quarkus publishes the bound port as a system property, which any thread sees; the config lookup
        // depends on the calling thread's class loader (the event worker's threads are plain ones).
        String published = System.getProperty(key);
        if (published != null && published.matches("\\d+")) {
            return Integer.parseInt(published);
        }
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(key, Integer.class)
                .orElse(-1);
    }

    /**
     * Resolves and checks the sync settings; a mistake is a {@link ConfigProblem} naming the property.
     * The conflict policy follows the active site as it is now (a proxy switch changes it), so every
     * reconcile captures its own settings.
     */
    public SyncSettings settings() {
        if (settings == null || (settings.webhookUrl().isEmpty() && sites.isDemo())) {
            settings = resolve(); // a demo's webhook URL needs the bound port: not kept until it is known
        }
        return settings.withPolicy(ConflictPolicy.parse(config.conflictPolicy(), activeSite.name()));
    }

    /** What keeps kinds from being mirrored at all with the current settings, once per reason (as runs report it). */
    public List<SyncReport.Precondition> preconditions() {
        return SyncReport.Precondition.grouped(KindRegistry.standard().preconditions(settings()));
    }

    private SyncSettings resolve() {
        Set<String> names = new java.util.TreeSet<>();
        sites.all().forEach(s -> names.add(s.name()));
        String active = activeSite.name(); // checks harbor-sync.active-site
        ConflictPolicy policy;
        try {
            policy = ConflictPolicy.parse(config.conflictPolicy(), active);
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem("harbor-sync.conflict-policy: " + e.getMessage());
        }
        if (policy instanceof ConflictPolicy.FixedSite f && !names.contains(f.site())) {
            throw new ConfigProblem("harbor-sync.conflict-policy: site '" + f.site() + "' is not one of " + names);
        }
        double fraction = config.guard().maxDeleteFraction();
        if (!(fraction > 0 && fraction <= 1)) {
            throw new ConfigProblem("harbor-sync.guard.max-delete-fraction: must be > 0 and <= 1, got " + fraction);
        }
        Set<Kind> off = new java.util.HashSet<>();
        KindRegistry kinds = KindRegistry.standard();
        for (String k : config.deletion().disabledKinds().orElse(java.util.List.of())) {
            java.util.List<Kind> named = kinds.named(k.trim().toLowerCase(java.util.Locale.ROOT));
            if (named.isEmpty()) {
                throw new ConfigProblem("harbor-sync.deletion.disabled-kinds: unknown kind '" + k + "' ("
                        + String.join(", ", kinds.configNames()) + ")");
            }
            off.addAll(named);
        }
        Optional<String> hookUrl = config.webhook().url();
        if (hookUrl.isEmpty() && sites.isDemo() && httpPort() > 0) {
            hookUrl = Optional.of("http://localhost:" + httpPort()); // the demo emulators run in this process
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Site s : sites.all()) {
            s.webhookSecret().ifPresent(secret -> secrets.put(s.name(), secret));
        }
        Set<String> proxyCache = new java.util.TreeSet<>();
        config.proxyCache().registries().orElse(java.util.List.of()).forEach(r -> proxyCache.add(r.trim()));
        Map<String, String> accounts = new LinkedHashMap<>();
        sites.all().forEach(s -> accounts.put(s.name(), s.username()));
        return new SyncSettings(policy, fraction, Set.copyOf(off), hookUrl, secrets, config.members().groupType(),
                proxyCache, accounts, bootstrapRobots());
    }

    /**
     * The robots bootstrap made, per site (its record in harbor-sync.bootstrap.secrets-dir), which are never
     * mirrored; none without the file. A record that cannot be read is a configuration problem: mirroring
     * replication robots would break replication.
     */
    private static Map<String, Set<Long>> bootstrapRobots() {
        String dir = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("harbor-sync.bootstrap.secrets-dir", String.class).orElse("secrets");
        java.nio.file.Path file = java.nio.file.Path.of(dir).resolve(SyncSettings.BOOTSTRAP_RECORD);
        if (!java.nio.file.Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            Map<String, Map<String, Long>> record = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                    file.toFile(), new com.fasterxml.jackson.core.type.TypeReference<>() {
                    });
            Map<String, Set<Long>> out = new LinkedHashMap<>();
            record.forEach((site, robots) -> out.put(site, Set.copyOf(robots.values())));
            return out;
        } catch (java.io.IOException | RuntimeException e) {
            throw new ConfigProblem("harbor-sync.bootstrap.secrets-dir: " + file + " is not bootstrap's record of its"
                    + " robots (" + e.getClass().getSimpleName() + "); run harbor-sync bootstrap again or remove it");
        }
    }

    private synchronized Reconciler reconciler() {
        SyncSettings now = settings();
        if (reconciler == null || !reconciler.settings().equals(now)) {
            Map<String, HarborClient> clients = new LinkedHashMap<>();
            sites.all().forEach(s -> clients.put(s.name(), sites.client(s.name())));
            reconciler = new Reconciler(clients, base, now, Clock.systemUTC(), ownWrites, executor,
                    alignments.isResolvable() ? alignments.get() : SecretCheck.NOTHING_PROVEN)
                    .fencedBy(leadership::checkBatch) // each run gets its quick-check mode from quickCheckOf
                    .partProjects(config.reconcile().partProjects())
                    .memberAudit(config.reconcile().quickCheckAudit());
        }
        return reconciler;
    }

    public ReconcileFinished run(Scope scope, boolean dryRun, boolean force) {
        return run(scope, dryRun, force, false);
    }

    /** @param verify read everything, without the quick check, and count what it would have missed */
    public ReconcileFinished run(Scope scope, boolean dryRun, boolean force, boolean verify) {
        Lock l = scope.isArtifacts() ? lock.readLock() : lock.writeLock();
        l.lock();
        try {
            return runLocked(scope, dryRun, force, false, verify);
        } finally {
            l.unlock();
        }
    }

    /**
     * A reconcile of one project asked for by name (POST /sync/projects/{name}).
     *
     * @throws Reconciler.NoSuchProject when every site was read, none has it and the base does not know it
     */
    public ReconcileFinished runProject(String project, boolean dryRun, boolean force) {
        return runProject(project, dryRun, force, false);
    }

    /** @param verify read everything, without the quick check, and count what it would have missed */
    public ReconcileFinished runProject(String project, boolean dryRun, boolean force, boolean verify) {
        lock.writeLock().lock();
        try {
            return runLocked(Scope.project(project), dryRun, force, true, verify);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Reconciles of everything (not dry runs) finished so far. */
    private final java.util.concurrent.atomic.AtomicLong fullRuns = new java.util.concurrent.atomic.AtomicLong();

    /** When the last verify pass of everything finished (null: none since this process started). */
    private volatile java.time.Instant lastVerify;

    /**
     * The quick check of a run: off when configured off; a verify pass when asked, and for a full reconcile when
     * none ran for harbor-sync.reconcile.verify-interval (the first full reconcile of a process is one).
     */
    private QuickCheckMode quickCheckOf(Scope scope, boolean verify) {
        return quickCheckOf(config.reconcile().quickCheck(), verify, scope, lastVerify,
                config.reconcile().verifyInterval(), java.time.Instant.now());
    }

    static QuickCheckMode quickCheckOf(boolean quickCheck, boolean verify, Scope scope, java.time.Instant lastVerify,
                                       java.time.Duration verifyInterval, java.time.Instant now) {
        if (!quickCheck) {
            return QuickCheckMode.OFF;
        }
        if (verify) {
            return QuickCheckMode.VERIFY;
        }
        if (scope.isAll() && (lastVerify == null || !now.isBefore(lastVerify.plus(verifyInterval)))) {
            return QuickCheckMode.VERIFY;
        }
        return QuickCheckMode.ON;
    }

    private ReconcileFinished runLocked(Scope scope, boolean dryRun, boolean force, boolean projectMustExist,
                                        boolean verify) {
        QuickCheckMode mode = quickCheckOf(scope, verify);
        ReconcileFinished done = reconciler().reconcile(scope, dryRun, force, projectMustExist, mode);
        SyncReport r = done.report();
        if (!dryRun && scope.isAll()) {
            fullRuns.incrementAndGet();
            if (mode == QuickCheckMode.VERIFY && r.unknownSites().isEmpty()) {
                lastVerify = done.finishedAt();
            }
        }
        finished.fire(done);
        if (!dryRun && (!r.done().isEmpty() || !r.failed().isEmpty())) {
            LOG.infof("reconcile of %s: %d done, %d failed, %d conflicts, %d pending, %d unknown sites",
                    r.scope(), r.done().size(), r.failed().size(), r.conflicts().size(), r.pending().size(),
                    r.unknownSites().size());
        }
        if (!r.unknownSites().isEmpty()) {
            // Otherwise a Harbor that cannot be read leaves no trace in the log; the cause is in /status.
            LOG.warnf("reconcile of %s%s: sites %s could not be read, so nothing was decided for their keys",
                    r.scope(), dryRun ? " (dry run)" : "", r.unknownSites());
        }
        return done;
    }

    @Scheduled(every = "${harbor-sync.reconcile.interval}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void periodic() {
        if (!leadership.isLeader()) {
            return; // the leader's turn; a follower takes over the schedule when it is elected
        }
        // Waits its turn instead of skipping when the lock is taken: deletion webhooks arriving steadily hold the
        // shared lock almost all the time, and a periodic reconcile that gave way to them would never run. A
        // waiting writer goes before new artifact reconciles, so the wait is for those already running.
        long fullRunsBefore = fullRuns.get();
        lock.writeLock().lock();
        try {
            if (fullRuns.get() != fullRunsBefore) {
                return; // a reconcile of everything (POST /sync) finished while this one waited
            }
            runLocked(Scope.ALL, false, false, false, false);
        } catch (io.harborsync.ha.NotLeaderException e) {
            LOG.warnf("periodic reconcile stopped: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf("periodic reconcile failed: %s", e.getMessage());
        } finally {
            lock.writeLock().unlock();
        }
    }
}
