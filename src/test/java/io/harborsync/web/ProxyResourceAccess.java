package io.harborsync.web;

import io.harborsync.proxy.ProxySwitch;

/** Lets tests in other packages drive the resource's error mapping without HTTP. */
public final class ProxyResourceAccess {
    private ProxyResourceAccess() {
    }

    public static void switchTo(ProxySwitch proxy, String site) {
        ProxyResource.switchTo(proxy, site, "test");
    }
}
