package io.harborsync.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes the stores CDI beans over the active datasource: the named datasource {@value #PG} (PostgreSQL)
 * when {@code quarkus.datasource.pg.active=true}, otherwise the default one (embedded H2 under
 * {@code harbor-sync.store.path}). Flyway migrates whichever is active at start.
 */
@ApplicationScoped
public class StoreProducer {
    private static final Logger LOG = Logger.getLogger(StoreProducer.class);
    static final String PG = "pg";

    @ConfigProperty(name = "quarkus.datasource.pg.active", defaultValue = "false")
    boolean pgActive;

    @Inject
    @Any
    Instance<AgroalDataSource> dataSources;

    private javax.sql.DataSource active;

    synchronized javax.sql.DataSource dataSource() {
        if (active == null) {
            if (pgActive) {
                active = dataSources.select(new DataSource.DataSourceLiteral(PG)).get();
                LOG.info("store: PostgreSQL (datasource pg)");
            } else {
                active = dataSources.select(jakarta.enterprise.inject.Default.Literal.INSTANCE).get();
                LOG.info("store: embedded H2 (default datasource)");
            }
        }
        return active;
    }

    @Produces
    @ApplicationScoped
    BaseStore baseStore() {
        return new JdbcBaseStore(dataSource());
    }

    @Produces
    @ApplicationScoped
    EventInbox eventInbox() {
        return new JdbcEventInbox(dataSource());
    }

    @Produces
    @ApplicationScoped
    CursorStore cursorStore() {
        return new JdbcCursorStore(dataSource());
    }

    @Produces
    @ApplicationScoped
    SecretAlignments secretAlignments() {
        return new JdbcSecretAlignments(dataSource());
    }

    @Produces
    @ApplicationScoped
    LeaderFence leaderFence() {
        return new JdbcLeaderFence(dataSource());
    }
}
