package io.harborsync.store;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/** {@link LeaderFence} over plain JDBC (table {@code leader_fence}, one row). Works on H2 and PostgreSQL. */
public final class JdbcLeaderFence implements LeaderFence {
    private final DataSource ds;

    public JdbcLeaderFence(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    @Override
    public Holder advance(String holder, String url) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(url, "url");
        try {
            return Jdbc.inTransaction(ds, c -> {
                // The UPDATE locks the row: two replicas raising it at once are serialised, each gets its own epoch.
                try (PreparedStatement up = c.prepareStatement("UPDATE leader_fence SET epoch = epoch + 1,"
                        + " holder = ?, holder_url = ?, acquired_at = ? WHERE id = 1")) {
                    up.setString(1, holder);
                    up.setString(2, url);
                    Jdbc.setInstant(up, 3, Instant.now());
                    if (up.executeUpdate() != 1) {
                        throw new SQLException("the leader_fence row is missing (schema V5 not applied?)");
                    }
                }
                return read(c);
            });
        } catch (SQLException e) {
            throw new StoreException("cannot raise the leadership epoch", e);
        }
    }

    @Override
    public Holder current() {
        try (var c = ds.getConnection()) {
            return read(c);
        } catch (SQLException e) {
            throw new StoreException("cannot read the leadership epoch", e);
        }
    }

    private static Holder read(java.sql.Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT epoch, holder, holder_url, acquired_at FROM leader_fence WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the leader_fence row is missing (schema V5 not applied?)");
            }
            return new Holder(rs.getLong("epoch"), rs.getString("holder"), rs.getString("holder_url"),
                    Jdbc.getInstant(rs, "acquired_at"));
        }
    }
}
