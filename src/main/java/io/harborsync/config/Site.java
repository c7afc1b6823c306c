package io.harborsync.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One Harbor the daemon keeps in step, after validation. The password and webhook secret are
 * deliberately left out of {@link #toString()}: sites get logged.
 *
 * @param auth how the account logs in ({@code harbor-sync.sites.<name>.auth})
 */
public record Site(String name, URI url, String username, String password, Optional<Path> caFile,
                   Optional<String> webhookSecret, Auth auth) {

    /** Harbor's prefix of robot account names. */
    public static final String ROBOT_PREFIX = "robot$";

    /**
     * How the daemon authenticates to a site. Harbor checks a user's password with 600,000 PBKDF2 iterations on
     * every Basic-auth request (~100 ms of its CPU each, measured on v2.15.2), a robot's secret or a session
     * cookie costs it ~2-3 ms: so a user account logs in once and reuses Harbor's session, as Harbor's UI does.
     */
    public enum Auth {
        /** A session for a user account, Basic auth for a {@code robot$} account (robots cannot log in to a session). */
        AUTO,
        /** Basic auth on every request. */
        BASIC,
        /** A login session (users only: Harbor refuses robots at /c/login). */
        SESSION;

        /** The configured text (any case), or null when it is none of auto, basic, session. */
        public static Auth parse(String value) {
            if (value == null) {
                return null;
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "auto", "" -> AUTO;
                case "basic" -> BASIC;
                case "session" -> SESSION;
                default -> null;
            };
        }
    }

    public Site {
        auth = auth == null ? Auth.AUTO : auth;
    }

    /** With {@link Auth#AUTO}. */
    public Site(String name, URI url, String username, String password, Optional<Path> caFile,
                Optional<String> webhookSecret) {
        this(name, url, username, password, caFile, webhookSecret, Auth.AUTO);
    }

    public boolean isRobot() {
        return username.startsWith(ROBOT_PREFIX);
    }

    /** True when requests carry a login session's cookie instead of Basic auth. */
    public boolean usesSession() {
        return switch (auth) {
            case AUTO -> !isRobot();
            case BASIC -> false;
            case SESSION -> true;
        };
    }

    @Override
    public String toString() {
        return "Site[" + name + " " + url + " as " + username + (usesSession() ? " (session)" : "") + "]";
    }
}
