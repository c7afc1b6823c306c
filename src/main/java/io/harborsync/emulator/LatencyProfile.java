package io.harborsync.emulator;

import java.time.Duration;

/**
 * How long a real Harbor takes to answer one request, by what is asked and how the caller authenticated (issue 18):
 * applied by an emulator in place of one flat latency ({@link Faults#profile}), so that a benchmark measures the
 * daemon against a Harbor's own costs. No request's answer changes, only when it comes; and when a webhook job
 * starts ({@link #webhookDelay}).
 */
@FunctionalInterface
public interface LatencyProfile {
    /** @param rawQuery the request's query as sent, or null */
    Duration latency(String method, String rawPath, String rawQuery, HarborCpu.Account account);

    /**
     * How long Harbor's jobservice lets webhook delivery job number {@code job} (0, 1, … on this site, in the order
     * the events happened) wait before its first attempt; retries wait {@link EmulatorOptions#webhookRetryDelay} on
     * top. None unless a profile says so, as for every flat latency.
     */
    default Duration webhookDelay(long job) {
        return Duration.ZERO;
    }

    /** {@link #realHarbor(long)} with a fixed seed, so that two runs wait the same. */
    static LatencyProfile realHarbor() {
        return realHarbor(REAL_HARBOR_SEED);
    }

    /** The seed of {@link #realHarbor()}'s webhook delays. */
    long REAL_HARBOR_SEED = 18;

    /**
     * A real Harbor v2.15.2 on the machine the issue measured (one request at a time, a counting proxy in front): the
     * project listing ~101 ms a page of 100 (257 ms as a user with Basic), the quota listing ~1.71 s a page (Harbor
     * loads each quota's project one by one), any other read (members, repositories, artifacts…) 2.75 ms with a
     * session, 4.05 ms as a robot and 102.5 ms as a user with Basic (PBKDF2), writes 3.0 / 4.55 / 104 ms; a login
     * (one password check) like a user's Basic write. One project's quota ({@code reference_id=…}) is a read plus the
     * ~17 ms Harbor spends per quota item loading its project.
     * <p>
     * Its webhooks arrive late, as Harbor's did: 1.9 s p50 from the user's request to the webhook's arrival (the
     * issue's measurement; 2.0 s p50 and 2.2 s p90 end to end with the daemon's ~140 ms). Each job waits a delay drawn
     * evenly from 1.65 to 2.15 s (p50 1.9 s, p90 2.1 s), the same for the same seed and job number.
     */
    static LatencyProfile realHarbor(long seed) {
        return new LatencyProfile() {
            @Override
            public Duration latency(String method, String rawPath, String rawQuery, HarborCpu.Account account) {
                return realHarborLatency(method, rawPath, rawQuery, account);
            }

            @Override
            public Duration webhookDelay(long job) {
                long z = seed + (job + 1) * 0x9E3779B97F4A7C15L; // SplitMix64: a well-mixed value per job
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                z ^= z >>> 31;
                double u = (z >>> 11) * 0x1.0p-53; // [0, 1)
                return Duration.ofNanos(Math.round((WEBHOOK_DELAY_MIN_MS + u * WEBHOOK_DELAY_SPREAD_MS) * 1_000_000));
            }

            @Override
            public String toString() {
                return "real Harbor v2.15.2 (webhook delay seed " + seed + ")";
            }
        };
    }

    /** {@link #realHarbor}'s webhook delays: evenly from this … */
    double WEBHOOK_DELAY_MIN_MS = 1650;
    /** … to this much more (p50 1.9 s, p90 2.1 s). */
    double WEBHOOK_DELAY_SPREAD_MS = 500;

    private static Duration realHarborLatency(String method, String rawPath, String rawQuery,
                                              HarborCpu.Account account) {
        boolean basicUser = account == HarborCpu.Account.BASIC_USER;
        boolean robot = account == HarborCpu.Account.BASIC_ROBOT;
        double ms;
        if (account == HarborCpu.Account.LOGIN) {
            ms = 104;
        } else if (method.equals("GET") && rawPath.equals("/api/v2.0/projects")) {
            ms = basicUser ? 257 : 101;
        } else if (method.equals("GET") && rawPath.equals("/api/v2.0/quotas")
                && (rawQuery == null || !rawQuery.contains("reference_id="))) {
            ms = basicUser ? 1815 : robot ? 1713 : 1712;
        } else if (method.equals("GET") && rawPath.equals("/api/v2.0/quotas")) {
            ms = (basicUser ? 102.5 : robot ? 4.05 : 2.75) + 17;
        } else if (method.equals("GET") || method.equals("HEAD")) {
            ms = basicUser ? 102.5 : robot ? 4.05 : 2.75;
        } else {
            ms = basicUser ? 104 : robot ? 4.55 : 3.0;
        }
        return Duration.ofNanos(Math.round(ms * 1_000_000));
    }
}
