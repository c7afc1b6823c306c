package io.harborsync.sync;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Reads ahead of a reconcile that works in parts (issue 18): one read at a time on a thread of its own, so that the
 * next part's listings are in flight while the caller waits for the quota listing, plans, sends and settles the
 * part before. Not a thread of the shared executor: a read waits for its tasks there, and must not hold one of its
 * threads doing so. Closing waits for a read still running (its tasks hold request slots) and drops its result.
 */
final class ReadAhead implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "harbor-sync-read-ahead-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private Future<?> running;

    /** Starts the read; the supplier returned waits for its result (and rethrows what it threw). */
    <T> Supplier<T> start(Supplier<T> read) {
        Future<T> f = thread.submit(read::get);
        running = f;
        return () -> join(f);
    }

    private static <T> T join(Future<T> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the read's tasks hold slots and journal entries: let it end
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        try {
            if (running != null && !running.isDone()) {
                join(running); // the caller stopped (it failed): the read ends first, its result unused
            }
        } catch (RuntimeException | Error secondToTheCallersFailure) {
            // the caller's own failure is the one reported
        } finally {
            thread.shutdown();
        }
    }
}
