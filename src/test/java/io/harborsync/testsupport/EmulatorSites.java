package io.harborsync.testsupport;

import io.harborsync.emulator.HarborEmulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** The harbor-sync.sites.* properties that point the daemon at emulators as if they were real Harbors. */
public final class EmulatorSites {
    private EmulatorSites() {
    }

    /** url, username and password per emulator (named after it); callers add ca-file or webhook-secret. */
    public static Map<String, String> properties(HarborEmulator... emulators) {
        Map<String, String> cfg = new LinkedHashMap<>();
        for (HarborEmulator e : emulators) {
            String p = "harbor-sync.sites." + e.name() + ".";
            cfg.put(p + "url", e.baseUrl().toString());
            cfg.put(p + "username", e.options().adminUsername());
            cfg.put(p + "password", e.options().adminPassword());
        }
        return cfg;
    }
}
