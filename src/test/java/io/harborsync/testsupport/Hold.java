package io.harborsync.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request held by a test's fault until the code under test has done something else meanwhile (a second page in
 * flight, a read while a write is held): the hold ends when it has, or after {@link #SECONDS}, which only code that
 * does not do it waits out, and then says so.
 */
public final class Hold {
    /** Long enough never to be reached when the code is right. */
    public static final long SECONDS = 10;

    private Hold() {
    }

    /** Waits for the latch; sets {@code timedOut} when it did not open within {@link #SECONDS} (or was interrupted). */
    public static void until(CountDownLatch latch, AtomicBoolean timedOut) {
        try {
            if (!latch.await(SECONDS, TimeUnit.SECONDS)) {
                timedOut.set(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            timedOut.set(true);
        }
    }
}
