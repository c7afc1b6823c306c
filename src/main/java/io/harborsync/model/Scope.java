package io.harborsync.model;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reconcile covers: every project, one project with everything in it, or a set of artifacts (the
 * keys push and delete webhooks name: reading just those artifacts on each site is what makes events cheap).
 */
public record Scope(Optional<String> project, Set<String> artifactKeys) {
    public static final Scope ALL = new Scope(Optional.empty(), Set.of());

    public Scope {
        artifactKeys = Set.copyOf(new TreeSet<>(artifactKeys));
    }

    public static boolean isProjectName(String name) {
        return Keys.isName(name);
    }

    /** Harbor's rule for robot names (robot.go: lower case, digits, inner {@code . _ -}; no '+', which joins a project robot's project and name). */
    public static boolean isRobotName(String name) {
        return Keys.isName(name);
    }

    public static Scope project(String name) {
        return new Scope(Optional.of(name), Set.of());
    }

    /** @param repository without the project ("app/web" of project "team-a") */
    public static Scope artifact(String project, String repository, String digest) {
        return artifacts(Set.of(Keys.artifact(project, repository, digest)));
    }

    /** Artifact keys ({@link Keys#artifact}); at least one. */
    public static Scope artifacts(Set<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("an artifact scope needs at least one key");
        }
        return new Scope(Optional.empty(), keys);
    }

    public boolean isArtifacts() {
        return !artifactKeys.isEmpty();
    }

    /** Every project: the periodic reconcile's scope. */
    public boolean isAll() {
        return project.isEmpty() && artifactKeys.isEmpty();
    }

    public boolean covers(String key) {
        if (isArtifacts()) {
            return artifactKeys.contains(key);
        }
        return project.isEmpty() || project.get().equals(Keys.projectOf(key));
    }

    /** How plans, /status and logs name the scope. */
    @com.fasterxml.jackson.annotation.JsonValue
    @Override
    public String toString() {
        if (isArtifacts()) {
            return artifactKeys.size() == 1 ? "artifact " + artifactKeys.iterator().next()
                    : artifactKeys.size() + " artifacts";
        }
        return project.map(p -> "project " + p).orElse("all projects");
    }
}
