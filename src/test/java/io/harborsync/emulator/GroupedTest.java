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

    @Test
    void aParentsRowsOrTheRowsATestHoldsAreRemovedFromBothViews() {
        Grouped<Row> rows = new Grouped<>(Row::parent);
        rows.put(1L, new Row(1, 10));
        rows.put(2L, new Row(2, 20));
        rows.put(3L, new Row(3, 10));
        rows.put(4L, new Row(4, 20));
        rows.removeParent(10);
        assertThat(rows.of(10)).isEmpty();
        assertThat(rows.keySet()).containsExactly(2L, 4L);
        rows.removeParent(99); // none: nothing happens
        rows.removeRows(r -> r.id() == 4);
        assertThat(rows.of(20)).extracting(Row::id).containsExactly(2L);
        assertThat(rows.keySet()).containsExactly(2L);
    }

    @Test
    void aSitesProjectsAreFoundByNameAfterPutsAndRemovals() {
        SiteData site = new SiteData();
        SiteData.Project a = new SiteData.Project();
        a.id = 1;
        a.name = "team-a";
        site.projects.put(a.id, a);
        assertThat(site.projectByName("team-a")).isSameAs(a);
        site.projects.remove(a.id);
        assertThat(site.projectByName("team-a")).isNull();
        SiteData.Project again = new SiteData.Project();
        again.id = 2;
        again.name = "team-a"; // the name is free again after a delete: a new project, a new id
        site.projects.put(again.id, again);
        assertThat(site.projectByName("team-a")).isSameAs(again);
        assertThat(site.project("2", false)).isSameAs(again);
    }
}
