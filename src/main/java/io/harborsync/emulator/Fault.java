package io.harborsync.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One injected failure for requests whose method and <b>raw</b> path match (and, with {@link #query}, raw query).
 * Immutable builder: {@code Fault.on("GET", "/api/v2.0/projects.*").status(503).times(2)}. Without
 * {@link #times(int)} it applies until {@link Faults#clear()}. A delay alone delays the normal answer; with a
 * status, the error comes after it. {@link #before} runs something first, as if another client's request had been
 * handled just before this one (a project created between two pages of a listing).
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
    final Pattern queryPattern; // null = any query
    final Runnable before;      // null = nothing

    private Fault(String method, Pattern pathPattern, int status, Duration delay, boolean drop, int times,
                  double probability, java.util.Random random) {
        this(method, pathPattern, status, delay, drop, times, probability, random, null, null);
    }

    private Fault(String method, Pattern pathPattern, int status, Duration delay, boolean drop, int times,
                  double probability, java.util.Random random, Pattern queryPattern, Runnable before) {
        this.method = method;
        this.pathPattern = pathPattern;
        this.status = status;
        this.delay = delay;
        this.drop = drop;
        this.times = times;
        this.probability = probability;
        this.random = random;
        this.queryPattern = queryPattern;
        this.before = before;
    }

    /** @param method HTTP method, or "*" / null for any; @param rawPathRegex must match the whole raw path */
    public static Fault on(String method, String rawPathRegex) {
        String m = method == null || method.equals("*") ? null : method.toUpperCase();
        return new Fault(m, Pattern.compile(Objects.requireNonNull(rawPathRegex)), 0, Duration.ZERO, false, 0, 1.0, null);
    }

    public Fault status(int httpStatus) { return new Fault(method, pathPattern, httpStatus, delay, drop, times, probability, random, queryPattern, before); }
    public Fault delay(Duration d) { return new Fault(method, pathPattern, status, Objects.requireNonNull(d), drop, times, probability, random, queryPattern, before); }
    public Fault dropConnection() { return new Fault(method, pathPattern, status, delay, true, times, probability, random, queryPattern, before); }
    public Fault times(int n) { return new Fault(method, pathPattern, status, delay, drop, n, probability, random, queryPattern, before); }

    /** Hits only this share of the matching requests, drawn from a seeded generator so a run can be replayed. */
    public Fault probability(double p, long seed) {
        return new Fault(method, pathPattern, status, delay, drop, times, p, new java.util.Random(seed), queryPattern, before);
    }

    /** Only requests whose raw query (without '?'; "" when there is none) matches the whole regex. */
    public Fault query(String rawQueryRegex) {
        return new Fault(method, pathPattern, status, delay, drop, times, probability, random,
                Pattern.compile(Objects.requireNonNull(rawQueryRegex)), before);
    }

    /**
     * Runs {@code action} when a matching request arrives, before it is answered (and before the delay and error),
     * outside the site's lock: the action may change the site through its API, or wait for something, and the
     * request is then answered from what the site holds after it.
     */
    public Fault before(Runnable action) {
        return new Fault(method, pathPattern, status, delay, drop, times, probability, random, queryPattern,
                Objects.requireNonNull(action));
    }

    boolean matches(String m, String rawPath, String rawQuery) {
        return (method == null || method.equals(m)) && pathPattern.matcher(rawPath).matches()
                && (queryPattern == null || queryPattern.matcher(rawQuery == null ? "" : rawQuery).matches())
                && (random == null || random.nextDouble() < probability);
    }

    @Override
    public String toString() {
        return "Fault[" + (method == null ? "*" : method) + " " + pathPattern + " status=" + status + " delay=" + delay
                + (queryPattern == null ? "" : " query=" + queryPattern) + (before == null ? "" : " before=yes")
                + " drop=" + drop + " times=" + times + (random == null ? "" : " probability=" + probability) + "]";
    }
}
