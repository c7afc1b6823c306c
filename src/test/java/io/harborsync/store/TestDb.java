package io.harborsync.store;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

import java.util.UUID;

/** A fresh in-memory H2 database per call, migrated by the same Flyway scripts the daemon runs at start. */
final class TestDb {
    private TestDb() {
    }

    static JdbcDataSource fresh() {
        JdbcDataSource ds = new JdbcDataSource();
        // DB_CLOSE_DELAY=-1 keeps the database while the JVM lives, so a new store object sees the same data.
        ds.setURL("jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        ds.setPassword("");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }
}
