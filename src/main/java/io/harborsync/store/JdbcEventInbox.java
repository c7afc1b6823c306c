package io.harborsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@link EventInbox} over plain JDBC (table {@code inbox_event}). Works on H2 and PostgreSQL. */
public final class JdbcEventInbox implements EventInbox {
    static final int MAX_ERROR_LENGTH = 4000;
    private static final String COLUMNS = "id, site, type, project, repository, digest, tag, operator, request_id,"
            + " occurred_at, received_at, attempts, last_error";

    private final DataSource ds;
    // Reads of pending, due and dead events order by (done, dead, id): the columns of index inbox_event_work,
    // so the database walks it in order instead of sorting every pending row (V3__inbox_work_index.sql).

    public JdbcEventInbox(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    /**
     * Group commit: a webhook is acknowledged only after its event is committed, and a commit is the costly part
     * (the store writes it to its file at once). Each caller queues its event; whoever gets the write lock
     * writes everything queued in one transaction, and goes on until the queue is empty. The others wait for
     * their own event's answer, not for the lock, so a commit running makes the next one bigger, not later.
     */
    @Override
    public long add(InboxEvent e) {
        Objects.requireNonNull(e, "event");
        Objects.requireNonNull(e.site(), "site");
        Objects.requireNonNull(e.type(), "type");
        Queued mine = new Queued(e);
        queue.add(mine);
        while (!mine.answer.isDone()) {
            // A writer checks the queue again after letting go of the lock, so an event queued while it held the
            // lock is never left behind; the timed wait only bounds a thread that was never scheduled meanwhile.
            if (!writeAll()) {
                try {
                    mine.answer.get(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ignored) {
                    // loop: done, failed (thrown below) or still queued
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while storing the " + e.type() + " event from " + e.site(),
                            null);
                }
            }
        }
        try {
            return mine.answer.join();
        } catch (java.util.concurrent.CompletionException ce) {
            throw new StoreException("cannot store the " + e.type() + " event from " + e.site(), ce.getCause());
        }
    }

    /** One event waiting for its commit. */
    private record Queued(InboxEvent event, java.util.concurrent.CompletableFuture<Long> answer) {
        Queued(InboxEvent event) {
            this(event, new java.util.concurrent.CompletableFuture<>());
        }
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Queued> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();

    /** Events waiting for a commit (for tests). */
    int queued() {
        return queue.size();
    }

    /** Writes batches until the queue is empty; false when another thread holds the write lock. */
    private boolean writeAll() {
        do {
            if (!writeLock.tryLock()) {
                return false;
            }
            try {
                while (!queue.isEmpty()) {
                    flush();
                }
            } finally {
                writeLock.unlock();
            }
        } while (!queue.isEmpty());
        return true;
    }

    /** Writes every queued event in one transaction; on failure none is stored and every caller gets it. */
    private void flush() {
        List<Queued> batch = new ArrayList<>();
        for (Queued q = queue.poll(); q != null; q = queue.poll()) {
            batch.add(q);
        }
        long[] ids;
        try {
            ids = Jdbc.inTransaction(ds, c -> {
                long[] out = new long[batch.size()];
                try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = insert(ps, batch.get(i).event());
                    }
                }
                return out;
            });
        } catch (SQLException | RuntimeException ex) {
            batch.forEach(q -> q.answer().completeExceptionally(ex));
            return;
        }
        for (int i = 0; i < ids.length; i++) {
            batch.get(i).answer().complete(ids[i]);
        }
    }

