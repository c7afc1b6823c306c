package io.harborsync.sync;

import io.harborsync.sites.Sites;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's one executor for reading the sites and sending writes, shared by every reconcile (also the
 * deletions the event worker runs side by side): twice as many threads as all sites have request slots
 * ({@code harbor-sync.http.max-concurrency} each), since each client, not the executor, bounds its site's
 * requests, and a thread whose answer came back files it while the next one waits for the slot.
 */
@ApplicationScoped
public class EngineExecutor implements Executor {
    @Inject
    Sites sites;

    private volatile ExecutorService pool;

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    int slots = sites.all().stream().mapToInt(s -> sites.client(s.name()).maxConcurrency()).sum();
                    AtomicInteger n = new AtomicInteger();
                    pool = Executors.newFixedThreadPool(Math.max(4, LiveState.READERS_PER_SLOT * slots), r -> {
                        Thread t = new Thread(r, "harbor-sync-engine-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }

    @Override
    public void execute(Runnable command) {
        pool().execute(command);
    }

    @PreDestroy
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
