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

    // --- tag immutability rules, tag retention policies, the system CVE allowlist (issue 16) ---

    private static final String IMMUTABLE_MARK = "immutable:";
    /** Keys are stored in a 1024-character column: a longer rule text ends in a digest of all of it. */
    private static final int MAX_KEY = 1000;

    /**
     * A tag immutability rule's key: "p/immutable:" and the canonical text of what the rule is (Harbor's rules have
     * no name, and it refuses an identical rule), e.g. {@code p/immutable:tags[matches doublestar "v1*"]
     * repository[repoMatches doublestar "**"] immutable/immutable_template}. Stable for equal rules on every site.
     */
    public static String immutableRule(String project, String canonicalText) {
        String key = project + "/" + IMMUTABLE_MARK + canonicalText;
        if (key.length() <= MAX_KEY) {
            return key;
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonicalText.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return key.substring(0, MAX_KEY - 20) + " #" + java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a child key is a tag immutability rule's. */
    public static boolean isImmutableRule(String key) {
        return key.contains("/" + IMMUTABLE_MARK);
    }

    /** A project's tag retention policy (at most one per project): "p/retention". */
    public static String retention(String project) {
        return project + "/retention";
    }

    /**
     * The system CVE allowlist's one key. Not "cve-allowlist": that is a valid project name, and a project scope
     * looks up the top-level key equal to the project's name.
     */
    public static final String CVE_ALLOWLIST = "system:cve-allowlist";

    // --- labels (issue 16) ---
    private static final String LABEL_MARK = "label:";

    /**
     * A global label's key, by its name: "label:prod". ':' is in no project name, so the key never looks like a
     * project's. Harbor hardly validates label names (upper case, spaces): they are used as they are.
     */
    public static String label(String name) {
        return LABEL_MARK + name;
    }

    /** A project label's key: "p/label:prod"; it lives under its project. */
    public static String projectLabel(String project, String name) {
        return project + "/" + LABEL_MARK + name;
    }

    /** A label key's name, global or project: "prod" for "label:prod" and for "p/label:prod". */
    public static String labelName(String key) {
        return key.substring(key.indexOf(LABEL_MARK) + LABEL_MARK.length());
    }

    /**
     * Which label is attached to an artifact: the artifact's key, "/label:", the label's scope ("g" global, "p"
     * the artifact's project's) and its name: "p/app@sha256:…/label:g:prod". A digest has no '/'.
     */
    public static String artifactLabel(String artifactKey, boolean global, String name) {
        return artifactKey + "/" + LABEL_MARK + (global ? "g:" : "p:") + name;
    }

    /** An attachment key's artifact key ("p/app@sha256:…"). */
    public static String artifactOfLabel(String key) {
        return key.substring(0, key.indexOf('/', key.indexOf('@')));
    }

    /** Whether an attachment key names a global label (else a label of the artifact's project). */
    public static boolean attachedLabelIsGlobal(String key) {
        return key.startsWith("g:", key.indexOf('/', key.indexOf('@')) + 1 + LABEL_MARK.length());
    }

    /** An attachment key's label name. */
    public static String attachedLabelName(String key) {
        return key.substring(key.indexOf('/', key.indexOf('@')) + 1 + LABEL_MARK.length() + 2);
    }

    /** The key of the label an attachment key names: "label:prod" or "p/label:prod". */
    public static String attachedLabelKey(String key) {
        String name = attachedLabelName(key);
        return attachedLabelIsGlobal(key) ? label(name) : projectLabel(projectOf(key), name);
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
