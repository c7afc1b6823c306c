package io.harborsync.sync;

import java.util.Optional;
import java.util.regex.Pattern;

/** What a reconcile covers: every project, or one project with everything in it. */
public record Scope(Optional<String> project) {
    public static final Scope ALL = new Scope(Optional.empty());
    /** Harbor's rule for project names (lower-case, digits, inner {@code . _ -}, at most 255 characters). */
    private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

    public static boolean isProjectName(String name) {
        return name != null && name.length() <= 255 && PROJECT_NAME.matcher(name).matches();
    }

    public static Scope project(String name) {
        return new Scope(Optional.of(name));
    }

    public boolean covers(String key) {
        return project.isEmpty() || project.get().equals(Keys.projectOf(key));
    }

    @Override
    public String toString() {
        return project.map(p -> "project " + p).orElse("all projects");
    }
}
