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

    public JdbcEventInbox(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    @Override
    public long add(InboxEvent e) {
        Objects.requireNonNull(e, "event");
        Objects.requireNonNull(e.site(), "site");
        Objects.requireNonNull(e.type(), "type");
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO inbox_event (site, type, project, repository,"
                     + " digest, tag, operator, request_id, occurred_at, received_at, attempts, done)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, FALSE)", Statement.RETURN_GENERATED_KEYS)) {
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
                    throw new StoreException("the database returned no id for the stored event", null);
                }
                return keys.getLong(1); // id is the first column (PostgreSQL returns all of them)
            }
        } catch (SQLException ex) {
            throw new StoreException("cannot store the " + e.type() + " event from " + e.site(), ex);
        }
    }

    @Override
    public List<InboxEvent> pending(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return query("SELECT " + COLUMNS + " FROM inbox_event WHERE done = FALSE ORDER BY id LIMIT ?",
                limit, "cannot read pending events");
    }

    @Override
    public java.util.Optional<InboxEvent> get(long id) {
        return query("SELECT " + COLUMNS + " FROM inbox_event WHERE id = ?", id, "cannot read event " + id)
                .stream().findFirst();
    }

    private List<InboxEvent> query(String sql, long param, String failure) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, param);
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
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
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
    public void failed(long id, String error) {
        String err = error == null ? null
                : error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
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
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM inbox_event WHERE done = FALSE");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count pending events", e);
        }
    }
}
