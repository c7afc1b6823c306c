package io.harborsync.emulator;

/**
 * The authenticated account: a user (maybe sysadmin) or a robot (robotId > 0); {@link #ANONYMOUS} when the request
 * carried no credentials or bad ones, which Harbor treats alike (observations §2: bad credentials are anonymous).
 */
record Principal(String username, boolean admin, long userId, long robotId) {
    static final Principal ANONYMOUS = new Principal("", false, 0, 0);

    boolean isRobot() { return robotId > 0; }

    boolean isAnonymous() { return robotId == 0 && userId == 0; }
}
