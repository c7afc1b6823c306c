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
        // the property only (not the CI's variable): the default run stays on H2, the PostgreSQL run sets it
        String pg = System.getProperty("store.test.pg-url", "");
        DataSource ds = pg.isBlank() ? h2() : postgres(pg);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
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
