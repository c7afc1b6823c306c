package io.harborsync.sync;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The tasks of one run on the daemon's one shared executor. Tasks go into lanes (one per site when reading) that
 * each keep at most their limit running, so one site's hundreds of project reads cannot take every thread while the
 * other site's wait; {@link #await} returns when every task submitted, also by tasks, has finished. No task waits
 * for another (tasks only submit more), so a bounded executor shared by runs side by side cannot deadlock.
 */
final class Work {
    private final Executor executor;
    private final Map<String, Lane> lanes = new HashMap<>();
    private int outstanding;
    private RuntimeException failure;

    private static final class Lane {
        final int limit;
        int running;
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();

        Lane(int limit) {
            this.limit = Math.max(1, limit);
        }
    }

    Work(Executor executor) {
        this.executor = executor;
    }

    /** Declares a lane and how many of its tasks may run at once (before its first task). */
    synchronized Work lane(String name, int limit) {
        lanes.put(name, new Lane(limit));
        return this;
    }

    void submit(String laneName, Runnable task) {
        submit(laneName, task, false);
    }

    /**
     * Like {@link #submit}, but ahead of the lane's queued tasks: for work the queued ones should not hold up (the
     * quota listing's pages, which a site's hundreds of queued project reads would otherwise delay to the end).
     */
    void submitFirst(String laneName, Runnable task) {
        submit(laneName, task, true);
    }

    private void submit(String laneName, Runnable task, boolean first) {
        Lane lane;
        boolean start;
        synchronized (this) {
            outstanding++;
            lane = lanes.computeIfAbsent(laneName, n -> new Lane(1));
            start = lane.running < lane.limit;
            if (start) {
                lane.running++;
            } else if (first) {
                lane.queued.addFirst(task);
            } else {
                lane.queued.add(task);
            }
        }
        if (start) {
            run(lane, task);
        }
    }

    private void run(Lane lane, Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    failed(e instanceof RuntimeException r ? r : new IllegalStateException(e));
                } finally {
                    finished(lane);
                }
            });
        } catch (RejectedExecutionException e) {
            failed(e);
            finished(lane);
        }
    }

    private synchronized void failed(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
    }

    private void finished(Lane lane) {
        Runnable next;
        synchronized (this) {
            outstanding--;
            next = lane.queued.poll();
            if (next == null) {
                lane.running--;
            }
            notifyAll();
        }
        if (next != null) {
            run(lane, next);
        }
    }

    /** Waits for every task; rethrows the first unexpected failure of one (expected ones are handled in the task). */
    synchronized void await() {
        boolean interrupted = false;
        while (outstanding > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // the tasks hold slots and journal entries: let them finish
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
