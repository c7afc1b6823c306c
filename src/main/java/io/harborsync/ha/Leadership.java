package io.harborsync.ha;

import io.harborsync.config.ConfigProblem;
import io.harborsync.config.HarborSyncConfig;
import io.harborsync.harbor.WriteFence;
import io.harborsync.store.LeaderFence;
import io.harborsync.store.StoreException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This replica's role. Exactly one replica, the leader, reconciles, drains the inbox, tails the audit logs and
 * switches the proxy; every replica takes webhooks into the shared inbox. The leader is chosen by an
 * {@link Election}; this class holds the fencing token that the leader got from the store ({@link LeaderFence})
 * and is the {@link WriteFence} of every Harbor client: a write leaves only while this replica certainly leads
 * (its lease not run out by its own monotonic clock), and before each batch of writes {@link #checkBatch} also
 * compares the token with the store's, so a replica that was frozen past its lease writes nothing after it wakes.
 */
@ApplicationScoped
public class Leadership implements WriteFence {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    public enum Role { LEADER, FOLLOWER, STARTING, NOT_RUNNING }

    /** Who leads, as this replica knows it; url may be empty when not known yet. */
    public record Leader(String id, String url) {
    }

    /** What /status, the dashboard and the readiness check show. */
    public record View(Role role, String replica, String election, Optional<Leader> leader, long epoch,
                       long changes) {
    }

    @Inject
    HaConfig ha;
    @Inject
    HarborSyncConfig config;
    @Inject
    LeaderFence fence;
    @Inject
    Event<LeadershipChanged> changed;
    @Inject
    Instance<KubernetesElectionFactory> kubernetes;

    private volatile Role role = Role.NOT_RUNNING;
    private volatile Election election;
    private volatile long epoch;
    private volatile Leader leaderSeen;
    private final AtomicLong changes = new AtomicLong();
    private String replica;
    private String url;
    private String mode;

    /** After the store (Flyway) and before the workers, which ask {@link #isLeader} before they work. */
    void onStart(@Observes @Priority(10) StartupEvent ev) {
        if (!config.daemon().enabled()) {
            return; // a one-shot command: it writes only what its user asked for
        }
        try {
            start();
        } catch (ConfigProblem e) {
            startProblem = e; // the entry point reports it in one line and exits 2 (see checkConfiguration)
            role = Role.NOT_RUNNING;
        }
    }

    private volatile ConfigProblem startProblem;

    /** @throws ConfigProblem when the election settings cannot work (found at start) */
    public void checkConfiguration() {
        if (startProblem != null) {
            throw startProblem;
        }
    }

    /** Makes the elections; tests put their own in ({@link #restartWith}). */
    private java.util.function.Supplier<Election> elections = this::newElection;

    synchronized void start() {
        replica = Replica.id(ha);
        url = Replica.advertiseUrl(ha);
        mode = mode();
        role = Role.STARTING;
        campaign();
        LOG.infof("leadership: %s, this replica is %s", election.describe(), replica);
    }

    /** Which campaign the listener calls belong to: a late call from a closed election changes nothing. */
    private int generation;

    /** Closes the running election, if any, and campaigns with a new one. */
    private synchronized void campaign() {
        Election old = election;
        if (old != null) {
            old.close();
        }
        generation++;
        election = elections.get();
        election.start(new Listener(generation));
    }

    /** Leader to follower: the token is gone and the change is counted, logged and announced. */
    private synchronized boolean stepDown(String why) {
        if (role != Role.LEADER) {
            if (role == Role.STARTING) {
                role = Role.FOLLOWER;
            }
            return false;
        }
        role = Role.FOLLOWER;
        epoch = 0;
        changes.incrementAndGet();
        LOG.warnf("leadership: this replica (%s) is a follower now: %s", replica, why);
        changed.fireAsync(new LeadershipChanged(false, 0, why));
        return true;
    }

    void onStop(@Observes ShutdownEvent ev) {
        Election e = election;
        if (e != null) {
            e.close(); // gives the lease or the lock back: another replica takes over without waiting for it
        }
        role = Role.NOT_RUNNING;
    }

    /** The election mode, from harbor-sync.ha.election and the store; a combination that cannot work is refused. */
    String mode() {
        return mode(ha.election(), pgActive(), System.getenv("KUBERNETES_SERVICE_HOST") != null);
    }

    static String mode(String election, boolean pg, boolean inPod) {
        String m = election.trim().toLowerCase(java.util.Locale.ROOT);
        switch (m) {
            case "auto":
                if (!pg) {
                    return "none";
                }
                return inPod ? "kubernetes" : "postgres";
            case "kubernetes", "postgres":
                if (!pg) {
                    throw new ConfigProblem("harbor-sync.ha.election=" + m + " needs the PostgreSQL store"
                            + " (quarkus.datasource.pg.active=true): the H2 store is single-replica");
                }
                return m;
            case "none":
                if (pg) {
                    throw new ConfigProblem("harbor-sync.ha.election=none: with the PostgreSQL store replicas must"
                            + " elect a leader (auto, kubernetes or postgres), or two of them would write");
                }
                return m;
            default:
                throw new ConfigProblem("harbor-sync.ha.election: '" + election
                        + "' is not one of auto, kubernetes, postgres, none");
        }
    }

    private static boolean pgActive() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.pg.active", Boolean.class)
                .orElse(false);
    }

    private Election newElection() {
        return switch (mode) {
            case "kubernetes" -> kubernetes.get().create(ha, replica);
            case "postgres" -> {
                var c = ConfigProvider.getConfig();
                yield new PostgresLockElection(
                        c.getValue("quarkus.datasource.pg.jdbc.url", String.class),
                        c.getOptionalValue("quarkus.datasource.pg.username", String.class).orElse(null),
                        c.getOptionalValue("quarkus.datasource.pg.password", String.class).orElse(null),
                        ha.leaseName(), replica, ha.leaseDuration(), ha.retryPeriod());
            }
            default -> new SingleReplica();
        };
    }

    /** True while this replica certainly leads: elected, and its lease not run out by its own clock. */
    public boolean isLeader() {
        Election e = election;
        if (role != Role.LEADER || e == null) {
            return false;
        }
        long until = e.leaderUntilNanos();
        // Long.MIN_VALUE (not leading) minus a positive nanoTime wraps around to a large positive number
        return until != Long.MIN_VALUE && until - System.nanoTime() > 0;
    }

    /** True when this process elects at all (the daemon); one-shot commands do not. */
    public boolean isRunning() {
        return role != Role.NOT_RUNNING;
    }

    @Override
    public void checkWrite(String site) {
        if (role == Role.NOT_RUNNING) {
            return;
        }
        if (!isLeader()) {
            throw new NotLeaderException("replica " + replica + " is not the leader: a write to " + site
                    + " was not sent (the leader does it)");
        }
    }

    /**
     * Before a batch of writes (Harbor steps, the base, a proxy switch): this replica leads and no other replica
     * has raised the fencing token since it took it.
     *
     * @throws NotLeaderException when it does not, or when the store cannot say
     */
    public void checkBatch() {
        if (role == Role.NOT_RUNNING) {
            return;
        }
        checkWrite("the sites");
        LeaderFence.Holder now;
        try {
            now = fence.current();
        } catch (StoreException e) {
            throw new NotLeaderException("replica " + replica + " cannot confirm its leadership (store: "
                    + e.getMessage() + ")");
        }
        if (now.epoch() != epoch) {
            demote("replica " + now.holder() + " took over (epoch " + now.epoch() + ", this replica had " + epoch + ")");
            throw new NotLeaderException("replica " + replica + " is no longer the leader: " + now.holder()
                    + " took over");
        }
    }

    public View view() {
        if (role == Role.FOLLOWER || role == Role.STARTING) {
            refreshLeaderSeen();
        }
        Optional<Leader> leader = role == Role.LEADER ? Optional.of(new Leader(replica, url))
                : Optional.ofNullable(leaderSeen);
        return new View(role, replica, election == null ? "none" : election.describe(), leader,
                role == Role.LEADER ? epoch : 0, changes.get());
    }

    /** The leader to forward admin requests to: known, reachable by URL, and not this replica. */
    public Optional<Leader> leaderElsewhere() {
        if (role == Role.LEADER || role == Role.NOT_RUNNING) {
            return Optional.empty();
        }
        refreshLeaderSeen();
        Leader l = leaderSeen;
        return l == null || l.url().isEmpty() || l.id().equals(replica) ? Optional.empty() : Optional.of(l);
    }

    public long changes() {
        return changes.get();
    }

    @Override
    public String replica() {
        return replica;
    }

    private long lastRefresh;

    /** Followers learn the leader's URL from the fence row its leader wrote (at most once per retry period). */
    private synchronized void refreshLeaderSeen() {
        long now = System.nanoTime();
        if (leaderSeen != null && now - lastRefresh < ha.retryPeriod().toNanos()) {
            return;
        }
        lastRefresh = now;
        try {
            LeaderFence.Holder h = fence.current();
            if (!h.holder().isEmpty()) {
                leaderSeen = new Leader(h.holder(), h.url());
            }
        } catch (StoreException e) {
            LOG.debugf("leadership: the leader's address is not readable now: %s", e.getMessage());
        }
    }

    private synchronized void demote(String why) {
        if (stepDown(why) && election != null && election.leaderUntilNanos() != Long.MIN_VALUE) {
            campaign(); // the election still thinks it leads (the token says otherwise): it campaigns again
        }
    }

    /** For tests: stops the running election and campaigns with the ones {@code next} makes from now on. */
    synchronized void restartWith(java.util.function.Supplier<Election> next) {
        elections = next;
        stepDown("restarted");
        role = Role.STARTING;
        campaign();
    }

    private final class Listener implements Election.Listener {
        private final int of;

        Listener(int generation) {
            this.of = generation;
        }

        /** From the running campaign, not a closed one. */
        private boolean current() {
            synchronized (Leadership.this) {
                return of == generation;
            }
        }

        @Override
        public void acquired() {
            if (!current()) {
                return;
            }
            LeaderFence.Holder h;
            try {
                h = fence.advance(replica, url);
            } catch (StoreException e) {
                LOG.warnf("leadership: elected, but the fencing token cannot be raised (%s); giving the lease up",
                        e.getMessage());
                role = Role.FOLLOWER;
                new Thread(Leadership.this::campaignAfterAPause, "harbor-sync-election-restart").start();
                return;
            }
            synchronized (Leadership.this) {
                epoch = h.epoch();
                role = Role.LEADER;
                leaderSeen = new Leader(replica, url);
                changes.incrementAndGet();
            }
            LOG.infof("leadership: this replica (%s) leads now (epoch %d)", replica, h.epoch());
            changed.fireAsync(new LeadershipChanged(true, h.epoch(), "elected"));
        }

        @Override
        public void lost(String why) {
            if (current()) {
                stepDown(why);
            }
        }

        @Override
        public void leaderSeen(String identity) {
            if (!current()) {
                return;
            }
            if (role != Role.LEADER && identity != null) {
                Leader l = leaderSeen;
                if (l == null || !l.id().equals(identity)) {
                    leaderSeen = new Leader(identity, "");
                    lastRefresh = 0; // read its URL at the next chance
                }
            }
            if (role == Role.STARTING) {
                role = Role.FOLLOWER;
            }
        }
    }

    private void campaignAfterAPause() {
        try {
            Thread.sleep(ha.retryPeriod().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        campaign();
    }
}
