package io.harborsync.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Webhook targets' auth headers, which are secrets: Harbor v2.15.2 returns them in plaintext in every GET of a
 * policy, to an admin and to the daemon's robot alike (observations §7; recorded steps hook.list, hook.get,
 * dsync.hookget). A value holds only a fingerprint of a header ({@link #fingerprint}: SHA-256 over a fixed label,
 * the policy's key and the header, so equal headers of two policies differ and the base is no lookup table), which
 * is enough to see a change three-way. The plaintext a copy needs is what this process read from the site that has
 * it, kept in memory only, found by its fingerprint ({@link #remember}, {@link #plaintext}): a plaintext is used
 * only for the fingerprint it has, so an entry can never put a wrong header anywhere.
 */
final class WebhookAuthHeaders {
    private static final String LABEL = "harbor-sync webhook auth header v1\0";
    private static final int KEPT = 4096;

    private final Map<String, String> byFingerprint = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > KEPT;
        }
    };

    /** "sha256:" and the hex digest of the label, the policy key and the header. */
    static String fingerprint(String policyKey, String header) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((LABEL + policyKey + "\0" + header).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The fingerprint of a header read on a site, the header kept in memory for a copy this run makes. */
    synchronized String remember(String policyKey, String header) {
        String fp = fingerprint(policyKey, header);
        byFingerprint.put(fp, header);
        return fp;
    }

    /** The header with this fingerprint, if this process read it. */
    synchronized Optional<String> plaintext(String fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }
}
