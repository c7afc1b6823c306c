package io.harborsync.store;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import io.harborsync.testsupport.TestPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/**
 * A fresh database per call, migrated by the same Flyway scripts the daemon runs at start: in-memory H2 by
 * default; a fresh schema in PostgreSQL when {@code -Dstore.test.pg-url=jdbc:postgresql://host:port/db} is given
 * (with {@code store.test.pg-user}/{@code store.test.pg-password}), so that the same tests check the SQL there.
 */
final class TestDb {
    private TestDb() {
    }

    static DataSource fresh() {
        return migrate(empty(), null);
    }

    /** A fresh database with the schema up to this version only (a store an earlier release left). */
    static DataSource freshAt(String version) {
        return migrate(empty(), version);
    }

    /** Migrates to {@code version}, or to the latest when null. */
    static DataSource migrate(DataSource ds, String version) {
        var config = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
        if (version != null) {
            config.target(version);
        }
        config.load().migrate();
        return ds;
    }

    private static DataSource empty() {
        // the property only (not the CI's variable): the default run stays on H2, the PostgreSQL run sets it
        String pg = System.getProperty("store.test.pg-url", "");
        return pg.isBlank() ? h2() : postgres(pg);
    }

    private static DataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        // DB_CLOSE_DELAY=-1 keeps the database while the JVM lives, so a new store object sees the same data.
        ds.setURL("jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    private static DataSource postgres(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(TestPostgres.user());
        ds.setPassword(TestPostgres.password());
        ds.setCurrentSchema(TestPostgres.freshSchema("t_"));
        return ds;
    }
}
