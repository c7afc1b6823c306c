package io.harborsync.sync;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a reconcile covers: every project, one project with everything in it, or one artifact (the key a
 * push or delete webhook names: reading just that artifact on each site is what makes an event cheap).
 */
public record Scope(Optional<String> project, Optional<String> artifactKey) {
    public static final Scope ALL = new Scope(Optional.empty(), Optional.empty());
    /** Harbor's rule for project names (lower-case, digits, inner {@code . _ -}, at most 255 characters). */
    private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

    public static boolean isProjectName(String name) {
        return name != null && name.length() <= 255 && PROJECT_NAME.matcher(name).matches();
    }

    public static Scope project(String name) {
        return new Scope(Optional.of(name), Optional.empty());
    }

    /** @param repository without the project ("app/web" of project "team-a") */
    public static Scope artifact(String project, String repository, String digest) {
        return new Scope(Optional.of(project), Optional.of(Keys.artifact(project, repository, digest)));
    }

    public boolean covers(String key) {
        if (artifactKey.isPresent()) {
            return artifactKey.get().equals(key);
        }
        return project.isEmpty() || project.get().equals(Keys.projectOf(key));
    }

    @Override
    public String toString() {
        return artifactKey.map(k -> "artifact " + k)
                .orElseGet(() -> project.map(p -> "project " + p).orElse("all projects"));
    }
}
