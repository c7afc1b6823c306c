package io.harborsync.store;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcLeaderFenceTest {

    @Test
    void beforeAnyLeaderTheEpochIsZeroAndNobodyHoldsIt() {
        LeaderFence.Holder h = new JdbcLeaderFence(TestDb.fresh()).current();
        assertThat(h.epoch()).isZero();
        assertThat(h.holder()).isEmpty();
        assertThat(h.url()).isEmpty();
    }

    @Test
    void eachNewLeaderRaisesTheEpochAndNamesItselfThere() {
        DataSource ds = TestDb.fresh();
        LeaderFence a = new JdbcLeaderFence(ds);
        LeaderFence b = new JdbcLeaderFence(ds); // another replica on the same store
        LeaderFence.Holder first = a.advance("a", "http://10.0.0.1:8080");
        LeaderFence.Holder second = b.advance("b", "http://10.0.0.2:8080");
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(second.epoch()).isEqualTo(2);
        LeaderFence.Holder now = a.current();
        assertThat(now.epoch()).as("a sees that b took over").isEqualTo(2);
        assertThat(now.holder()).isEqualTo("b");
        assertThat(now.url()).isEqualTo("http://10.0.0.2:8080");
        assertThat(now.since()).isNotNull();
    }

    @Test
    void replicasRaisingItAtOnceGetDistinctEpochs() throws Exception {
        DataSource ds = TestDb.fresh();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> got = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String who = "r" + i;
                Callable<Long> raise = () -> new JdbcLeaderFence(ds).advance(who, "").epoch();
                got.add(pool.submit(raise));
            }
            List<Long> epochs = new ArrayList<>();
            for (Future<Long> f : got) {
                epochs.add(f.get());
            }
            assertThat(epochs).doesNotHaveDuplicates().hasSize(40);
            assertThat(new JdbcLeaderFence(ds).current().epoch()).isEqualTo(40);
        } finally {
            pool.shutdownNow();
        }
    }
}
