package io.harborsync.fidelity;

import io.harborsync.emulator.RecordedExchange;
import io.harborsync.fidelity.RealExchanges.Recording;
import io.harborsync.fidelity.RealExchanges.Step;
import io.harborsync.fidelity.Replay.ActionResult;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import io.harborsync.testsupport.SpecGuard;
import io.harborsync.testsupport.SpecViolationsExpected;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's conformance test: the request sequence recorded against a real Harbor v2.15.2 replayed against a fresh
 * emulator, each answer compared with the real one ({@link Comparison}), the outcome printed and written to
 * docs/fidelity.md ({@link FidelityReport}). What may differ and why is {@link FidelityRules}.
 *
 * <p>The recording holds requests real Harbor got although the spec forbids them (and real answers outside the
 * spec): every exchange of the replay is still checked by the spec guard, each step's violations are taken with
 * {@link SpecGuard#expectViolation} and compared with the violations of the recorded real exchange.
 */
@SpecViolationsExpected
class RealExchangesConformanceTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("fidelity");

    private static Recording recording;
    private static IdMap ids;
    private static final List<StepResult> results = new ArrayList<>();
    private static final List<ActionResult> actions = new ArrayList<>();

    @BeforeAll
    static void replay() {
        long started = System.nanoTime();
        recording = RealExchanges.load();
        // the recorded real exchanges are checked side by side (the validator is shared by the emulators' threads too)
        Map<String, List<String>> realViolations = recording.steps().parallelStream().filter(s -> !s.action())
                .collect(Collectors.toMap(Step::id, s -> SpecGuard.check(realExchange(s)).stream()
                        .map(SpecGuard.Violation::message).toList()));
        Replay replay = new Replay(h1.emulator(), recording);
        ids = replay.ids();
        h1.emulator().addExchangeListener(ex -> exchanges.incrementAndGet());
        h1.guard().reset();
        for (Step step : recording.steps()) {
            if (step.action()) {
                actions.add(replay.act(step));
                takeViolations(); // the control endpoint is outside /api/v2.0; the audit look-up is a plain valid GET
                exchanges.set(0);
                continue;
            }
            Replay.Exchange ex = replay.send(step);
            List<String> seen = takeViolations();
            List<Comparison.Diff> diffs = Comparison.compare(step.real(), ex.answer(), replay.ids(),
                    step.request().headers().get("X-Request-Id"));
            List<String> real = realViolations.get(step.id());
            List<String> realAnswer = real.stream().filter(v -> !v.startsWith("validation.request")).toList();
            List<String> emuAnswer = seen.stream().filter(v -> !v.startsWith("validation.request")).toList();
            List<Comparison.Diff> all = new ArrayList<>(diffs);
            all.addAll(Comparison.spec(realAnswer, emuAnswer));
            if (exchanges.getAndSet(0) == 0) unseen.add(step.id());
            results.add(StepResult.of(step, all,
                    seen.stream().filter(v -> v.startsWith("validation.request")).toList(), realAnswer, emuAnswer));
            realRequestViolations.put(step.id(), real.stream().filter(v -> v.startsWith("validation.request")).toList());
        }
        String page = FidelityReport.render(results, actions);
        List<java.nio.file.Path> written = FidelityReport.write(page);
        System.out.print(FidelityReport.summary(results));
        System.out.printf(Locale.ROOT, "[fidelity] %d steps replayed and checked in %.1f s%n", recording.steps().size(),
                (System.nanoTime() - started) / 1e9);
        System.out.println("[fidelity] report -> " + written.stream().map(p -> p.toAbsolutePath().toString())
                .collect(Collectors.joining(", ")));
    }

    private static final Map<String, List<String>> realRequestViolations = new LinkedHashMap<>();
    /** Exchanges the emulator reported (to its listeners, the spec guards among them) during the current step. */
    private static final AtomicInteger exchanges = new AtomicInteger();
    /** Request steps that never reached the emulator's handlers, and so were not checked against the spec. */
    private static final List<String> unseen = new ArrayList<>();

    /** The spec violations the replay caused since the last call (validator messages), taken off the guards. */
    private static List<String> takeViolations() {
        List<SpecGuard.Violation> found = h1.guard().violations();
        Set<String> fragments = new LinkedHashSet<>();
        for (SpecGuard.Violation v : found) fragments.add(v.toString().split("\n", 2)[0]);
        fragments.forEach(h1.guard()::expectViolation);
        return found.stream().map(SpecGuard.Violation::message).toList();
    }

    /** The recorded real exchange as the spec guard checks an emulator's: request as sent, real answer. */
    private static RecordedExchange realExchange(Step step) {
        String path = step.request().path(); // raw: query.badescape's "%zz" is no URI
        int q = path.indexOf('?');
        Map<String, List<String>> req = new LinkedHashMap<>();
        step.request().headers().forEach((k, v) -> req.put(k, List.of(v)));
        if (step.request().auth() != null) req.put("Authorization", List.of(PlainHarborHttp.basic(step.request().auth(), "x")));
        byte[] body = new byte[0];
        if (step.request().body() != null && !step.request().body().isNull()
                && !(step.request().body().isTextual() && step.request().body().asText().equals("b''"))) {
            body = step.request().body().toString().getBytes(StandardCharsets.UTF_8);
            req.put("Content-Type", List.of("application/json"));
        }
        Map<String, List<String>> resp = new LinkedHashMap<>();
        step.real().headers().forEach((k, v) -> resp.put(k, List.of(v)));
        return new RecordedExchange(step.request().method(), q < 0 ? path : path.substring(0, q),
                q < 0 ? null : path.substring(q + 1), req, body,
                step.real().status(), resp, step.real().body().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyStepThatMattersToTheDaemonMatches() {
        List<String> failing = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        for (StepResult r : results) {
            if (!FidelityRules.mattersToDaemon(r.step().id())) continue;
            boolean open = FidelityRules.OPEN_DAEMON_GAPS.containsKey(r.step().id());
            if (!r.matches() && !open) {
                failing.add(r.step().id() + " " + r.unexcused().stream().map(j -> j.diff().field() + ": real " + j.diff().real()
                        + ", emulator " + j.diff().emu()).collect(Collectors.joining("; ")));
            }
            if (r.matches() && open) fixed.add(r.step().id() + " matches now: remove it from FidelityRules.OPEN_DAEMON_GAPS");
        }
        assertThat(failing).as("daemon steps that differ from real Harbor").isEmpty();
        assertThat(fixed).as("open gaps that are closed").isEmpty();
        assertThat(FidelityRules.OPEN_DAEMON_GAPS.keySet()).allMatch(FidelityRules::mattersToDaemon);
    }

    @Test
    void matchRateIsAtLeastTheFloor() {
        double rate = FidelityReport.rate(results);
        assertThat(rate).as("match rate (floor " + FidelityReport.percent(FidelityRules.MATCH_FLOOR) + ")")
                .isGreaterThanOrEqualTo(FidelityRules.MATCH_FLOOR);
    }

    @Test
    void everyStepIsAccountedFor() {
        assertThat(results.size() + actions.size()).isEqualTo(recording.steps().size());
        assertThat(results).allMatch(r -> r.verdict() != null);
        assertThat(results.stream().map(r -> r.step().id())).doesNotHaveDuplicates();
        // every excuse names a step of the recording and a difference that happened: none stays after its cause is gone
        Set<String> happened = new TreeSet<>();
        results.forEach(r -> r.diffs().forEach(j -> happened.add(r.step().id() + "|" + j.diff().field())));
        assertThat(FidelityRules.excuses()).allSatisfy(e -> assertThat(happened).as("excuse without a difference")
                .contains(e.step() + "|" + e.field()));
        // the credentials table: its steps exist, and every step whose desc says it used other credentials is in it
        Set<String> ids = recording.steps().stream().map(Step::id).collect(Collectors.toSet());
        assertThat(ids).containsAll(FidelityRules.CREDENTIALS.keySet());
        List<String> unlisted = recording.steps().stream().filter(s -> !s.action())
                .filter(s -> FidelityRules.WRONG_CREDENTIAL_WORDS.stream().anyMatch(s.desc()::contains))
                .map(Step::id).filter(id -> !FidelityRules.CREDENTIALS.containsKey(id)).toList();
        assertThat(unlisted).as("steps with other credentials missing from FidelityRules.CREDENTIALS").isEmpty();
    }

    /** The recorder tracked ids by name (users, projects, members, quotas, robots, ...): the replay paired each. */
    @Test
    void everyIdTheRecordingTracksWasPaired() {
        Step last = recording.steps().stream().filter(Step::action).reduce((a, b) -> b).orElseThrow();
        List<String> unpaired = new ArrayList<>();
        last.ctx().path("real").fields().forEachRemaining(f -> {
            if (f.getValue().isIntegralNumber() && !ids.pairs().containsKey(f.getValue().asLong())) unpaired.add(f.getKey());
        });
        assertThat(unpaired).as("ids of ctx the replay never learned").isEmpty();
    }

    @Test
    void theReplayBreaksTheSpecWhereTheRealRunDid() {
        // every request reached the emulator and so its spec guards, but the one the JDK HTTP server refuses itself
        assertThat(unseen).as("steps no spec guard saw").containsExactly("query.badescape");
        List<String> problems = new ArrayList<>();
        for (StepResult r : results) {
            Set<String> replayed = keysOf(r.specRequest());
            Set<String> real = keysOf(realRequestViolations.get(r.step().id()));
            if (!replayed.equals(real)) {
                problems.add(r.step().id() + ": request violations " + replayed + ", real request " + real);
            }
        }
        assertThat(problems).as("the replay sends what real Harbor got").isEmpty();
    }

    private static Set<String> keysOf(List<String> violations) {
        return Comparison.specKeys(violations);
    }
}
