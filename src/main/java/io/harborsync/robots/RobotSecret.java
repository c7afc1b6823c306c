package io.harborsync.robots;

import java.util.Objects;

/**
 * A robot's secret in plaintext, on its way to the one answer that returns it. Its {@link #toString()} shows no
 * character of it, so a record or log line that carries one by mistake still leaks nothing.
 */
public record RobotSecret(String value) {
    public RobotSecret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "RobotSecret[***]";
    }
}
