package io.harborsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@link SecretAlignments} over plain JDBC (table {@code robot_secret_alignment}). Works on H2 and PostgreSQL. A
 * record replaces the key's rows in one transaction, so a reader never sees half of two proofs.
 */
public final class JdbcSecretAlignments implements SecretAlignments {
    private final DataSource ds;

    public JdbcSecretAlignments(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    @Override
    public Map<String, Map<String, Long>> all() {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT robot_key, site, robot_id FROM robot_secret_alignment");
             ResultSet rs = ps.executeQuery()) {
            Map<String, Map<String, Long>> all = new TreeMap<>();
            while (rs.next()) {
                all.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
            all.replaceAll((k, sites) -> Map.copyOf(sites));
            return java.util.Collections.unmodifiableMap(all);
        } catch (SQLException e) {
            throw new StoreException("cannot read the robot secret alignments", e);
        }
    }

    @Override
    public void record(String robotKey, Map<String, Long> robotIdBySite) {
        Objects.requireNonNull(robotKey, "robotKey");
        Map<String, Long> sites = Map.copyOf(robotIdBySite);
        Instant now = Instant.now();
        try {
            Jdbc.inTransaction(ds, c -> {
                delete(c, robotKey);
                try (PreparedStatement in = c.prepareStatement(
                        "INSERT INTO robot_secret_alignment (robot_key, site, robot_id, proven_at) VALUES (?, ?, ?, ?)")) {
                    for (Map.Entry<String, Long> e : sites.entrySet()) {
                        in.setString(1, robotKey);
                        in.setString(2, e.getKey());
                        in.setLong(3, e.getValue());
                        Jdbc.setInstant(in, 4, now);
                        in.addBatch();
                    }
                    if (!sites.isEmpty()) {
                        in.executeBatch();
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot record the secret alignment of " + robotKey, e);
        }
    }

    @Override
    public void forget(String robotKey) {
        Objects.requireNonNull(robotKey, "robotKey");
        try (Connection c = ds.getConnection()) {
            delete(c, robotKey);
        } catch (SQLException e) {
            throw new StoreException("cannot forget the secret alignment of " + robotKey, e);
        }
    }

    private static void delete(Connection c, String robotKey) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM robot_secret_alignment WHERE robot_key = ?")) {
            del.setString(1, robotKey);
            del.executeUpdate();
        }
    }
}
