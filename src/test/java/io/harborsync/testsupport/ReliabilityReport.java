package io.harborsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * docs/reliability.md, generated from the figures the tests recorded ({@link ReliabilityFigures}): every number
 * on the page, and every fact about the machine, comes from a recorded figure of this run; the words around
 * them describe what the tests do and assert. Do not edit the generated page by hand.
 */
public final class ReliabilityReport {
    private final Function<String, Optional<JsonNode>> figures;
    private final StringBuilder sb = new StringBuilder();
    private final List<String> missing = new ArrayList<>();
    private final TreeSet<String> machines = new TreeSet<>();

    private ReliabilityReport(Function<String, Optional<JsonNode>> figures) {
        this.figures = figures;
    }

    /** The page, from figure name -> its recorded JSON (empty = not measured in this run). */
    public static String render(Function<String, Optional<JsonNode>> figures) {
        return new ReliabilityReport(figures).build();
    }

    private String build() {
        StringBuilder body = sb;
        crash(body);
        highAvailability(body);
        outage(body);
        faults(body);
        hostile(body);
        secrets(body);
        tls(body);
        concurrency(body);
        StringBuilder head = new StringBuilder();
        head.append("# Reliability and security: what is tested and what it showed\n\n");
        head.append("Generated from the figures its tests record on each run (`target/reliability/*.json`,"
                + " written by `io.harborsync.testsupport.ReliabilityFigures`); do not edit it by hand. Every test"
                + " named below runs in CI (`./mvnw -B verify`), which writes this page to"
                + " `target/reliability/reliability.md`. To refresh the published copy, run the same command with"
                + " `-Dreliability.report=docs/reliability.md`; each test that records a figure rewrites the page, so"
                + " after a whole run it holds every figure of that run (a figure an earlier run left in `target/`"
                + " shows its own date).\n\n");
        if (machines.isEmpty()) {
            head.append("No figure was recorded in this run.\n\n");
        } else {
            head.append("Measured on: ").append(String.join("; ", machines)).append(". The load average is the"
                    + " machine's when each figure was recorded: the tests share the machine with whatever else"
                    + " runs on it, so times are those of that run.\n\n");
        }
        if (!missing.isEmpty()) {
            head.append("Not measured in this run (their tests did not run, or failed before recording): ")
                    .append(String.join(", ", missing)).append(".\n\n");
        }
        return head.append(body).toString();
    }

    // ------------------------------------------------------------------ sections

    private void crash(StringBuilder s) {
        s.append("## Crash: SIGKILL amid a burst of webhooks (`it.CrashRecoveryIT`, failsafe, packaged jar)\n\n");
        Optional<JsonNode> f = figure("crash-recovery", "the crash test");
        f.ifPresent(v -> s.append(String.format(Locale.ROOT, """
                The packaged daemon runs as its own process against two emulated Harbors. %s projects × %s \
                artifacts are agreed on by both sites; users delete all %s on h1, and one `DELETE_ARTIFACT` \
                webhook per deletion is sent to the daemon. At the %sth the daemon is killed with SIGKILL (no \
                shutdown hook); deliveries while it is down are refused and retried later, as Harbor's job service \
                retries them; it is restarted on the same store at the %sth.

                | webhooks sent | delivery attempts | refused while down | acknowledged | applied on h2 | lost | until converged |
                |---|---|---|---|---|---|---|
                | %s | %s | %s | %s | %s | **%s** | %s s |

                """, n(v, "projects"), n(v, "perProject"), n(v, "changes"), n(v, "killedAt"), n(v, "restartedAt"),
                n(v, "webhooksSent"), n(v, "deliveryAttempts"), n(v, "refusedWhileDown"), n(v, "acknowledged"),
                n(v, "applied"), n(v, "lost"), n(v, "secondsUntilConverged"))));
        s.append("""
                Why nothing is lost: a webhook is answered 200 only after it is stored (H2 file, or PostgreSQL); \
                work acknowledged before the kill is drained at start; an event is marked done only when the \
                reconcile of what it names saw every site, decided its key and failed nothing, otherwise it is \
                retried with exponential backoff and jitter and, after its attempts, kept as a dead letter in \
                `/status` until an admin retries it (`POST /inbox/dead/{id}/retry`). The test asserts that every \
                deletion reached h2, that untouched content stayed on both sites and that the daemon's log holds \
                none of the configured secrets. It once found a real bug: acknowledged events were lost because \
                H2 by default writes a commit to its file up to 500 ms later (`WRITE_DELAY`); the store URL now \
                sets `WRITE_DELAY=0`, and webhooks arriving together share one commit.

                """);
    }

