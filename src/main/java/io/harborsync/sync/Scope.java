package io.harborsync.sync;

import java.util.Optional;

/** What a reconcile covers: every project, or one project with everything in it. */
public record Scope(Optional<String> project) {
    public static final Scope ALL = new Scope(Optional.empty());

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
