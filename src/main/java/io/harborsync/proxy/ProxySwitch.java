package io.harborsync.proxy;

import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which site is active, and switching it: the backend first (so that the daemon never believes in a
 * switch the proxy did not make), then the daemon's own view, then the record and the log. Plain Java
 * so that tests drive it with a fake clock and the Fabric8 mock server; {@link ActiveSite} is its CDI home.
 */
public final class ProxySwitch {
    private static final Logger LOG = Logger.getLogger(ProxySwitch.class);
    private static final int HISTORY = 20;

    public enum Reason {
        /** By an operator (admin API or CLI). */
        MANUAL,
        /** The active site kept failing its health checks. */
        FAILOVER,
        /** Back to the site chosen by hand once it was healthy again. */
        FAILBACK;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One switch, as /proxy and /status show it. */
    public record Switch(Instant at, String from, String to, Reason reason, String by) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", at.toString());
            m.put("from", from);
            m.put("to", to);
            m.put("reason", reason.id());
            m.put("by", by);
            return m;
        }
    }

    private final List<String> sites;
    private final ProxyBackend backend;
    private final Clock clock;
    private final Deque<Switch> history = new ArrayDeque<>();
    private volatile String active;
    private volatile String preferred;
    private volatile Instant lastSwitch;

    public ProxySwitch(List<String> sites, String initial, ProxyBackend backend, Clock clock) {
        this.sites = List.copyOf(sites);
        if (!this.sites.contains(initial)) {
            throw new UnknownSiteException(initial, this.sites);
        }
        this.active = initial;
        this.preferred = initial;
        this.backend = backend;
        this.clock = clock;
    }

    public String active() {
        return active;
    }

    /** The site last chosen by hand (or at start): where a failback returns. */
    public String preferred() {
        return preferred;
    }

    public List<String> sites() {
        return sites;
    }

    public ProxyBackend backend() {
        return backend;
    }

    public Clock clock() {
        return clock;
    }

    /** When the last switch happened, if any since start. */
    public Optional<Instant> lastSwitch() {
        return Optional.ofNullable(lastSwitch);
    }

    private java.util.function.Consumer<Switch> onSwitch = s -> { };

    /** Told of every switch made (manual, failover, failback), after the proxy was re-pointed. */
    public synchronized void onSwitch(java.util.function.Consumer<Switch> listener) {
        this.onSwitch = listener;
    }

    public synchronized List<Switch> history() {
        return List.copyOf(history);
    }

    /**
     * Points the proxy at the site. Switching to the active site re-points the proxy (it may have been
     * edited by hand) but records no switch.
     *
     * @param by who or what asked, for the log and the record (never a token)
     * @return the switch, or empty when the site was already active
     * @throws UnknownSiteException  for a site this daemon does not know
     * @throws ProxyBackendException when the proxy could not be switched; nothing changed then
     */
    public synchronized Optional<Switch> switchTo(String site, Reason reason, String by) {
        if (!sites.contains(site)) {
            throw new UnknownSiteException(site, sites);
        }
        String from = active;
        backend.pointAt(site);
        if (reason == Reason.MANUAL) {
            preferred = site;
        }
        if (site.equals(from)) {
            LOG.infof("proxy: %s stays the active site (%s, by %s)", site, reason.id(), by);
            return Optional.empty();
        }
        active = site;
        Switch s = new Switch(clock.instant(), from, site, reason, by);
        lastSwitch = s.at();
        history.addFirst(s);
        while (history.size() > HISTORY) {
            history.removeLast();
        }
        LOG.infof("proxy: active site switched from %s to %s (%s, by %s)%s", from, site, reason.id(), by,
                backend.object().map(o -> "; " + o + " now includes " + site).orElse(""));
        onSwitch.accept(s);
        return Optional.of(s);
    }

    /** The state for /proxy and /status. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", active);
        out.put("preferred", preferred);
        out.put("sites", sites);
        out.put("backend", backend.name());
        backend.object().ifPresent(o -> out.put("object", o));
        out.put("lastSwitches", history().stream().map(Switch::toMap).toList());
        return out;
    }
}
