package io.harborsync.model;

/**
 * Keys are names, never ids (ids differ per site). A child key starts with its project name and a
 * '/', which Harbor forbids in project names, so "all keys of project p" is the prefix "p/".
 */
public final class Keys {
    private Keys() {
    }

    public static String project(String project) {
        return project;
    }

    public static String member(String project, String entityName, boolean group) {
        return project + "/" + (group ? "g:" : "u:") + entityName;
    }

    /** repo without the project: key "team-a/app/web" for repository app/web of team-a. */
    public static String repository(String project, String repo) {
        return project + "/" + repo;
    }

    public static String artifact(String project, String repo, String digest) {
        return project + "/" + repo + "@" + digest;
    }

    public static String childPrefix(String project) {
        return project + "/";
    }

    public static String projectOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    /** For a member key: the entity name. */
    public static String memberName(String key) {
        return key.substring(key.indexOf('/') + 3);
    }

    public static boolean memberIsGroup(String key) {
        return key.charAt(key.indexOf('/') + 1) == 'g';
    }

    /** For a repository key: the repository without the project. */
    public static String repositoryName(String key) {
        int at = key.indexOf('@');
        String withoutDigest = at < 0 ? key : key.substring(0, at);
        return withoutDigest.substring(withoutDigest.indexOf('/') + 1);
    }

    public static String digest(String artifactKey) {
        return artifactKey.substring(artifactKey.indexOf('@') + 1);
    }

    /** The project of a path Harbor writes as "project/repository[...]" (audit rows of repositories, artifacts, tags). */
    public static java.util.Optional<String> projectOfPath(String path) {
        int cut = path == null ? -1 : path.indexOf('/');
        return cut > 0 ? java.util.Optional.of(path.substring(0, cut)) : java.util.Optional.empty();
    }
}
