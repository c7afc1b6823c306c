package io.harborsync.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One injected failure for requests whose method and <b>raw</b> path match. Immutable builder:
 * {@code Fault.on("GET", "/api/v2.0/projects.*").status(503).times(2)}. Without {@link #times(int)} it applies
 * until {@link Faults#clear()}. A delay alone delays the normal answer; with a status, the error comes after it.
 */
public final class Fault {
    final String method;        // null = any method
    final Pattern pathPattern;
    final int status;           // 0 = no error answer
    final Duration delay;
    final boolean drop;
    final int times;            // <= 0: unlimited
    final double probability;   // share of matching requests it hits
    private final java.util.Random random;

    private Fault(String method, Pattern pathPattern, int status, Duration delay, boolean drop, int times,
                  double probability, java.util.Random random) {
        this.method = method;
        this.pathPattern = pathPattern;
        this.status = status;
        this.delay = delay;
        this.drop = drop;
        this.times = times;
        this.probability = probability;
        this.random = random;
    }

    /** @param method HTTP method, or "*" / null for any; @param rawPathRegex must match the whole raw path */
    public static Fault on(String method, String rawPathRegex) {
        String m = method == null || method.equals("*") ? null : method.toUpperCase();
        return new Fault(m, Pattern.compile(Objects.requireNonNull(rawPathRegex)), 0, Duration.ZERO, false, 0, 1.0, null);
    }

    public Fault status(int httpStatus) { return new Fault(method, pathPattern, httpStatus, delay, drop, times, probability, random); }
    public Fault delay(Duration d) { return new Fault(method, pathPattern, status, Objects.requireNonNull(d), drop, times, probability, random); }
    public Fault dropConnection() { return new Fault(method, pathPattern, status, delay, true, times, probability, random); }
    public Fault times(int n) { return new Fault(method, pathPattern, status, delay, drop, n, probability, random); }

    /** Hits only this share of the matching requests, drawn from a seeded generator so a run can be replayed. */
    public Fault probability(double p, long seed) {
        return new Fault(method, pathPattern, status, delay, drop, times, p, new java.util.Random(seed));
    }

    boolean matches(String m, String rawPath) {
        return (method == null || method.equals(m)) && pathPattern.matcher(rawPath).matches()
                && (random == null || random.nextDouble() < probability);
    }

    @Override
    public String toString() {
        return "Fault[" + (method == null ? "*" : method) + " " + pathPattern + " status=" + status + " delay=" + delay
                + " drop=" + drop + " times=" + times + (random == null ? "" : " probability=" + probability) + "]";
    }
}
