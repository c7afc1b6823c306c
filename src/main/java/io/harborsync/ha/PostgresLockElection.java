package io.harborsync.ha;

import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leadership without Kubernetes: a PostgreSQL session-level advisory lock, held by one dedicated connection (not
 * the pool's). PostgreSQL releases it when that session ends: at once when the process dies (its socket closes),
 * and after {@code idle_session_timeout} = the lease duration when the process stops answering (frozen, cut off)
 * while its socket stays open. The leader therefore runs one trivial query per retry period on that session; the
 * time of the last one that succeeded, plus the lease, is when another replica may first hold the lock.
 */
final class PostgresLockElection implements Election {
    private static final Logger LOG = Logger.getLogger(PostgresLockElection.class);
    /** The lock's first key: "harb". The second is the lock name's hash. */
    static final int CLASS_ID = 0x68617262;

    private final String url;
    private final String user;
    private final String password;
    private final String lockName;
    private final String identity;
    private final Duration lease;
    private final Duration retry;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "harbor-sync-election");
        t.setDaemon(true);
        return t;
    });

    private Listener listener;
    private Connection session;
    private boolean leading;
    private volatile long leaderUntil = Long.MIN_VALUE;

    PostgresLockElection(String url, String user, String password, String lockName, String identity, Duration lease,
                         Duration retry) {
        check(lease, retry);
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
        this.lockName = lockName;
        this.identity = identity;
        this.lease = lease;
        this.retry = retry;
    }

    /**
     * The leader's session must see a query more often than the server's idle timeout (the lease) ends it: at
     * least twice per lease, so that one slow round does not cost the lock.
     */
    static void check(Duration lease, Duration retry) {
        if (retry.isNegative() || retry.isZero() || lease.compareTo(retry.multipliedBy(2)) < 0) {
            throw new io.harborsync.config.ConfigProblem("harbor-sync.ha: the PostgreSQL lock needs retry-period ("
                    + retry + ") at most half of lease-duration (" + lease + ")");
        }
    }

    @Override
    public void start(Listener l) {
        listen(l);
        timer.scheduleWithFixedDelay(this::tick, 0, retry.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The listener alone, without the timer: tests drive {@link #tick} themselves (a frozen replica ticks no more). */
    synchronized void listen(Listener l) {
        this.listener = l;
    }

    @Override
    public long leaderUntilNanos() {
        return leaderUntil;
    }

    @Override
    public String describe() {
        return "PostgreSQL advisory lock '" + lockName + "'";
    }

    /** One round on the election thread: try to take the lock, or prove the session that holds it is alive. */
    synchronized void tick() {
        long started = System.nanoTime();
        try {
            if (session == null) {
                session = connect();
            }
            if (!leading) {
                if (tryLock()) {
                    leading = true;
                    leaderUntil = started + lease.toNanos();
                    listener.acquired();
                } else {
                    listener.leaderSeen(null); // another session holds it; the store's fence row says who
                }
                return;
            }
            try (Statement s = session.createStatement()) {
                s.execute("SELECT 1");
            }
            leaderUntil = started + lease.toNanos();
        } catch (SQLException | RuntimeException e) {
            dropSession();
            if (leading) {
                leading = false;
                leaderUntil = Long.MIN_VALUE;
                listener.lost("the PostgreSQL session holding the lock failed (" + e.getMessage() + ")");
            } else {
                LOG.debugf("election: PostgreSQL not reachable this round: %s", e.getMessage());
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "harbor-sync election " + identity);
        p.setProperty("connectTimeout", String.valueOf(Math.max(1, retry.toSeconds())));
        p.setProperty("socketTimeout", String.valueOf(Math.max(1, lease.toSeconds())));
        Connection c = DriverManager.getConnection(url, p);
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            // A session nobody uses for a lease is ended by the server, and with it the lock (PostgreSQL 14+).
            s.execute("SET idle_session_timeout = " + lease.toMillis());
        }
        return c;
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, CLASS_ID);
            ps.setInt(2, lockName.hashCode());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private void dropSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // it is being thrown away
            }
            session = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            boolean was = leading;
            leading = false;
            leaderUntil = Long.MIN_VALUE;
            if (was && session != null) {
                // released before this returns: the session's end alone frees the lock only once the server's
                // backend has gone, a moment later
                try (PreparedStatement ps = session.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                    ps.setInt(1, CLASS_ID);
                    ps.setInt(2, lockName.hashCode());
                    ps.execute();
                } catch (SQLException e) {
                    LOG.debugf("election: the lock is released with the session instead (%s)", e.getMessage());
                }
            }
            dropSession();
            if (was && listener != null) {
                listener.lost("stopped");
            }
        }
    }
}
