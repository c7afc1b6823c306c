package io.harborsync.bench;

import io.harborsync.emulator.ExchangeListener;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.emulator.RecordedExchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every Harbor API request the emulators receive while recording, as method + path template
 * ({@code GET /projects/{p}/members}), so that a phase's requests can be counted and broken down by endpoint.
 */
final class RequestLog {
    record Hit(String site, long nanos, String method, String template, String query, int status) {
        String endpoint() {
            return method + " " + template;
        }
    }

    /** Collections whose next path segment is an id or name. */
    private static final Set<String> COLLECTIONS = Set.of("projects", "repositories", "artifacts", "members",
            "quotas", "policies", "metadatas", "tags", "robots", "registries", "executions", "users");
    private static final Map<String, String> NAMES = Map.of("projects", "{p}", "repositories", "{r}",
            "artifacts", "{ref}", "members", "{mid}", "metadatas", "{m}", "tags", "{tag}");

    private final List<HarborEmulator> emulators;
    private final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
    private volatile boolean recording;

    RequestLog(HarborEmulator... emulators) {
        this.emulators = List.of(emulators);
        for (HarborEmulator e : emulators) {
            String site = e.name();
            e.addExchangeListener(listener(site));
        }
    }

    private ExchangeListener listener(String site) {
        return (RecordedExchange x) -> {
            if (recording && x.rawPath().startsWith("/api/v2.0/")) {
                hits.add(new Hit(site, System.nanoTime(), x.method(), template(x.rawPath()), x.rawQuery(), x.status()));
            }
        };
    }

    /** Forgets what was recorded and records from now on. */
    void start() {
        hits.clear();
        recording = true;
    }

    /** Stops once every request in flight has reached the listeners; returns what was recorded. */
    List<Hit> stop() {
        for (HarborEmulator e : emulators) {
            e.awaitIdle(Duration.ofSeconds(30));
        }
        recording = false;
        return new ArrayList<>(hits);
    }

    /** What was recorded so far, recording goes on. */
    List<Hit> snapshot() {
        return new ArrayList<>(hits);
    }

    static String template(String rawPath) {
        String[] segs = rawPath.substring("/api/v2.0".length()).split("/", -1);
        StringBuilder sb = new StringBuilder();
        String prev = "";
        for (int i = 1; i < segs.length; i++) {
            String s = segs[i];
            if (s.isEmpty()) {
                sb.append('/'); // trailing slash, e.g. /metadatas/
                continue;
            }
            sb.append('/').append(COLLECTIONS.contains(prev) ? NAMES.getOrDefault(prev, "{id}") : s);
            prev = COLLECTIONS.contains(prev) ? "" : s;
        }
        return sb.toString();
    }

    /** endpoint -> site -> count. */
    static Map<String, Map<String, Long>> byEndpoint(List<Hit> hits) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (Hit h : hits) {
            out.computeIfAbsent(h.endpoint(), x -> new TreeMap<>()).merge(h.site(), 1L, Long::sum);
        }
        return out;
    }

    static long count(List<Hit> hits, String site) {
        return hits.stream().filter(h -> h.site().equals(site)).count();
    }

    static long writes(List<Hit> hits, String site) {
        return hits.stream().filter(h -> h.site().equals(site) && !h.method().equals("GET")
                && !h.method().equals("HEAD")).count();
    }
}