    @Override
    public List<Long> addWithCursor(List<InboxEvent> hints, String site, long lastAuditLogId) {
        Objects.requireNonNull(site, "site");
        hints.forEach(e -> {
            Objects.requireNonNull(e.site(), "site");
            Objects.requireNonNull(e.type(), "type");
        });
        try {
            // Not through the group commit: one writer (the tail), and its hints must share the cursor's commit.
            return Jdbc.inTransaction(ds, c -> {
                List<Long> ids = new ArrayList<>();
                if (!hints.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
                        for (InboxEvent e : hints) {
                            ids.add(insert(ps, e));
                        }
                    }
                }
                JdbcCursorStore.set(c, site, lastAuditLogId);
                return ids;
            });
        } catch (SQLException | RuntimeException ex) {
            throw new StoreException("cannot store " + hints.size() + " audit-log hints of " + site
                    + " with its cursor (neither is stored)", ex);
        }
    }

    private static final String INSERT = "INSERT INTO inbox_event (site, type, project, repository, digest, tag,"
            + " operator, request_id, occurred_at, received_at, attempts, done)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, FALSE)";

    private static long insert(PreparedStatement ps, InboxEvent e) throws SQLException {
        ps.setString(1, e.site());
        ps.setString(2, e.type());
        ps.setString(3, e.project());
        ps.setString(4, e.repository());
        ps.setString(5, e.digest());
        ps.setString(6, e.tag());
        ps.setString(7, e.operator());
        ps.setString(8, e.requestId());
        Jdbc.setInstant(ps, 9, e.occurredAt());
        Jdbc.setInstant(ps, 10, e.receivedAt() == null ? Instant.now() : e.receivedAt());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the database returned no id for the stored event");
            }
            return keys.getLong(1); // id is the first column (PostgreSQL returns all of them)
        }
    }

    @Override
    public List<InboxEvent> pending(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return query("SELECT " + COLUMNS + " FROM inbox_event WHERE done = FALSE AND dead = FALSE ORDER BY done, dead, id LIMIT ?",
                limit, "cannot read pending events");
    }

    @Override
    public List<InboxEvent> due(int limit, Instant now) {
        if (limit <= 0) {
            return List.of();
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM inbox_event WHERE done = FALSE"
                     + " AND dead = FALSE AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY done, dead, id LIMIT ?")) {
            Jdbc.setInstant(ps, 1, now);
            ps.setInt(2, limit);
            return read(ps);
        } catch (SQLException e) {
            throw new StoreException("cannot read due events", e);
        }
    }

    @Override
    public List<InboxEvent> dead(int limit) {
        return query("SELECT " + COLUMNS + " FROM inbox_event WHERE done = FALSE AND dead = TRUE ORDER BY done, dead, id LIMIT ?",
                limit, "cannot read dead letters");
    }

    @Override
    public void retryAt(long id, String error, Instant nextAttempt) {
        update("UPDATE inbox_event SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                id, clip(error), nextAttempt, "cannot schedule a retry of event " + id);
    }

    @Override
    public void bury(long id, String error) {
        update("UPDATE inbox_event SET attempts = attempts + 1, last_error = ?, dead = TRUE, next_attempt_at = ?"
                + " WHERE id = ?", id, clip(error), null, "cannot set event " + id + " aside");
    }

    @Override
    public boolean revive(long id) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE inbox_event SET dead = FALSE, attempts = 0,"
                     + " next_attempt_at = NULL WHERE id = ? AND dead = TRUE AND done = FALSE")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot revive event " + id, e);
        }
    }

    private void update(String sql, long id, String error, Instant when, String failure) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, error);
            Jdbc.setInstant(ps, 2, when);
            ps.setLong(3, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }

    private static String clip(String error) {
        return error == null ? null : error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
    }

    @Override
    public java.util.Optional<InboxEvent> get(long id) {
        return query("SELECT " + COLUMNS + " FROM inbox_event WHERE id = ?", id, "cannot read event " + id)
                .stream().findFirst();
    }

    private List<InboxEvent> query(String sql, long param, String failure) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, param);
            return read(ps);
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }

    private static List<InboxEvent> read(PreparedStatement ps) throws SQLException {
        List<InboxEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new InboxEvent(rs.getLong("id"), rs.getString("site"), rs.getString("type"),
                        rs.getString("project"), rs.getString("repository"), rs.getString("digest"),
                        rs.getString("tag"), rs.getString("operator"), rs.getString("request_id"),
                        Jdbc.getInstant(rs, "occurred_at"), Jdbc.getInstant(rs, "received_at"),
                        rs.getInt("attempts"), rs.getString("last_error")));
            }
        }
        return out;
    }

    @Override
    public void done(long id) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE inbox_event SET done = TRUE, done_at = ? WHERE id = ?")) {
            Jdbc.setInstant(ps, 1, Instant.now());
            ps.setLong(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot mark event " + id + " done", e);
        }
    }

    @Override
    public void done(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            Jdbc.inTransaction(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE inbox_event SET done = TRUE, done_at = ?"
                        + " WHERE id = ?")) {
                    Instant now = Instant.now();
                    for (long id : ids) {
                        Jdbc.setInstant(ps, 1, now);
                        ps.setLong(2, id);
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot mark " + ids.size() + " events done", e);
        }
    }

    @Override
    public long purgeDone(Instant cutoff) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM inbox_event WHERE done = TRUE AND done_at < ?")) {
            Jdbc.setInstant(ps, 1, cutoff);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot remove settled events", e);
        }
    }

    @Override
    public void failed(long id, String error) {
        String err = clip(error);
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE inbox_event SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
            ps.setString(1, err);
            ps.setLong(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record a failure of event " + id, e);
        }
    }

    @Override
    public long pendingCount() {
        return count("SELECT COUNT(*) FROM inbox_event WHERE done = FALSE AND dead = FALSE", "pending events");
    }

    @Override
    public long deadCount() {
        return count("SELECT COUNT(*) FROM inbox_event WHERE done = FALSE AND dead = TRUE", "dead letters");
    }

    private long count(String sql, String what) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count " + what, e);
        }
    }
}
