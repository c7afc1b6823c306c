package io.harborsync.model;

/**
 * Keys are names, never ids (ids differ per site). A child key starts with its project name and a
 * '/', which Harbor forbids in project names, so "all keys of project p" is the prefix "p/".
 */
public final class Keys {
    private Keys() {
    }

    /** Harbor's rule for project and robot names (lower-case, digits, inner {@code . _ -}, at most 255 characters). */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

    public static boolean isName(String name) {
        return name != null && name.length() <= 255 && NAME.matcher(name).matches();
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

    /** Harbor's default prefix of robot names ({@code robot_name_prefix}): {@code robot$ci} is robot "ci". */
    public static final String ROBOT_PREFIX = "robot$";
    private static final String ROBOT_MARK = "robot:";

    /**
     * A system robot's key, by its name without the prefix ("ci" → "robot:ci"). ':' is in no project name, so the
     * key never looks like a project's.
     */
    public static String systemRobot(String name) {
        return ROBOT_MARK + name;
    }

    /** A project robot's key: "p/robot:ci" for Harbor's {@code robot$p+ci}; it goes with its project. */
    public static String projectRobot(String project, String name) {
        return project + "/" + ROBOT_MARK + name;
    }

    /**
     * The key of a robot by the name Harbor shows, with or without the prefix: "ci" or "robot$ci" (system),
     * "p+ci" or "robot$p+ci" (project robot "ci" of project p). Empty when it is no robot name.
     */
    public static java.util.Optional<String> robotKeyOfName(String name) {
        if (name == null) {
            return java.util.Optional.empty();
        }
        String bare = name.startsWith(ROBOT_PREFIX) ? name.substring(ROBOT_PREFIX.length()) : name;
        int plus = bare.indexOf('+');
        if (plus < 0) {
            return isName(bare) ? java.util.Optional.of(systemRobot(bare)) : java.util.Optional.empty();
        }
        String project = bare.substring(0, plus);
        String robot = bare.substring(plus + 1);
        return isName(project) && isName(robot)
                ? java.util.Optional.of(projectRobot(project, robot)) : java.util.Optional.empty();
    }

    /** Whether a robot key is a project robot's. */
    public static boolean isProjectRobot(String key) {
        return key.contains("/" + ROBOT_MARK);
    }

    /** A robot key's own name, without project or prefix: "ci" for "robot:ci" and for "p/robot:ci". */
    public static String robotShortName(String key) {
        return key.substring(key.indexOf(ROBOT_MARK) + ROBOT_MARK.length());
    }

    /** The name Harbor stores after the prefix: "ci" for a system robot, "p+ci" for a project robot. */
    public static String robotName(String key) {
        return isProjectRobot(key) ? projectOf(key) + "+" + robotShortName(key) : robotShortName(key);
    }

    // --- webhook policies (issue 16)
    private static final String WEBHOOK_MARK = "webhook:";

    /**
     * A user's webhook policy: "p/webhook:deploy-hook" for policy "deploy-hook" of project p (Harbor's names are free
     * text, unique in their project; ':' is in no repository name, so the key never looks like a repository's).
     */
    public static String webhookPolicy(String project, String name) {
        return project + "/" + WEBHOOK_MARK + name;
    }

    /** A webhook-policy key's policy name: "deploy-hook" for "p/webhook:deploy-hook". */
    public static String webhookPolicyName(String key) {
        return key.substring(key.indexOf('/') + 1 + WEBHOOK_MARK.length());
    }
}
