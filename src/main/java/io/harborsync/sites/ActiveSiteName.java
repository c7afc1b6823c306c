package io.harborsync.sites;

/**
 * Which site is active right now (where core.harbor.domain points, where users write): what the sync engine's
 * {@code active-site} conflict policy needs, without the proxy switching that decides it ({@code proxy.ActiveSite}
 * is the bean).
 */
public interface ActiveSiteName {
    String name();
}
