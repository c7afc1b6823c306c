package io.harborsync.fidelity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every judgement the conformance replay makes, in one place: which recorded steps used wrong credentials, which
 * steps matter to the daemon, which differences cannot match and why, and the floor of the match rate.
 */
final class FidelityRules {
    private FidelityRules() {
    }

    // ------------------------------------------------------------------ credentials

    enum Credential {
        /** The account's own password (users: the one its POST /users set) or the robot's current secret. */
        CURRENT,
        /** A password that is not the account's (the recorded desc says "wrong password"). */
        WRONG_PASSWORD,
        /** The robot's secret before its latest PATCH (robot.auth.oldsecret: "with the old secret"). */
        PREVIOUS_SECRET,
        /** A secret the robot never had (robot.auth.badsecret: "with a wrong secret"). */
        WRONG_SECRET
    }

    /**
     * The recording names only the account of a step ({@code request.auth}); these are the steps that sent it with
     * credentials other than its current ones, known from their id and desc. Every other step with an account used
     * its current credentials.
     */
    static final Map<String, Credential> CREDENTIALS = Map.ofEntries(
            Map.entry("auth.wrongpw.list", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.robots", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.post", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.quotas", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.members", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.repos", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.head", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.sysinfo", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.audit", Credential.WRONG_PASSWORD),
            Map.entry("auth.wrongpw.events", Credential.WRONG_PASSWORD),
            Map.entry("robot.auth.oldsecret", Credential.PREVIOUS_SECRET),
            Map.entry("robot.auth.badsecret", Credential.WRONG_SECRET));

    /** Words of a step's desc that say it used credentials that are not the current ones: such a step must be listed. */
    static final List<String> WRONG_CREDENTIAL_WORDS = List.of("wrong password", "wrong secret", "old secret");

    // ------------------------------------------------------------------ the steps that matter to the daemon

    /**
     * The steps whose answers the daemon's code depends on today. All {@code dsync.*} steps: they are exactly the
     * calls {@code HarborClient} makes in a reconcile, sent with a robot holding {@code BootstrapPermissions.HARBOR_SYNC}
     * (observations §1). Plus the admin-side steps of the same calls and of the answers the daemon's flows branch on:
     * readiness and the proof of authentication (health, systeminfo, bad credentials = anonymous), project
     * create/HEAD/get/PUT/delete (404, 412), metadata list/delete, quotas (lookup by reference_id, paging), members
     * (add, 409 on a duplicate, find by entityname, paging, get/PUT/delete), repositories, artifacts and tags (list,
     * paging, get by digest, the 404s and the tag-move 409), the project webhook policy the reconciler keeps, the
     * audit-log tail, and the X-Request-Id echo that recognises own writes.
     */
    static final Set<String> DAEMON_STEPS = Set.of(
            "sys.health", "sys.systeminfo",
            "proj.create", "proj.head", "proj.head.missing", "proj.get.name", "proj.get.missing", "proj.update",
            "proj.get.afterupdate", "proj.list.name", "proj.list.page2", "proj.delete.withrepos",
            "del.proj", "del.proj.again", "del.proj.get",
            "meta.list", "meta.del", "meta.del.again",
            "quota.list", "quota.put", "quota.list.noref",
            "mem.add", "mem.add.dup", "mem.list", "mem.list.entity", "mem.list.page", "mem.get", "mem.update",
            "mem.del", "mem.del.again", "mem.list.missingproj",
            "repo.list", "repo.list.page", "repo.delete", "repo.delete.again", "repo.list.missingproj",
            "art.list", "art.list.page", "art.get.digest", "art.get.missingdigest", "art.get.missingrepo",
            "art.delete.digest", "art.delete.digest.again",
            "tag.list", "tag.create", "tag.create.dup", "tag.create.other", "tag.delete", "tag.delete.again",
            "hook.list", "hook.create", "hook.update", "hook.delete",
            "audit.tail", "audit.tail.end",
            "auth.none.list", "auth.wrongpw.list", "auth.wrongpw.sysinfo", "auth.wrongpw.quotas", "auth.wrongpw.head",
            "hdr.requestid");

    static boolean mattersToDaemon(String stepId) {
        return stepId.startsWith("dsync.") || DAEMON_STEPS.contains(stepId);
    }

    /**
     * Daemon steps that do not match yet, each with the scope of issue 13 expected to fix it. A ratchet: the test
     * fails when a listed step starts to match (remove it here) and when an unlisted daemon step does not.
     */
    static final Map<String, String> OPEN_DAEMON_GAPS = gaps(); // all closed by issue 13's four scopes

    /** {@code gaps("scope: why", "step", "step", "scope: why", "step", ...)}: a scope line starts with a digit. */
    private static Map<String, String> gaps(String... scopesAndSteps) {
        Map<String, String> m = new LinkedHashMap<>();
        String scope = null;
        for (String s : scopesAndSteps) {
            if (Character.isDigit(s.charAt(0))) scope = "scope " + s;
            else m.put(s, scope);
        }
        return Map.copyOf(m);
    }

    // ------------------------------------------------------------------ differences that cannot match

    /** One excused difference: the step, the field ({@link Comparison}'s names) and why it cannot match. */
    record Excuse(String step, String field, String reason) {
    }

    private static final Map<String, Excuse> EXCUSES = new LinkedHashMap<>();

    private static void excuse(String reason, String field, String... steps) {
        for (String s : steps) EXCUSES.put(s + "|" + field, new Excuse(s, field, reason));
    }

    static {
        String everyProject = "counts every project of the shared real Harbor (other clients' included); the fresh emulator"
                + " holds only the replay's";
        excuse(everyProject, Comparison.TOTAL_COUNT, "quota.list.noref", "dsync.quotas");
        String everyRow = "counts every audit row of the shared real Harbor since it was installed; the fresh emulator"
                + " holds only the replay's";
        excuse(everyRow, Comparison.TOTAL_COUNT, "audit.size0", "audit.sortbad", "robot.perm.audit");
        excuse("the real site has other clients' system robots (its lab's harbor-sync robots); the fresh emulator only"
                + " the replay's", Comparison.TOTAL_COUNT, "robot.list");
        String otherRegistry = "the real site holds its lab's registry endpoint harbor-sync-h2 (another client's); the"
                + " replay deleted its own before this step, so the fresh emulator has none";
        excuse(otherRegistry, Comparison.TOTAL_COUNT, "dsync.registries");
        excuse(otherRegistry, Comparison.KEYS, "dsync.registries");
        String jdkServer = "the JDK HTTP server under the emulator answers a request line with a malformed escape itself"
                + " (400 text/html) before any handler runs; the status matches, and no client sends such a path";
        excuse(jdkServer, Comparison.BODY_KIND, "query.badescape");
        excuse(jdkServer, Comparison.KEYS, "query.badescape");
        excuse(jdkServer, Comparison.CONTENT_TYPE, "query.badescape");
    }

    static Excuse excuseFor(String step, String field) {
        return EXCUSES.get(step + "|" + field);
    }

    static List<Excuse> excuses() { return List.copyOf(EXCUSES.values()); }

    // ------------------------------------------------------------------ floor

    /**
     * The share of request steps that match or differ only by excused fields, at least. Set to what this branch's
     * emulator achieves; raised as the emulator gets closer to real Harbor, never lowered to let a regression pass.
     */
    static final double MATCH_FLOOR = 1.0; // 337 of 337 after issue 13 (34.1 % before): every step matches or is excused
}