    private void highAvailability(StringBuilder s) {
        s.append("## High availability: two replicas on one PostgreSQL (`it.HighAvailabilityIT`, failsafe, packaged"
                + " jar)\n\n");
        s.append("""
                Two packaged daemons share one real PostgreSQL store (Debian's server, started by `.ci/postgres.sh`) \
                and two emulated Harbors; they elect their leader with a PostgreSQL advisory lock and take fencing \
                tokens from the store. Every write h2 gets is counted at the emulator, with the replica that sent \
                it (its User-Agent).

                """);
        figure("crash-recovery-postgresql", "the crash test on PostgreSQL").ifPresent(v -> s.append(String.format(
                Locale.ROOT, """
                The crash test above, on the PostgreSQL store: %s webhooks, %s refused while down, %s applied on h2, \
                **%s lost**, converged after %s s.

                """, n(v, "webhooksSent"), n(v, "refusedWhileDown"), n(v, "applied"), n(v, "lost"),
                n(v, "secondsUntilConverged"))));
        figure("ha-kill", "the HA kill test").ifPresent(v -> s.append(String.format(Locale.ROOT, """
                **SIGKILL of the leader.** Users delete %s artifacts on h1; the webhooks go to both replicas in \
                turn. At the %sth the leader (a) is killed with SIGKILL; deliveries to it are refused and sent again \
                to the survivor (b), as Harbor's retries would reach it through the Service.

                | acknowledged by a | acknowledged by b | refused while a was down | lease | takeover | writes by a | writes by b | lost | duplicate writes | until converged |
                |---|---|---|---|---|---|---|---|---|---|
                | %s | %s | %s | %s s | %s s | %s | %s | **%s** | **%s** | %s s |

                """, n(v, "changes"), n(v, "killedAt"), n(v, "acknowledgedByA"), n(v, "acknowledgedByB"),
                n(v, "refusedWhileDown"), n(v, "leaseSeconds"), n(v, "takeoverSeconds"), n(v, "writtenByA"),
                n(v, "writtenByB"), n(v, "lost"), n(v, "duplicateWrites"), n(v, "secondsUntilConverged"))));
        figure("ha-freeze", "the HA freeze test").ifPresent(v -> s.append(String.format(Locale.ROOT, """
                **SIGSTOP of the leader past its lease.** The leader (a) is frozen after %s deletions on h2, while \
                it works off webhooks the follower took in; b takes over after %s s (lease %s s: PostgreSQL ends \
                the frozen session once it has been idle for the lease, and with it the lock) and finishes the \
                work. Then a is resumed (SIGCONT), given new webhooks itself, and asked for a full sync (which it \
                forwards to b). Writes that passed a's fence after the freeze: **%s**. Writes that had passed it \
                before the freeze but had not left the process yet, and so reached h2 only after a woke: %s (at most \
                one per request slot; each write carries the monotonic time it passed the fence, which the test \
                compares with the freeze); duplicate writes: %s.

                """, n(v, "writtenByABeforeFreeze"), n(v, "takeoverSeconds"), n(v, "leaseSeconds"),
                n(v, "checkedByAAfterFreeze"), n(v, "inFlightAtFreezeArrivedAfterWaking"), n(v, "duplicateWrites"))));
        s.append("""
                Why: a write leaves a replica only while its lease is certain by its own monotonic clock (the start \
                of its last successful renewal plus the lease; a frozen process finds it run out the moment it \
                wakes), and before each batch of writes (each plan phase, the base, a proxy switch) the leader \
                compares its fencing token with the store's, which each new leader raises. Webhooks are stored by \
                whichever replica gets them; only the leader works the shared inbox off. What no fence on the \
                client's side can stop: a request that passed the check and was frozen on its way to the socket \
                (Harbor checks no token). Such a write is one the old leader had decided on the state it read; it \
                arrives late, and the next reconcile reads and settles whatever it changed.

                """);
    }

