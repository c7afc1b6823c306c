package io.harborsync.model;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reconcile covers: every project, one project with everything in it, or a set of artifacts (the
 * keys push and delete webhooks name: reading just those artifacts on each site is what makes events cheap).
 * Inside a reconcile of every project, the engine works through {@linkplain #part parts}: a batch of projects
 * with everything in them, and the top-level kinds that go with that batch (issue 18: never every site's whole
 * state at once).
 *
 * @param partProjects a part's projects (empty for the other scopes)
 * @param partTop      the top-level kinds other than projects a part covers (global labels with the first part,
 *                     system robots with the last)
 */
public record Scope(Optional<String> project, Set<String> artifactKeys, Set<String> partProjects, Set<Kind> partTop) {
    public static final Scope ALL = new Scope(Optional.empty(), Set.of());

    public Scope {
        artifactKeys = Set.copyOf(new TreeSet<>(artifactKeys));
        partProjects = Set.copyOf(partProjects);
        partTop = Set.copyOf(partTop);
    }

    public Scope(Optional<String> project, Set<String> artifactKeys) {
        this(project, artifactKeys, Set.of(), Set.of());
    }

    /**
     * One part of a reconcile of every project: these projects with everything in them, and these top-level kinds
     * (neither projects nor their content) on their own.
     */
    public static Scope part(Set<String> projects, Set<Kind> top) {
        if (top.contains(Kind.PROJECT)) {
            throw new IllegalArgumentException("a part names its projects; PROJECT is not one of its top kinds");
        }
        return new Scope(Optional.empty(), Set.of(), projects, top);
    }

    /** Whether this is a part of a reconcile of every project. */
    public boolean isPart() {
        return !partProjects.isEmpty() || !partTop.isEmpty();
    }

    /**
     * Whether the top-level kind's keys (other than projects) are read and decided: in a reconcile of every
     * project, and in the part that carries the kind.
     */
    public boolean coversTop(Kind kind) {
        return isAll() || partTop.contains(kind);
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
        return project.isEmpty() && artifactKeys.isEmpty() && !isPart();
    }

    public boolean covers(String key) {
        if (isArtifacts()) {
            return artifactKeys.contains(key);
        }
        if (isPart()) {
            // a top-level key that is no project's ("robot:ci", "label:prod") belongs to the part with top kinds
            return partProjects.contains(Keys.projectOf(key))
                    || !partTop.isEmpty() && key.indexOf('/') < 0 && !Keys.isName(key);
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
        if (isPart()) {
            return "part of all projects (" + partProjects.size() + " projects"
                    + (partTop.isEmpty() ? "" : ", " + new TreeSet<>(partTop)) + ")";
        }
        return project.map(p -> "project " + p).orElse("all projects");
    }
}
