package io.harborsync.testsupport;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.RecordedExchange;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Checks every /api/v2.0 exchange of an emulator against the Harbor spec: the request (so a client that sends what
 * Harbor would reject is caught) and the response (so the emulator stays inside the contract). Outside /api/v2.0 only
 * the known requests pass ({@link #OUTSIDE_API}: the UI login, the emulator's control endpoints).
 */
public final class SpecGuard implements ExchangeListener {
    public record Violation(String method, String path, String message) {
        @Override
        public String toString() {
            return method + " " + path + ": " + message;
        }
    }

    private final List<Violation> violations = new ArrayList<>();
    private volatile HarborEmulator emulator;

    /** Listens to {@code emulator}; checks then first wait until the emulator has reported every exchange. */
    public SpecGuard attachTo(HarborEmulator emulator) {
        this.emulator = emulator;
        emulator.addExchangeListener(this);
        return this;
    }

    private void settle() {
        HarborEmulator e = emulator;
        if (e != null && !e.awaitIdle(Duration.ofSeconds(10))) throw new AssertionError("emulator did not become idle");
    }

    @Override
    public void onExchange(RecordedExchange ex) {
        List<Violation> found = check(ex);
        if (!found.isEmpty()) {
            synchronized (violations) {
                violations.addAll(found);
            }
        }
    }

    /**
     * The violations of one exchange: request and response against the spec. A check that cannot run (the spec
     * does not load, the validator crashes) is a violation too, never an exchange that passed unchecked. Public for
     * checks of exchanges no emulator made (the fidelity replay checks the recorded real Harbor exchanges too).
     */
    public static List<Violation> check(RecordedExchange ex) {
        return check(ex, HarborSpec::validator);
    }

    static List<Violation> check(RecordedExchange ex, Supplier<OpenApiInteractionValidator> spec) {
        try {
            return validate(ex, spec);
        } catch (RuntimeException | Error e) {
            return List.of(new Violation(ex.method(), ex.rawPath() + (ex.rawQuery() == null ? "" : "?" + ex.rawQuery()),
                    "the Harbor spec check could not run: " + e));
        }
    }

    /**
     * The requests outside the API that are known, and all that is: Harbor's UI login (GET for the CSRF token, POST
     * with the form; not in the spec) and the emulator's control endpoints (what happens outside Harbor's API: a
     * push, a user's first login, fault injection). Any other path outside /api/v2.0 is a violation.
     */
    static final java.util.Set<String> OUTSIDE_API = java.util.Set.of(
            "GET /c/login", "POST /c/login",
            "POST /emulator/artifacts", "POST /emulator/users", "POST /emulator/faults", "DELETE /emulator/faults");

    private static List<Violation> validate(RecordedExchange ex, Supplier<OpenApiInteractionValidator> spec) {
        if (ex.status() == 0) return List.of(); // dropped = no response
        if (!ex.rawPath().startsWith(HarborSpec.BASE_PATH + "/")) {
            if (OUTSIDE_API.contains(ex.method() + " " + ex.rawPath())) return List.of();
            return List.of(new Violation(ex.method(), ex.rawPath() + (ex.rawQuery() == null ? "" : "?" + ex.rawQuery()),
                    "neither under " + HarborSpec.BASE_PATH + " nor one of the known requests outside it " + new java.util.TreeSet<>(OUTSIDE_API)));
        }
        SimpleRequest.Builder rb = new SimpleRequest.Builder(ex.method(), ex.rawPath());
        ex.requestHeaders().forEach(rb::withHeader);
        if (ex.requestBody().length > 0) rb.withBody(ex.requestBody());
        parseQuery(ex.rawQuery()).forEach(rb::withQueryParam);
        SimpleRequest request = rb.build();
        SimpleResponse.Builder sb = new SimpleResponse.Builder(ex.status());
        ex.responseHeaders().forEach(sb::withHeader);
        if (ex.responseBody().length > 0) sb.withBody(ex.responseBody());
        ValidationReport report = spec.get().validate(request, sb.build());
        List<Violation> out = new ArrayList<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR) continue;
            out.add(new Violation(ex.method(), ex.rawPath() + (ex.rawQuery() == null ? "" : "?" + ex.rawQuery()),
                    m.getKey() + " " + m.getMessage()));
        }
        return out;
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String part : raw.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return q;
    }

    public List<Violation> violations() {
        settle();
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public void reset() {
        settle();
        synchronized (violations) {
            violations.clear();
        }
    }

    public void assertClean() {
        List<Violation> v = violations();
        if (!v.isEmpty()) {
            StringBuilder sb = new StringBuilder(v.size() + " Harbor spec violation(s):");
            v.forEach(x -> sb.append("\n  ").append(x));
            throw new AssertionError(sb.toString());
        }
    }

    /**
     * For tests that send a deliberately invalid request: asserts that a violation whose text contains
     * {@code fragment} was recorded, and removes the matching ones, here and from the suite-wide record
     * ({@link GlobalSpecGuard}), so the test is not failed for it.
     */
    public Violation expectViolation(String fragment) {
        settle();
        synchronized (violations) {
            Violation found = violations.stream().filter(v -> v.toString().contains(fragment)).findFirst()
                    .orElseThrow(() -> new AssertionError("expected a spec violation containing '" + fragment + "', got " + violations));
            violations.removeIf(v -> v.toString().contains(fragment));
            GlobalSpecGuard.forget(fragment);
            return found;
        }
    }
}
