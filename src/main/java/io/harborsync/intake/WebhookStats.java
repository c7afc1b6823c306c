package io.harborsync.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-memory webhook counters per site and event type, for the status API: received (stored as work),
 * ignored (acknowledged, not work) and rejected (401, 400, 413, 503). Reset at restart. Only configured
 * sites are counted; a rejected request whose type could not be read counts under {@value #UNKNOWN_TYPE}.
 * The number of distinct types per site is capped, so that a sender cannot grow the map without bound.
 */
@ApplicationScoped
public class WebhookStats {
    public static final String UNKNOWN_TYPE = "(unknown)";
    public static final String OTHER_TYPE = "(other)";
    static final int MAX_TYPES_PER_SITE = 64;

    /** Counts of one (site, type). */
    public record Counts(long received, long ignored, long rejected) {
    }

    private final Map<String, Map<String, LongAdder[]>> counters = new ConcurrentHashMap<>();

    /** One webhook request counted; the metrics observe it. */
    public record Counted(String site, String type, String outcome, String reason) {
    }

    @Inject
    jakarta.enterprise.event.Event<Counted> counted;

    public void received(String site, String type) {
        counted.fire(new Counted(site, capped(site, type), "received", null));
        counter(site, type)[0].increment();
    }

    public void ignored(String site, String type) {
        counted.fire(new Counted(site, capped(site, type), "ignored", null));
        counter(site, type)[1].increment();
    }

    /** @param reason unauthorized, too-large, unreadable, malformed, busy (backpressure) or store-failed */
    public void rejected(String site, String type, String reason) {
        counted.fire(new Counted(site, capped(site, type), "rejected", reason));
        counter(site, type)[2].increment();
    }

    /** The type as counted: capped per site, so that a sender cannot create series without bound. */
    private String capped(String site, String type) {
        String key = type == null || type.isEmpty() ? UNKNOWN_TYPE : type;
        Map<String, LongAdder[]> types = counters.get(site);
        if (types != null && !types.containsKey(key) && types.size() >= MAX_TYPES_PER_SITE) {
            return OTHER_TYPE;
        }
        return key;
    }

    /** site → type → counts, sorted by name. */
    public Map<String, Map<String, Counts>> snapshot() {
        Map<String, Map<String, Counts>> out = new TreeMap<>();
        counters.forEach((site, types) -> {
            Map<String, Counts> t = new TreeMap<>();
            types.forEach((type, c) -> t.put(type, new Counts(c[0].sum(), c[1].sum(), c[2].sum())));
            out.put(site, t);
        });
        return out;
    }

    public Counts get(String site, String type) {
        Map<String, LongAdder[]> types = counters.get(site);
        LongAdder[] c = types == null ? null : types.get(type);
        return c == null ? new Counts(0, 0, 0) : new Counts(c[0].sum(), c[1].sum(), c[2].sum());
    }

    private LongAdder[] counter(String site, String type) {
        Map<String, LongAdder[]> types = counters.computeIfAbsent(site, s -> new ConcurrentHashMap<>());
        String key = type == null || type.isEmpty() ? UNKNOWN_TYPE : type;
        if (!types.containsKey(key) && types.size() >= MAX_TYPES_PER_SITE) {
            key = OTHER_TYPE;
        }
        return types.computeIfAbsent(key, k -> new LongAdder[]{new LongAdder(), new LongAdder(), new LongAdder()});
    }
}
