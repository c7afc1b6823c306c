package io.harborsync.emulator;

import java.time.Duration;

/**
 * How long a real Harbor takes to answer one request, by what is asked and how the caller authenticated (issue 18):
 * applied by an emulator in place of one flat latency ({@link Faults#profile}), so that a benchmark measures the
 * daemon against a Harbor's own costs. No request's answer changes, only when it comes.
 */
@FunctionalInterface
public interface LatencyProfile {
    /** @param rawQuery the request's query as sent, or null */
    Duration latency(String method, String rawPath, String rawQuery, HarborCpu.Account account);

    /**
     * A real Harbor v2.15.2 on the machine the issue measured (one request at a time, a counting proxy in front): the
     * project listing ~101 ms a page of 100 (257 ms as a user with Basic), the quota listing ~1.71 s a page (Harbor
     * loads each quota's project one by one), any other read (members, repositories, artifacts…) 2.75 ms with a
     * session, 4.05 ms as a robot and 102.5 ms as a user with Basic (PBKDF2), writes 3.0 / 4.55 / 104 ms; a login
     * (one password check) like a user's Basic write. One project's quota ({@code reference_id=…}) is a read plus the
     * ~17 ms Harbor spends per quota item loading its project.
     */
    static LatencyProfile realHarbor() {
        return (method, rawPath, rawQuery, account) -> {
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
        };
    }
}
