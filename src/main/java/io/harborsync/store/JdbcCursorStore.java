package io.harborsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/** {@link CursorStore} over plain JDBC (table {@code audit_cursor}). Works on H2 and PostgreSQL. */
public final class JdbcCursorStore implements CursorStore {
    private final DataSource ds;

    public JdbcCursorStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    @Override
    public OptionalLong get(String site) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_audit_log_id FROM audit_cursor WHERE site = ?")) {
            ps.setString(1, site);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit-log cursor of " + site, e);
        }
    }

    /**
     * Sets the cursor on {@code c}, inside the caller's transaction (see {@link EventInbox#addWithCursor}): one
     * writer per site, so a row that another writer inserted meanwhile fails the transaction instead of being
     * retried.
     */
    static void set(Connection c, String site, long lastAuditLogId) throws SQLException {
        Objects.requireNonNull(site, "site");
        if (!update(c, site, lastAuditLogId) && !insertIfAbsent(c, site, lastAuditLogId)) {
            throw new SQLException("the audit-log cursor of " + site + " was written concurrently");
        }
    }

    @Override
    public void set(String site, long lastAuditLogId) {
        Objects.requireNonNull(site, "site");
        try (Connection c = ds.getConnection()) {
            for (int tries = 0; tries < 3; tries++) {
                try {
                    if (update(c, site, lastAuditLogId) || insertIfAbsent(c, site, lastAuditLogId)) {
                        return;
                    }
                } catch (SQLException e) {
                    if (!Jdbc.isDuplicate(e)) {
                        throw e;
                    }
                }
            }
            throw new StoreException("cannot write the audit-log cursor of " + site + ": concurrent writers", null);
        } catch (SQLException e) {
            throw new StoreException("cannot write the audit-log cursor of " + site, e);
        }
    }

    private static boolean update(Connection c, String site, long lastAuditLogId) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(
                "UPDATE audit_cursor SET last_audit_log_id = ?, updated_at = ? WHERE site = ?")) {
            up.setLong(1, lastAuditLogId);
            Jdbc.setInstant(up, 2, Instant.now());
            up.setString(3, site);
            return up.executeUpdate() > 0;
        }
    }

    /** False when another writer inserted the site's row since the update found none. */
    private static boolean insertIfAbsent(Connection c, String site, long lastAuditLogId) throws SQLException {
        try (PreparedStatement in = c.prepareStatement("INSERT INTO audit_cursor (site, last_audit_log_id,"
                + " updated_at) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM audit_cursor WHERE site = ?)")) {
            in.setString(1, site);
            in.setLong(2, lastAuditLogId);
            Jdbc.setInstant(in, 3, Instant.now());
            in.setString(4, site);
            return in.executeUpdate() > 0;
        }
    }
}
