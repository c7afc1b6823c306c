package io.harborsync.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PostgreSQL server the tests may use: {@code -Dstore.test.pg-url} (with {@code store.test.pg-user} and
 * {@code store.test.pg-password}), else {@code HARBOR_SYNC_TEST_PG_URL} / {@code HARBOR_SYNC_TEST_PG_USER}, which
 * {@code .ci/postgres.sh} exports for the throw-away server it starts. Each test gets a fresh schema.
 */
public final class TestPostgres {
    private TestPostgres() {
    }

    /** The server's JDBC URL, or "" when none is configured. */
    public static String url() {
        return System.getProperty("store.test.pg-url", System.getenv().getOrDefault("HARBOR_SYNC_TEST_PG_URL", ""));
    }

    public static String user() {
        return System.getProperty("store.test.pg-user", System.getenv().getOrDefault("HARBOR_SYNC_TEST_PG_USER",
                "postgres"));
    }

    public static String password() {
        return System.getProperty("store.test.pg-password", "");
    }

    /** Skips the calling test when no server is configured. */
    public static void assumeAvailable() {
        assumeTrue(!url().isBlank(), "no PostgreSQL for the tests (HARBOR_SYNC_TEST_PG_URL); .ci/postgres.sh starts one");
    }

    /** Creates a fresh schema named {@code prefix} and a random suffix, and returns its name. */
    public static String freshSchema(String prefix) {
        String schema = prefix + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url(), user(), password()); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare a test schema in " + url(), e);
        }
        return schema;
    }

    /** The server's URL with a fresh schema as the current one (for a daemon's datasource). */
    public static String freshSchemaUrl(String prefix) {
        String schema = freshSchema(prefix);
        return url() + (url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
