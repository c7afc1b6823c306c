package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.CveItem;

import java.util.HashSet;
import java.util.Set;

/**
 * The site's system CVE allowlist ({@code HarborClient.systemCveAllowlist()}), {@code /system/CVEAllowlist}: it
 * always exists (empty until set). Reading needs a login; writing needs system {@code configuration:update}, which
 * only a system admin has and no robot may hold (Harbor's systemcveallowlist.go, rbac catalogue).
 */
public final class SystemCveAllowlist {
    private final HarborTransport t;

    SystemCveAllowlist(HarborTransport transport) {
        this.t = transport;
    }

    public CveAllowlist get() {
        return t.read("get system CVE allowlist", HarborApi::getSystemCveAllowlist);
    }

    /**
     * Overwrites the items and the expiry. Harbor refuses an empty or duplicate CVE id with a 500 after nothing
     * was stored (allowlist.Validate): refused here before sending, so a 5xx stays "the site failed".
     */
    public void put(CveAllowlist allowlist) {
        String op = "update system CVE allowlist";
        Set<String> seen = new HashSet<>();
        for (CveItem i : allowlist.items() == null ? java.util.List.<CveItem>of() : allowlist.items()) {
            if (i.cveId() == null || i.cveId().isBlank() || !seen.add(i.cveId())) {
                throw t.refused(op, 400, "BAD_REQUEST", "empty or duplicate CVE id in the allowlist");
            }
        }
        t.run(op, api -> api.putSystemCveAllowlist(allowlist));
    }
}
