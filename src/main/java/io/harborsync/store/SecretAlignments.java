package io.harborsync.store;

import java.util.Map;

/**
 * Which robots' secrets the daemon set alike on the sites and proved there by authenticating as the robot. Only
 * that fact is kept, never a secret: per robot key ({@code io.harborsync.model.Keys#robotKeyOfName}), the robot's
 * id on each site when it was proven. A robot recreated on a site (another id) is no longer aligned there.
 */
public interface SecretAlignments {
    /** robot key -> site -> the robot's id on that site when its secret was proven. */
    Map<String, Map<String, Long>> all();

    /** The robot's secret is proven on these sites (replaces what was recorded for the key). */
    void record(String robotKey, Map<String, Long> robotIdBySite);

    /** Nothing is known about the robot's secret any more (e.g. it was deleted everywhere). */
    void forget(String robotKey);
}
