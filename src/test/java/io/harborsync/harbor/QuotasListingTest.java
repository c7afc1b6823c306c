package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Quota;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Quotas.Listing}: which projects a quota listing read page by page showed exactly once. */
class QuotasListingTest {
    private static Quota quota(long id, long project, long storage) {
        return new Quota(id, Map.of("id", project, "name", "p" + project), Map.of("storage", storage), Map.of(), null, null);
    }

    @Test
    void pagesInAnyOrderMakeOneListingThatDidNotMove() {
        Quotas.Listing l = new Quotas.Listing();
        l.add(new Quotas.Page(2, List.of(quota(1, 11, 5)), 3L));
        l.add(new Quotas.Page(1, List.of(quota(3, 13, 7), quota(2, 12, 6)), 3L));
        assertThat(l.moved()).isFalse();
        assertThat(l.trusted(11)).get().extracting(Quota::hardStorage).isEqualTo(5L);
        assertThat(l.trusted(13)).get().extracting(Quota::hardStorage).isEqualTo(7L);
        assertThat(l.trusted(14)).as("not listed").isEmpty();
    }

    @Test
    void anItemTwiceIsNotTrustedAndTheListingMovedEvenWithTheSameTotal() {
        Quotas.Listing l = new Quotas.Listing();
        l.add(new Quotas.Page(1, List.of(quota(4, 14, 1), quota(3, 13, 1)), 4L));
        l.add(new Quotas.Page(2, List.of(quota(3, 13, 2), quota(1, 11, 1)), 4L)); // 12 missing, 13 twice
        assertThat(l.moved()).isTrue();
        assertThat(l.trusted(13)).isEmpty();
        assertThat(l.trusted(12)).isEmpty();
        assertThat(l.trusted(14)).isPresent();
        assertThat(l.trusted(11)).isPresent();
    }

    @Test
    void theSameQuotaIdForTwoProjectsTrustsNeitherAndTotalsThatDisagreeMeanItMoved() {
        Quotas.Listing l = new Quotas.Listing();
        l.add(new Quotas.Page(1, List.of(quota(9, 21, 1)), 2L));
        l.add(new Quotas.Page(2, List.of(quota(9, 22, 1)), 3L));
        assertThat(l.moved()).isTrue();
        assertThat(l.trusted(21)).isEmpty();
        assertThat(l.trusted(22)).isEmpty();
    }
}
