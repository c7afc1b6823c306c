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

    private Fault(String method, Pattern pathPattern, int status, Duration delay, boolean drop, int times) {
        this.method = method;
        this.pathPattern = pathPattern;
        this.status = status;
        this.delay = delay;
        this.drop = drop;
        this.times = times;
    }

    /** @param method HTTP method, or "*" / null for any; @param rawPathRegex must match the whole raw path */
    public static Fault on(String method, String rawPathRegex) {
        String m = method == null || method.equals("*") ? null : method.toUpperCase();
        return new Fault(m, Pattern.compile(Objects.requireNonNull(rawPathRegex)), 0, Duration.ZERO, false, 0);
    }

    public Fault status(int httpStatus) { return new Fault(method, pathPattern, httpStatus, delay, drop, times); }
    public Fault delay(Duration d) { return new Fault(method, pathPattern, status, Objects.requireNonNull(d), drop, times); }
    public Fault dropConnection() { return new Fault(method, pathPattern, status, delay, true, times); }
    public Fault times(int n) { return new Fault(method, pathPattern, status, delay, drop, n); }

    boolean matches(String m, String rawPath) {
        return (method == null || method.equals(m)) && pathPattern.matcher(rawPath).matches();
    }

    @Override
    public String toString() {
        return "Fault[" + (method == null ? "*" : method) + " " + pathPattern + " status=" + status + " delay=" + delay
                + " drop=" + drop + " times=" + times + "]";
    }
}