    private void outage(StringBuilder s) {
        s.append("## Outage: a peer down while users keep working (`sync.ReliabilityTest`)\n\n");
        Optional<JsonNode> f = figure("outage", "the outage test");
        f.ifPresent(v -> s.append(String.format(Locale.ROOT, """
                h2 stops answering (connections refused, content kept) while users on h1 create %s projects, add \
                %s members, change %s project's metadata and delete %s project. The reconcile during the outage \
                reports h2 unknown and plans %s operations — the base is kept, nothing is deleted. After h2 comes \
                back, %s reconcile converges: the next one plans %s.

                """, n(v, "projectsCreated"), n(v, "membersAdded"), n(v, "metadataChanged"), n(v, "projectsDeleted"),
                n(v, "plannedDuringOutage"), n(v, "reconcilesToConverge"), n(v, "plannedAfterwards"))));
    }

    private void faults(StringBuilder s) {
        s.append("## Faults: injected errors, delays and dropped connections (`sync.ReliabilityTest`)\n\n");
        Optional<JsonNode> f = figure("faults", "the faults test");
        f.ifPresent(v -> s.append(String.format(Locale.ROOT, """
                %s changes (projects with metadata, quota, CVE allowlist and members, some made on h2), then \
                reconciles while every Harbor answer may go wrong: %s. Of %s requests the sites saw, %s (%s) \
                were answered 503 or dropped; answers delayed past the client's read timeout are not in that count \
                (the emulator still answered them, too late).

                | changes | reconcile rounds until both sites were equal | rounds with a site unknown | failed operations (retried next round) | operations done | time |
                |---|---|---|---|---|---|
                | %s | %s | %s | %s | %s | %s s |

                """, n(v, "changes"), n(v, "faultShareInjected"), n(v, "requestsSeen"),
                n(v, "requestsAnswered503OrDropped"), share(v, "requestsAnswered503OrDropped", "requestsSeen"),
                n(v, "changes"), n(v, "reconcileRounds"),
                n(v, "roundsWithAnUnknownSite"), n(v, "failedOperationsRetried"), n(v, "operationsDone"),
                n(v, "secondsUntilConverged"))));
        s.append("""
                This test once found a real bug: a 503 on one project's quota left that project out of the live \
                state while its site counted as read, so it looked deleted and was deleted on the other site. A \
                project whose read breaks off is now unknown as a whole. Unknown is never missing. The per-site \
                circuit breaker (`harbor-sync.http.breaker.*`, tested in `harbor.CircuitBreakerTest`) opens after \
                a run of unknown-state failures: calls fail fast, then one trial; the site is unknown meanwhile and \
                its work waits.

                """);
    }

    private void hostile(StringBuilder s) {
        s.append("## Hostile input (`webhook.HostileInputTest`)\n\n");
        Optional<JsonNode> f = figure("hostile-input", "the hostile-input test");
        f.ifPresent(v -> s.append(String.format(Locale.ROOT, """
                %s generated bad requests in this run (seed %s; `-Dhostile.seed=` replays it), by kind: %s. \
                Answers by status: %s; %s answers broke a rule (a status outside 4xx, no problem body, a stack \
                trace, a stored inbox row), and the daemon was healthy afterwards: %s.

                """, n(v, "requests"), n(v, "seed"), n(v, "perKind"), n(v, "byStatus"), n(v, "failures"),
                n(v, "healthyAfterwards"))));
        s.append("""
                The kinds: malformed and truncated JSON, every sample field mutated to a wrong type or removed, \
                invalid UTF-8, deep nesting, bodies over the limits, wrong, missing and cross-site secrets, bad \
                admin tokens, unknown sites and injection-looking names, wrong content types and methods, bad \
                admin parameters; plus the inputs that once got a 500, a 2xx or a stored row, sent in every run. \
                Limits: bodies over 1 MiB get 413; content types other than JSON and CloudEvents get 415; admin \
                calls without the bearer token 401.

                """);
        s.append("### Backpressure (`sync.InboxBackpressureTest`)\n\n");
        figure("backpressure", "the backpressure test").ifPresent(v -> s.append(String.format(Locale.ROOT, """
                With `harbor-sync.inbox.max-pending=%s` and the peer down (so accepted work stays pending), %s \
                webhooks were accepted and the next was answered %s with `Retry-After: %s` and a problem body; it \
                was not stored (pending stayed %s) and the refusal was counted in \
                `harborsync_webhook_events_total{outcome="rejected",reason="busy"}`.

                """, n(v, "maxPending"), n(v, "accepted"), n(v, "refusedStatus"), n(v, "retryAfter"),
                n(v, "pendingAfter"))));
    }

