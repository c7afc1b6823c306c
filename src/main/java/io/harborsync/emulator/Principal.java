package io.harborsync.emulator;

/** The authenticated account: a user (maybe sysadmin) or a robot (robotId > 0). */
record Principal(String username, boolean admin, long userId, long robotId) {
    boolean isRobot() { return robotId > 0; }
}
