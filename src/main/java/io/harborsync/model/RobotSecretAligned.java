package io.harborsync.model;

import java.util.Map;

/**
 * A CDI event: the daemon set one secret on a robot on these sites and proved it there (robot id by site). Status
 * shows the robot aligned at once instead of after the next reconcile. Carries no secret.
 */
public record RobotSecretAligned(String robotKey, Map<String, Long> robotIdBySite) {
}
