package io.harborsync.proxy;

import io.harborsync.proxy.ProxySwitch.Reason;
import io.harborsync.proxy.ProxySwitch.Switch;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Automatic failover, one {@link #tick()} per health-check interval. Anti-flapping rules:
 * <ul>
 *   <li>fail over only after {@code threshold} consecutive failed checks of the active site;</li>
 *   <li>only to a site healthy for {@code threshold} consecutive checks (so a site that just came back
 *       is not trusted at once);</li>
 *   <li>no automatic switch within {@code minDwell} of any switch, manual ones included;</li>
 *   <li>failback to the preferred site (chosen by hand or at start) only if enabled, under the same rules.</li>
 * </ul>
 */
public final class Failover {
    private static final Logger LOG = Logger.getLogger(Failover.class);

    public record Settings(int threshold, Duration minDwell, boolean failback) {
        public Settings {
            if (threshold < 1) {
                throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
            }
            if (minDwell.isNegative()) {
                throw new IllegalArgumentException("min-dwell must not be negative, got " + minDwell);
            }
        }
    }

    private final ProxySwitch proxy;
    private final Predicate<String> healthy;
    private final Settings settings;
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Integer> successes = new HashMap<>();

    /** @param healthy one health check of a site; an exception counts as a failed check */
    public Failover(ProxySwitch proxy, Predicate<String> healthy, Settings settings) {
        this.proxy = proxy;
        this.healthy = healthy;
        this.settings = settings;
    }

    /** Checks every site once and switches if the rules say so. */
    public synchronized Optional<Switch> tick() {
        for (String site : proxy.sites()) {
            boolean ok;
            try {
                ok = healthy.test(site);
            } catch (RuntimeException e) {
                ok = false;
            }
            failures.put(site, ok ? 0 : failures.getOrDefault(site, 0) + 1);
            successes.put(site, ok ? successes.getOrDefault(site, 0) + 1 : 0);
        }
        String active = proxy.active();
        if (dwelling()) {
            return Optional.empty();
        }
        int n = settings.threshold();
        if (failures.get(active) >= n) {
            // The preferred site first (it is where a failback would go anyway), then by name.
            Optional<String> target = proxy.sites().stream().filter(s -> !s.equals(active))
                    .filter(s -> successes.get(s) >= n)
                    .sorted((a, b) -> a.equals(proxy.preferred()) ? -1 : b.equals(proxy.preferred()) ? 1 : a.compareTo(b))
                    .findFirst();
            if (target.isEmpty()) {
                return Optional.empty(); // nowhere better to go
            }
            return attempt(target.get(), Reason.FAILOVER, "automatic failover: " + active + " failed "
                    + failures.get(active) + " health checks in a row, " + target.get() + " is healthy");
        }
        String home = proxy.preferred();
        if (settings.failback() && !home.equals(active) && successes.get(home) >= n) {
            return attempt(home, Reason.FAILBACK, "automatic failback: " + home + " healthy for "
                    + successes.get(home) + " checks");
        }
        return Optional.empty();
    }

    private boolean dwelling() {
        Optional<Instant> last = proxy.lastSwitch();
        return last.isPresent() && proxy.clock().instant().isBefore(last.get().plus(settings.minDwell()));
    }

    private Optional<Switch> attempt(String site, Reason reason, String by) {
        try {
            return proxy.switchTo(site, reason, by);
        } catch (ProxyBackendException e) {
            // Tried again at the next tick: the streaks still say so.
            LOG.warnf("proxy: %s to %s did not happen: %s", reason.id(), site, e.getMessage());
            return Optional.empty();
        }
    }

    /** Consecutive failed and healthy checks per site, for /proxy. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("threshold", settings.threshold());
        out.put("minDwell", settings.minDwell().toString());
        out.put("failback", settings.failback());
        Map<String, Object> streaks = new LinkedHashMap<>();
        for (String s : proxy.sites()) {
            streaks.put(s, Map.of("failedChecks", failures.getOrDefault(s, 0),
                    "healthyChecks", successes.getOrDefault(s, 0)));
        }
        out.put("sites", streaks);
        return out;
    }
}
