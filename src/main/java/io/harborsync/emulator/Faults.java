package io.harborsync.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The fault table of one emulator; thread-safe. The first matching fault wins and uses up one of its times. */
public final class Faults {
    private final List<Fault> faults = new ArrayList<>();
    private final List<Integer> remaining = new ArrayList<>();
    private volatile Duration latency = Duration.ZERO;
    private volatile LatencyProfile profile;

    public synchronized Faults add(Fault fault) {
        faults.add(fault);
        remaining.add(fault.times);
        return this;
    }

    /** Removes all faults and the global latency. */
    public synchronized void clear() {
        faults.clear();
        remaining.clear();
        latency = Duration.ZERO;
        profile = null;
    }

    /** Added to every request (before faults and routing). */
    public void latency(Duration d) { latency = d == null ? Duration.ZERO : d; }

    public Duration latency() { return latency; }

    /**
     * Each request to Harbor's core (the API, {@code /c/login}) then waits what the profile says for it, by method,
     * path and how it authenticated, after the flat {@link #latency}; null = none.
     */
    public void profile(LatencyProfile p) { profile = p; }

    public LatencyProfile profile() { return profile; }

    /** How long webhook job number {@code job} waits before its first attempt: the profile's delay, else none. */
    Duration webhookDelay(long job) {
        LatencyProfile p = profile;
        return p == null ? Duration.ZERO : p.webhookDelay(job);
    }

    public synchronized List<Fault> list() { return List.copyOf(faults); }

    /** Finds and consumes the fault for this request, or null. */
    synchronized Fault take(String method, String rawPath, String rawQuery) {
        Iterator<Fault> it = faults.iterator();
        for (int i = 0; it.hasNext(); i++) {
            Fault f = it.next();
            if (!f.matches(method, rawPath, rawQuery)) continue;
            int left = remaining.get(i);
            if (left > 0) {
                if (left == 1) {
                    it.remove();
                    remaining.remove(i);
                } else {
                    remaining.set(i, left - 1);
                }
            }
            return f;
        }
        return null;
    }
}