    private void secrets(StringBuilder s) {
        s.append("## Secrets (`web.SecretsInLogsTest`, `it.CrashRecoveryIT`)\n\n");
        figure("secrets", "the secrets test").ifPresent(v -> s.append(String.format(Locale.ROOT, """
                All log output of a full scenario (sync, dry run, webhooks with right and wrong secrets, admin \
                calls, failing sites) is captured: %s log lines, debug included, and %s answers; none of the %s \
                configured secrets (%s) appears in them. The capture is checked to have recorded the expected \
                lines, so it cannot pass empty.

                """, n(v, "logLines"), n(v, "answers"), n(v, "secretsChecked"), n(v, "secretKinds"))));
    }

    private void tls(StringBuilder s) {
        s.append("""
                ## TLS (`harbor.HttpsEmulatorTlsTest`, `harbor.HttpsSitesReadinessTest`)

                No figure: the tests assert that an emulator served over HTTPS with a certificate from a throwaway \
                CA works when trusted through the site's `ca-file`; without it, or with another CA, the client \
                fails closed with `TLS: the server certificate is not trusted (set \
                harbor-sync.sites.<site>.ca-file …)`, and readiness shows that site DOWN with the same reason.

                """);
    }

    private void concurrency(StringBuilder s) {
        s.append("## Concurrency (`harbor.SiteConcurrencyTest`)\n\n");
        figure("site-concurrency", "the concurrency test").ifPresent(v -> s.append(String.format(Locale.ROOT, """
                Requests to each site are bounded by `harbor-sync.http.max-concurrency` (default 4) across all of \
                the daemon's work; further requests wait for a slot rather than fail. %s callers at once against \
                an emulator that answers in %s ms reached at most %s requests in flight with a bound of %s, and %s \
                with a bound of %s: the bound is what limits.

                """, n(v, "callers"), n(v, "latencyMs"), n(v, "peakAtLowBound"), n(v, "lowBound"),
                n(v, "peakAtHighBound"), n(v, "highBound"))));
        s.append("""
                Work for one key is serialised: every reconcile runs under one lock. Backpressure, retries and \
                breakers are exported at `/q/metrics` (`harborsync_inbox_pending`, `harborsync_inbox_dead_letters`, \
                `harborsync_site_breaker_open`, `harborsync_site_requests_waiting`; `web.MetricsAndConfigTest`); no \
                label carries a key, URL or secret. `GET /config` (admin token) dumps the effective configuration \
                with the source of each value; secrets, and a password inside a JDBC URL, are masked.
                """);
    }

    // ------------------------------------------------------------------ helpers

    private Optional<JsonNode> figure(String name, String what) {
        Optional<JsonNode> f = figures.apply(name);
        if (f.isEmpty()) {
            missing.add(what + " (`" + name + "`)");
            sb.append("Not measured in this run.\n\n");
            return Optional.empty();
        }
        JsonNode m = f.get().path("machine");
        machines.add(String.format(Locale.ROOT, "%s cores (%s), %s memory, %s, %s",
                m.path("cores").asText("?"), m.path("cpu").asText("?"), m.path("memory").asText("?"),
                m.path("java").asText("?"), m.path("os").asText("?")));
        sb.append("Recorded ").append(f.get().path("measuredAt").asText("?")).append(" by `")
                .append(f.get().path("test").asText("?")).append("`, load average (1, 5, 15 min) ")
                .append(m.path("loadAverage").asText("?")).append(".\n\n");
        return Optional.of(f.get().path("values"));
    }

    private static String share(JsonNode values, String part, String whole) {
        double w = values.path(whole).asDouble(0);
        return w <= 0 ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * values.path(part).asDouble(0) / w);
    }

    /** A recorded value as text: numbers with thousands separators, objects as "k v, ...". */
    private static String n(JsonNode values, String field) {
        JsonNode v = values.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return "(not recorded)";
        }
        if (v.isIntegralNumber()) {
            return String.format(Locale.ROOT, "%,d", v.asLong());
        }
        if (v.isNumber()) {
            return String.format(Locale.ROOT, "%.1f", v.asDouble());
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asText()));
            return String.join(", ", parts);
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.asText()));
            return String.join(", ", parts);
        }
        return v.asText();
    }
}
