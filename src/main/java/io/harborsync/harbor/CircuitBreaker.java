package io.harborsync.harbor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One site's circuit breaker: after {@code failureThreshold} unknown-state failures in a row (401/403,
 * 5xx, timeouts, dropped connections, TLS failures) the site is left alone for {@code openFor}; calls in
 * that time fail at once with {@link HarborException.CircuitOpen}, which is unknown-state too, so the
 * sync engine holds the site's keys as unknown (nothing dropped, nothing deleted) instead of hammering a
 * Harbor that is down. Then one trial call goes through (half-open): success closes the breaker, failure
 * opens it again. Answers that tell something about the resource (404, 409, 400, 412) are successes here.
 */
public final class CircuitBreaker {

    /** @param failureThreshold consecutive failures that open the breaker; 0 = never open */
    public record Settings(int failureThreshold, Duration openFor) {
        public static final Settings DEFAULTS = new Settings(5, Duration.ofSeconds(30));
        public static final Settings OFF = new Settings(0, Duration.ofSeconds(30));

        public Settings {
            Objects.requireNonNull(openFor, "openFor");
            if (failureThreshold < 0) {
                throw new IllegalArgumentException("failure threshold must be 0 (off) or more, got " + failureThreshold);
            }
            if (openFor.isNegative() || openFor.isZero()) {
                throw new IllegalArgumentException("open-for must be positive, got " + openFor);
            }
        }
    }

    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * What /status shows.
     *
     * @param nextTry     when an open breaker lets the next trial through; null unless open
     * @param lastFailure the last failure's reason (status or transport error, never a credential); null after a success
     */
    public record Snapshot(State state, int consecutiveFailures, Instant nextTry, String lastFailure) {
    }

    private final String site;
    private final Settings settings;
    private final Clock clock;

    private State state = State.CLOSED;
    private int failures;
    private Instant openUntil;
    private boolean trialRunning;
    private String lastFailure;

    public CircuitBreaker(String site, Settings settings, Clock clock) {
        this.site = site;
        this.settings = settings;
        this.clock = clock;
    }

    /** Before a call: returns if it may go to Harbor, throws {@link HarborException.CircuitOpen} if not. */
    synchronized void acquire(String op) {
        if (settings.failureThreshold() == 0 || state == State.CLOSED) {
            return;
        }
        Instant now = clock.instant();
        if (state == State.OPEN && !now.isBefore(openUntil)) {
            state = State.HALF_OPEN;
        }
        // Half-open lets exactly one trial through; the others wait for its outcome like an open breaker.
        if (state == State.HALF_OPEN && !trialRunning) {
            trialRunning = true;
            return;
        }
        String when = state == State.OPEN ? "next try at " + openUntil : "a trial call is running";
        throw new HarborException.CircuitOpen(site, op, "circuit open after " + failures + " failure"
                + (failures == 1 ? "" : "s") + " in a row (last: " + lastFailure + "), " + when);
    }

    /** Harbor answered (an answer about the resource counts as success, whatever its status). */
    synchronized void succeeded() {
        state = State.CLOSED;
        failures = 0;
        openUntil = null;
        trialRunning = false;
        lastFailure = null;
    }

    /** An unknown-state failure. */
    synchronized void failed(HarborException e) {
        failures++;
        lastFailure = e.status() > 0 ? "HTTP " + e.status() + (e.code() == null ? "" : " " + e.code())
                : e.harborMessage();
        trialRunning = false;
        if (settings.failureThreshold() > 0 && (state == State.HALF_OPEN || failures >= settings.failureThreshold())) {
            state = State.OPEN;
            openUntil = clock.instant().plus(settings.openFor());
        }
    }

    /** The call ended without a verdict on the site (a bug or an unexpected exception): free the trial slot. */
    synchronized void released() {
        trialRunning = false;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(state, failures, state == State.OPEN ? openUntil : null, lastFailure);
    }
}
