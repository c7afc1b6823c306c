package io.harborsync.emulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupedTest {
    record Row(long id, long parent) {
    }

    @Test
    void rowsPerParentFollowPutsAndRemovesInInsertionOrder() {
        Grouped<Row> rows = new Grouped<>(Row::parent);
        rows.put(1L, new Row(1, 10));
        rows.put(2L, new Row(2, 20));
        rows.put(3L, new Row(3, 10));
        assertThat(rows.of(10)).extracting(Row::id).containsExactly(1L, 3L);
        assertThat(rows.of(20)).extracting(Row::id).containsExactly(2L);
        assertThat(rows.of(30)).isEmpty();

        rows.remove(1L);
        assertThat(rows.of(10)).extracting(Row::id).containsExactly(3L);
        rows.remove(3L);
        assertThat(rows.of(10)).isEmpty();
        assertThat(rows.remove(99L)).isNull();

        // a row put again under the same id replaces the old one, also where it moved to another parent
        rows.put(2L, new Row(2, 30));
        assertThat(rows.of(20)).isEmpty();
        assertThat(rows.of(30)).extracting(Row::id).containsExactly(2L);
        assertThat(rows).hasSize(1);
    }

    @Test
    void theViewsRefuseRemovalsThatWouldBypassTheParentRows() {
        Grouped<Row> rows = new Grouped<>(Row::parent);
        rows.put(1L, new Row(1, 10));
        assertThatThrownBy(() -> rows.values().removeIf(r -> true)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> rows.keySet().remove(1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(rows.of(10)).hasSize(1);
    }
}
