package io.harborsync.store;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcCursorStoreTest {
    @Test
    void absentUntilSetThenLastValueWinsPerSite() {
        CursorStore cursors = new JdbcCursorStore(TestDb.fresh());
        assertThat(cursors.get("h1")).isEmpty();
        cursors.set("h1", 41);
        cursors.set("h1", 42);
        cursors.set("h2", 7);
        assertThat(cursors.get("h1")).hasValue(42);
        assertThat(cursors.get("h2")).hasValue(7);
        assertThat(cursors.get("h3")).isEmpty();
    }

    @Test
    void cursorsSurviveANewStoreObjectOnTheSameDatabase() {
        DataSource ds = TestDb.fresh();
        new JdbcCursorStore(ds).set("h1", 1234);
        assertThat(new JdbcCursorStore(ds).get("h1")).hasValue(1234);
    }
}
