package io.harborsync.demo;

import io.harborsync.config.Site;
import io.harborsync.emulator.EmulatorOptions;
import io.harborsync.emulator.HarborEmulator;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Demo mode: two emulated Harbors (h1, h2) in this process, so that a newcomer sees harbor-sync work
 * without a cluster. Each gets a random webhook secret; the emulators' admin password is the
 * well-known Harbor demo default and is printed only as "see README".
 */
public final class DemoHarbors implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DemoHarbors.class);
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "Harbor12345";

    private final List<HarborEmulator> emulators;
    private final List<Site> sites;

    private DemoHarbors(List<HarborEmulator> emulators, List<Site> sites) {
        this.emulators = emulators;
        this.sites = sites;
    }

    public static DemoHarbors start(int h1Port, int h2Port) {
        List<HarborEmulator> emulators = new ArrayList<>();
        List<Site> sites = new ArrayList<>();
        try {
            emulators.add(HarborEmulator.start(EmulatorOptions.defaults("h1").withPort(h1Port)));
            emulators.add(HarborEmulator.start(EmulatorOptions.defaults("h2").withPort(h2Port)));
        } catch (RuntimeException e) {
            emulators.forEach(HarborEmulator::close);
            throw new io.harborsync.config.ConfigProblem("demo mode: cannot start the emulated Harbors on ports "
                    + h1Port + " and " + h2Port + " (" + e.getMessage() + "); set harbor-sync.demo.h1-port and"
                    + " harbor-sync.demo.h2-port, or configure harbor-sync.sites.*");
        }
        for (HarborEmulator e : emulators) {
            sites.add(new Site(e.name(), e.baseUrl(), ADMIN, ADMIN_PASSWORD, Optional.empty(),
                    Optional.of(randomSecret())));
            LOG.infof("demo mode: emulated Harbor %s at %s/api/v2.0 (user %s, password as in README)",
                    e.name(), e.baseUrl(), ADMIN);
        }
        LOG.info("demo mode: no harbor-sync.sites.* configured, so harbor-sync works on the two emulators above");
        return new DemoHarbors(List.copyOf(emulators), List.copyOf(sites));
    }

    private static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public List<Site> sites() {
        return sites;
    }

    public List<HarborEmulator> emulators() {
        return emulators;
    }

    @Override
    public void close() {
        emulators.forEach(HarborEmulator::close);
    }
}
