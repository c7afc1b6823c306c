package io.harborsync.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Comparison of secrets (webhook secrets, the admin token) that does not leak by timing. */
public final class Secrets {
    private Secrets() {
    }

    /**
     * True when {@code given} equals {@code expected}. Both are hashed with SHA-256 first and compared with
     * {@link MessageDigest#isEqual}, which takes the same time wherever they differ; hashing also hides the
     * length of the expected value. Null or empty {@code expected} never matches.
     */
    public static boolean constantTimeEquals(String expected, String given) {
        if (expected == null || expected.isEmpty() || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
