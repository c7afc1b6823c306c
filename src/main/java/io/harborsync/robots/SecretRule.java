package io.harborsync.robots;

import java.security.SecureRandom;

/**
 * Harbor's rule for a robot secret (robot.go {@code requireValidSecret}): 8–128 characters with at least one upper
 * case letter, one lower case letter and one digit; and fresh secrets that follow it.
 */
public final class SecretRule {
    /** Harbor's own message when a secret breaks the rule (observations §3, PATCH secret). */
    public static final String MESSAGE = "the secret must be 8-128, inclusively, characters long with at least 1"
            + " uppercase letter, 1 lowercase letter and 1 number";
    static final int GENERATED_LENGTH = 32;
    private static final String CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretRule() {
    }

    public static boolean valid(String s) {
        return s != null && s.length() >= 8 && s.length() <= 128
                && s.chars().anyMatch(c -> c >= 'A' && c <= 'Z')
                && s.chars().anyMatch(c -> c >= 'a' && c <= 'z')
                && s.chars().anyMatch(c -> c >= '0' && c <= '9');
    }

    /** 32 characters from {@link SecureRandom}, drawn again until upper, lower and digit are all in it. */
    public static RobotSecret generate() {
        while (true) {
            StringBuilder b = new StringBuilder(GENERATED_LENGTH);
            for (int i = 0; i < GENERATED_LENGTH; i++) {
                b.append(CHARS.charAt(RANDOM.nextInt(CHARS.length())));
            }
            if (valid(b.toString())) {
                return new RobotSecret(b.toString());
            }
        }
    }
}
