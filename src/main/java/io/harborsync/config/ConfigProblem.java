package io.harborsync.config;

/**
 * A configuration mistake an operator must fix. The message names the property and is meant to be
 * printed as it is; there is no stack trace worth showing, so none is captured.
 */
public final class ConfigProblem extends RuntimeException {
    public ConfigProblem(String message) {
        super(message, null, false, false);
    }

    /** Finds a ConfigProblem anywhere in a cause chain (CDI wraps exceptions thrown while creating beans). */
    public static java.util.Optional<ConfigProblem> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConfigProblem p) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }
}
