package io.harborsync.ha;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import io.harborsync.config.ConfigProblem;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Leadership in a cluster: a {@code coordination.k8s.io/v1} Lease, through Fabric8's own {@link LeaderElector}.
 * The leader renews the Lease every retry period and gives up by itself when it could not renew for the renew
 * deadline; a follower takes the Lease once it has not been renewed for the lease duration, or at once when the
 * leader gave it back ({@link #close}).
 * <p>
 * Fabric8 says when leadership starts and stops but not when a renewal succeeded, so the {@link Lock} is wrapped
 * ({@link TimedLock}): the {@link System#nanoTime()} taken just before each create or update of the Lease naming
 * this replica is kept once that call returned, and that plus the lease duration is {@link #leaderUntilNanos()}.
 * No other replica can have taken the Lease before then: it waits a whole lease duration after the renewal it
 * last saw, which is not earlier than the one this replica started.
 * <p>
 * A {@link LeaderElector} campaigns once: when its loop ends (leadership lost, or the loop failed) a new one
 * campaigns after the retry period, until {@link #close}.
 */
final class KubernetesLeaseElection implements Election {
    private static final Logger LOG = Logger.getLogger(KubernetesLeaseElection.class);
    /** Where a pod finds its own namespace. */
    static final Path POD_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    /** The Lease's namespace when neither the configuration nor the pod names one. */
    static final String DEFAULT_NAMESPACE = "harbor-sync";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String identity;
    private final Duration lease;
    private final Duration renewDeadline;
    private final Duration retry;
    /** Runs the electors' loops (their requests to the API server) and the restarts. */
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            daemon("harbor-sync-lease-"));
    /** Calls the listener, in order and one at a time, off the electors' locks. */
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(daemon("harbor-sync-lease-listener-"));

    private volatile Listener listener;
    private volatile boolean closed;
    /** The current campaign's number; a late call from an earlier one changes nothing. */
    private volatile int generation;
    private volatile long leaderUntil = Long.MIN_VALUE;
    /**
     * Fabric8 says "started leading" as soon as it reads a Lease naming this replica, which may be one it held
     * before (a restarted campaign) and has not renewed yet: acquired() waits for the first write of the Lease
     * that succeeds since then. Written under the elector's lock (its callbacks and the lock's calls).
     */
    private volatile boolean written;
    private volatile boolean startPending;
    private volatile boolean toldAcquired;
    private volatile Thread callbackThread;
    private CompletableFuture<?> campaign; // guarded by this
    private ScheduledFuture<?> restart; // guarded by this

    KubernetesLeaseElection(KubernetesClient client, HaConfig ha, String identity) {
        this(client, namespace(ha.leaseNamespace(), POD_NAMESPACE), ha.leaseName(), identity, ha.leaseDuration(),
                ha.renewDeadline(), ha.retryPeriod());
    }

    KubernetesLeaseElection(KubernetesClient client, String namespace, String name, String identity, Duration lease,
                            Duration renewDeadline, Duration retry) {
        if (retry.isNegative() || retry.isZero() || renewDeadline.compareTo(retry) <= 0) {
            throw new ConfigProblem("harbor-sync.ha: the Kubernetes Lease needs retry-period (" + retry
                    + ") < renew-deadline (" + renewDeadline + ")");
        }
        this.client = leaseClient(Objects.requireNonNull(client, "client"), lease, renewDeadline);
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.lease = lease;
        this.renewDeadline = renewDeadline;
        this.retry = retry;
    }

    /**
     * The client the Lease is read and written with: the given one's connection and credentials, but no retries
     * of a failed request (the elector tries again every retry period anyway; the client's own retries, with
     * back-off up to seconds, would keep one renewal going past the renew deadline and the lease) and a timeout
     * of half the margin between the renew deadline and the lease, so that a leader that cannot renew notices
     * it and steps down before another replica may take the Lease.
     */
    static KubernetesClient leaseClient(KubernetesClient shared, Duration lease, Duration renewDeadline) {
        if (lease.compareTo(renewDeadline) <= 0 || renewDeadline.isNegative() || renewDeadline.isZero()) {
            throw new ConfigProblem("harbor-sync.ha: the Kubernetes Lease needs renew-deadline (" + renewDeadline
                    + ") < lease-duration (" + lease + ")");
        }
        long timeout = Math.max(100, lease.minus(renewDeadline).toMillis() / 2);
        RequestConfig base = shared.getConfiguration().getRequestConfig();
        RequestConfig rc = (base == null ? new RequestConfigBuilder() : new RequestConfigBuilder(base))
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout((int) Math.min(Integer.MAX_VALUE, timeout))
                .build();
        return shared.newClient(rc).adapt(KubernetesClient.class);
    }

    /** The configured namespace, else the pod's own (from its service account), else {@value #DEFAULT_NAMESPACE}. */
    static String namespace(Optional<String> configured, Path podNamespaceFile) {
        Optional<String> c = configured.map(String::trim).filter(s -> !s.isEmpty());
        if (c.isPresent()) {
            return c.get();
        }
        try {
            if (Files.isReadable(podNamespaceFile)) {
                String pod = Files.readString(podNamespaceFile).trim();
                if (!pod.isEmpty()) {
                    return pod;
                }
            }
        } catch (IOException | SecurityException e) {
            LOG.debugf("election: the pod's namespace is not readable (%s)", e.getClass().getSimpleName());
        }
        return DEFAULT_NAMESPACE;
    }

    @Override
    public void start(Listener l) {
        this.listener = Objects.requireNonNull(l, "listener");
        callbacks.execute(() -> callbackThread = Thread.currentThread());
        campaign();
    }

    @Override
    public long leaderUntilNanos() {
        return leaderUntil;
    }

    @Override
    public String describe() {
        return "Kubernetes Lease " + namespace + "/" + name;
    }

    String namespace() {
        return namespace;
    }

    /** Starts a new elector (it does not block: its loop runs on {@link #executor}). */
    private synchronized void campaign() {
        restart = null;
        if (closed) {
            return;
        }
        int gen = ++generation;
        written = false;
        startPending = false;
        toldAcquired = false;
        LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName("harbor-sync " + namespace + "/" + name)
                .withLock(new TimedLock(new LeaseLock(namespace, name, identity), gen))
                .withLeaseDuration(lease)
                .withRenewDeadline(renewDeadline)
                .withRetryPeriod(retry)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> startedLeading(gen),
                        () -> stoppedLeading(gen),
                        leader -> newLeader(gen, leader)))
                .build(), executor);
        CompletableFuture<?> f = elector.start();
        campaign = f;
        f.whenComplete((v, t) -> ended(gen, t));
    }

    /** The elector's loop is over: it lost the lease (or never got it) and will not try again by itself. */
    private void ended(int gen, Throwable t) {
        if (closed || gen != generation) {
            return;
        }
        leaderUntil = Long.MIN_VALUE;
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause != null && !(cause instanceof CancellationException)) {
            LOG.warnf("election: the %s campaign of %s ended unexpectedly (%s); campaigning again in %s",
                    describe(), identity, reason(cause), retry);
        } else {
            LOG.debugf("election: the %s campaign of %s ended; campaigning again in %s", describe(), identity, retry);
        }
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            try {
                restart = executor.schedule(this::campaign, retry.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void startedLeading(int gen) {
        if (gen == generation && !closed) {
            if (written) {
                acquired();
            } else {
                startPending = true;
            }
        }
    }

    private void acquired() {
        startPending = false;
        toldAcquired = true;
        tell(true, Listener::acquired);
    }

    private void stoppedLeading(int gen) {
        if (gen != generation) {
            return;
        }
        leaderUntil = Long.MIN_VALUE;
        written = false;
        startPending = false;
        if (toldAcquired) {
            toldAcquired = false;
            String why = closed ? "stopped" : "the " + describe() + " was not renewed or was taken by another replica";
            tell(false, l -> l.lost(why));
        }
    }

    private void newLeader(int gen, String leader) {
        if (gen == generation && !closed) {
            String who = leader == null || leader.isBlank() ? null : leader;
            tell(true, l -> l.leaderSeen(who));
        }
    }

    /** Hands one listener call to the listener thread; after close only lost() is still delivered. */
    private void tell(boolean onlyWhileOpen, Consumer<Listener> call) {
        try {
            callbacks.execute(() -> {
                if (onlyWhileOpen && closed) {
                    return;
                }
                try {
                    call.accept(listener);
                } catch (RuntimeException e) {
                    LOG.warnf("election: the leadership listener failed (%s)", reason(e));
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: nobody listens any more
        }
    }

    /** Called by a {@link TimedLock} once the Lease names this replica, as written by the call started then. */
    private void renewed(int gen, long startedNanos) {
        if (gen == generation && !closed) {
            leaderUntil = startedNanos + lease.toNanos();
            written = true;
            if (startPending) {
                acquired();
            }
        }
    }

    @Override
    public void close() {
        CompletableFuture<?> f;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            f = campaign;
            if (restart != null) {
                restart.cancel(false);
            }
        }
        if (f != null) {
            // Runs the elector's stop on this thread: while it leads, it writes the Lease without a holder (after
            // any renewal in flight), so another replica takes it at its next try.
            f.cancel(true);
        }
        leaderUntil = Long.MIN_VALUE;
        executor.shutdownNow();
        callbacks.shutdown();
        if (Thread.currentThread() != callbackThread) {
            try {
                // lost() reaches the listener before close returns, unless the listener is busy (a caller of close
                // may hold what the listener waits for): then it comes later, after at most a retry period here
                if (!callbacks.awaitTermination(retry.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.debugf("election: the leadership listener is still busy after %s", retry);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For logs: what failed, never a message that could carry a request's content. */
    private static String reason(Throwable t) {
        if (t instanceof KubernetesClientException k && k.getCode() > 0) {
            return k.getClass().getSimpleName() + ", HTTP " + k.getCode();
        }
        return t.getClass().getSimpleName();
    }

    private static ThreadFactory daemon(String prefix) {
        return r -> {
            Thread t = new Thread(r, prefix + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The Lease lock as Fabric8 uses it, plus the time of each successful write that names this replica. Any
     * other exception than a {@link KubernetesClientException} is turned into one, which the elector's loops
     * log and retry (another would end a loop without a word).
     */
    private final class TimedLock implements Lock {
        private final Lock delegate;
        private final int gen;

        TimedLock(Lock delegate, int gen) {
            this.delegate = delegate;
            this.gen = gen;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient c) {
            return guarded(() -> delegate.get(c));
        }

        @Override
        public void create(KubernetesClient c, LeaderElectionRecord record) {
            write(record, () -> delegate.create(c, record));
        }

        @Override
        public void update(KubernetesClient c, LeaderElectionRecord record) {
            write(record, () -> delegate.update(c, record));
        }

        private void write(LeaderElectionRecord record, Runnable call) {
            boolean mine = identity.equals(record.getHolderIdentity());
            if (!mine) {
                leaderUntil = Long.MIN_VALUE; // giving the Lease up: once sent, another replica may take it
            }
            long started = System.nanoTime();
            guarded(() -> {
                call.run();
                return null;
            });
            if (mine) {
                renewed(gen, started);
            }
        }

        private <T> T guarded(Supplier<T> call) {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new KubernetesClientException("the " + describe() + " could not be read or written ("
                        + e.getClass().getSimpleName() + ")", e);
            }
        }

        @Override
        public String identity() {
            return delegate.identity();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
