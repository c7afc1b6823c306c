package io.harborsync.robots;

import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotCreated;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.harbor.HarborModel.SystemInfo;
import io.harborsync.http.ProblemException;
import io.harborsync.model.Keys;
import io.harborsync.model.RobotSecretAligned;
import io.harborsync.model.Scope;
import io.harborsync.sites.Sites;
import io.harborsync.store.SecretAlignments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One secret for a robot account on every site, so that a client logging in as the robot survives a failover
 * (issue 15). Harbor shows a robot's secret only when it is created or refreshed, and only a user (not a robot) may
 * set one, so the daemon sets it itself: {@link #create} makes the robot on every site, {@link #setSecret} puts a
 * secret the caller already has on every site, {@link #rotate} puts a fresh one. After setting it, the daemon
 * <em>proves</em> it on each site by logging in as the robot ({@code GET /systeminfo} shows {@code harbor_version}
 * only to valid credentials; a disabled or expired robot is anonymous) and records only that fact in
 * {@link SecretAlignments} (robot id per site), then fires {@link RobotSecretAligned}. No secret is stored, logged
 * or put into an exception; only the answer of the call that set a generated secret carries it.
 *
 * <p>Everything a caller can get wrong is refused before anything is sent, as a {@link ProblemException} (400 bad
 * input, 404 unknown robot, 409 existing robot or the daemon's account being a robot). A site that fails after
 * another one took the secret does not lose it: the {@link Result} still carries the secret, with the outcome per
 * site, and only the proven sites are recorded.
 */
@ApplicationScoped
public class RobotCredentials {
    private static final Logger LOG = Logger.getLogger(RobotCredentials.class);

    /** What the service needs of the sites. */
    public interface Harbors {
        List<Site> sites();

        /** The daemon's client of a site. */
        HarborClient client(String site);

        /** A client of the site that logs in with other credentials (the robot's, for the proof). */
        HarborClient as(Site site, String username, String password);
    }

    /** The outcome on one site: the robot's id there, whether the secret was set and proven, and what went wrong. */
    public record SiteResult(Optional<Long> id, boolean secretSet, boolean proven, Optional<String> error) {
        static SiteResult failed(Long id, String error) {
            return new SiteResult(Optional.ofNullable(id), false, false, Optional.of(error));
        }

        static SiteResult unproven(long id, String error) {
            return new SiteResult(Optional.of(id), true, false, Optional.of(error));
        }

        static SiteResult aligned(long id) {
            return new SiteResult(Optional.of(id), true, true, Optional.empty());
        }
    }

    /**
     * What a call did: the robot's full name ({@code robot$ci}, {@code robot$p+ci}), its key, the outcome per site
     * and, for {@link #create} and {@link #rotate}, the secret now set (shown once; {@link RobotSecret} masks it in
     * {@code toString}).
     */
    public record Result(String name, String key, Map<String, SiteResult> sites, Optional<RobotSecret> secret) {
        /** True when the secret is set and proven on every site and nothing failed. */
        public boolean complete() {
            return sites.values().stream().allMatch(r -> r.proven() && r.error().isEmpty());
        }
    }

    @Inject
    Sites sitesBean;
    @Inject
    HarborSyncConfig config;
    @Inject
    SecretAlignments alignments;
    @Inject
    Event<RobotSecretAligned> alignedEvent;

    private Harbors harbors;
    private Consumer<RobotSecretAligned> aligned;

    /** For CDI. */
    RobotCredentials() {
    }

    /** Without CDI (tests): the sites, the store and who hears of an alignment. */
    public RobotCredentials(Harbors harbors, SecretAlignments alignments, Consumer<RobotSecretAligned> aligned) {
        this.harbors = Objects.requireNonNull(harbors, "harbors");
        this.alignments = Objects.requireNonNull(alignments, "alignments");
        this.aligned = Objects.requireNonNull(aligned, "aligned");
    }

    /** The {@link Harbors} of the configured sites, robot clients built with the daemon's HTTP settings. */
    public static Harbors harbors(Sites sites, HarborSyncConfig.Http http) {
        return new Harbors() {
            @Override
            public List<Site> sites() {
                return sites.all();
            }

            @Override
            public HarborClient client(String site) {
                return sites.client(site);
            }

            @Override
            public HarborClient as(Site site, String username, String password) {
                Site asRobot = new Site(site.name(), site.url(), username, password, site.caFile(), Optional.empty());
                return HarborClientFactory.create(asRobot, http.connectTimeout(), http.readTimeout(), http.pageSize());
            }
        };
    }

    private synchronized Harbors harbors() {
        if (harbors == null) {
            harbors = harbors(sitesBean, config.http());
            aligned = alignedEvent::fire;
        }
        return harbors;
    }

    // ------------------------------------------------------------------ precondition

    /**
     * Why the daemon cannot set robot secrets at all, in one line, or empty: Harbor lets only users (not robots)
     * update robots and set their secrets, so a site the daemon logs in to as a robot rules it out. Status shows it
     * once instead of one failure per robot.
     */
    public Optional<String> precondition() {
        Map<String, String> accounts = new LinkedHashMap<>();
        harbors().sites().forEach(s -> accounts.put(s.name(), s.username()));
        return robotAccountPrecondition(accounts);
    }

    /**
     * The same from each site's configured username (site name to account, in the sites' order): the one rule and
     * text the engine's robot kinds use too.
     */
    public static Optional<String> robotAccountPrecondition(Map<String, String> accountBySite) {
        Map<String, String> robots = new LinkedHashMap<>();
        accountBySite.forEach((site, account) -> {
            if (account != null && account.startsWith(Keys.ROBOT_PREFIX)) {
                robots.put(site, account);
            }
        });
        if (robots.isEmpty()) {
            return Optional.empty();
        }
        String where = robots.entrySet().stream().map(e -> e.getKey() + " as " + e.getValue())
                .collect(Collectors.joining(", "));
        String settings = robots.keySet().stream().map(site -> "harbor-sync.sites." + site + ".username")
                .collect(Collectors.joining(", "));
        return Optional.of("harbor-sync logs in to " + where + "; Harbor lets only users set robot secrets:"
                + " configure a user with the system admin role (" + settings + ")");
    }

    private void requirePrecondition() {
        precondition().ifPresent(p -> {
            throw new ProblemException(409, p);
        });
    }

    // ------------------------------------------------------------------ the calls

    /**
     * Creates the robot on every site with one secret ({@code secret}, or a fresh one), proves it and returns it.
     * Every site is checked first: a robot of that name on any site, or a project robot's project missing on one,
     * is refused (409) with nothing created anywhere.
     */
    public synchronized Result create(RobotSpec spec, Optional<String> secret) {
        Objects.requireNonNull(spec, "spec");
        RobotSpec s = normalised(spec);
        validate(s);
        RobotSecret chosen = secret.map(RobotCredentials::checkedSecret).orElseGet(SecretRule::generate);
        requirePrecondition();
        String key = s.project().map(p -> Keys.projectRobot(p, s.name())).orElse(Keys.systemRobot(s.name()));
        String fullName = Keys.ROBOT_PREFIX + Keys.robotName(key);
        List<Site> sites = harbors().sites();
        if (sites.isEmpty()) {
            throw new ProblemException(409, "no Harbor site is configured");
        }

        // 1. every site, before anything is created there
        List<String> taken = new ArrayList<>();
        List<String> noProject = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Site site : sites) {
            try {
                Found f = find(site, key);
                if (f.projectMissing()) {
                    noProject.add(site.name());
                } else if (f.robot().isPresent()) {
                    taken.add(site.name());
                }
            } catch (HarborException e) {
                unknown.add(e.getMessage());
            }
        }
        if (!unknown.isEmpty()) {
            throw new ProblemException(503, "nothing was created: every site is checked first, and "
                    + String.join("; ", unknown));
        }
        if (!noProject.isEmpty()) {
            throw new ProblemException(409, "project " + s.project().orElseThrow() + " does not exist on "
                    + String.join(", ", noProject) + "; nothing was created (sync the project first)");
        }
        if (!taken.isEmpty()) {
            throw new ProblemException(409, fullName + " already exists on " + String.join(", ", taken)
                    + "; nothing was created. To put one secret on it everywhere: PUT /robots/"
                    + Keys.robotName(key) + "/secret (harbor-sync robots set-secret " + Keys.robotName(key) + ")");
        }

        // 2. created everywhere it can be
        Map<String, SiteResult> results = new TreeMap<>();
        Map<String, Long> created = new LinkedHashMap<>();
        Map<String, HarborException> refused = new LinkedHashMap<>();
        RobotCreate body = new RobotCreate(s.name(), s.description().orElse(null), s.level(), s.duration(),
                s.permissions());
        for (Site site : sites) {
            try {
                RobotCreated c = harbors().client(site.name()).robots().create(body);
                created.put(site.name(), c.id());
            } catch (HarborException.Conflict e) {
                // made meanwhile (the sync engine copying it from a site where it was just created): it gets the
                // secret like the others
                Optional<Robot> now = findQuietly(site, key);
                if (now.isPresent()) {
                    created.put(site.name(), now.get().id());
                } else {
                    refused.put(site.name(), e);
                    results.put(site.name(), SiteResult.failed(null, "not created: " + e.getMessage()));
                }
            } catch (HarborException e) {
                refused.put(site.name(), e);
                results.put(site.name(), SiteResult.failed(null, "not created: " + e.getMessage()));
            }
        }
        if (created.isEmpty()) {
            throw refusedEverywhere("nothing was created", refused);
        }

        // 3. one secret on each, proven; then disabled if asked (a disabled robot cannot be proven)
        for (Map.Entry<String, Long> e : created.entrySet()) {
            Site site = site(e.getKey());
            SiteResult r = setAndProve(site, e.getValue(), fullName, chosen, false);
            if (s.disable()) {
                r = disable(site, e.getValue(), fullName, s, r);
            }
            results.put(site.name(), r);
        }
        return settle(key, fullName, results, chosen, true);
    }

    /** Puts a secret the caller has (e.g. the one h1 showed at creation) on the robot on every site, proven. */
    public synchronized Result setSecret(String name, String secret) {
        String key = keyOfName(name);
        RobotSecret chosen = checkedSecret(secret);
        requirePrecondition();
        return apply(key, chosen, false);
    }

    /** A fresh secret on the robot on every site, proven and returned once. */
    public synchronized Result rotate(String name) {
        String key = keyOfName(name);
        requirePrecondition();
        return apply(key, SecretRule.generate(), true);
    }

    private Result apply(String key, RobotSecret secret, boolean returnSecret) {
        String fullName = Keys.ROBOT_PREFIX + Keys.robotName(key);
        List<Site> sites = harbors().sites();
        Map<String, SiteResult> results = new TreeMap<>();
        Map<String, Robot> found = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Site site : sites) {
            try {
                Optional<Robot> robot = find(site, key).robot();
                if (robot.isPresent()) {
                    found.put(site.name(), robot.get());
                } else {
                    results.put(site.name(), SiteResult.failed(null, "no robot " + fullName + " on " + site.name()));
                }
            } catch (HarborException e) {
                unknown.add(e.getMessage());
                results.put(site.name(), SiteResult.failed(null, "cannot look for it: " + e.getMessage()));
            }
        }
        if (found.isEmpty()) {
            if (unknown.isEmpty()) {
                throw new ProblemException(404, "no robot " + fullName + " on any site ("
                        + sites.stream().map(Site::name).collect(Collectors.joining(", ")) + ")");
            }
            throw new ProblemException(503, fullName + " was found on no site that answered, and "
                    + String.join("; ", unknown) + "; nothing was changed");
        }
        for (Map.Entry<String, Robot> e : found.entrySet()) {
            Robot robot = e.getValue();
            results.put(e.getKey(), setAndProve(site(e.getKey()), robot.id(), fullName, secret,
                    Boolean.TRUE.equals(robot.disable())));
        }
        if (results.values().stream().noneMatch(SiteResult::secretSet)) {
            throw new ProblemException(502, "the secret of " + fullName + " was set on no site; nothing was changed: "
                    + results.entrySet().stream().map(r -> r.getKey() + ": " + r.getValue().error().orElse(""))
                    .collect(Collectors.joining("; ")));
        }
        return settle(key, fullName, results, secret, returnSecret);
    }

    /** Records the proven sites (replacing what was known: the other sites do not hold this secret) and tells. */
    private Result settle(String key, String fullName, Map<String, SiteResult> results, RobotSecret secret,
                          boolean returnSecret) {
        Map<String, Long> proven = new TreeMap<>();
        results.forEach((site, r) -> {
            if (r.proven()) {
                proven.put(site, r.id().orElseThrow());
            }
        });
        alignments.record(key, proven);
        if (!proven.isEmpty()) {
            try {
                aligned.accept(new RobotSecretAligned(key, Map.copyOf(proven)));
            } catch (RuntimeException e) {
                LOG.warnf("robots: an observer of the alignment of %s failed: %s", fullName, e.toString());
            }
        }
        Result result = new Result(fullName, key, Map.copyOf(results), returnSecret ? Optional.of(secret) : Optional.empty());
        if (result.complete()) {
            LOG.infof("robots: the secret of %s is set and proven on %s", fullName, proven.keySet());
        } else {
            LOG.warnf("robots: the secret of %s is proven on %s only: %s", fullName, proven.keySet(),
                    results.entrySet().stream().filter(r -> r.getValue().error().isPresent())
                            .map(r -> r.getKey() + ": " + r.getValue().error().get())
                            .collect(Collectors.joining("; ")));
        }
        return result;
    }

    private SiteResult setAndProve(Site site, long id, String fullName, RobotSecret secret, boolean disabled) {
        try {
            harbors().client(site.name()).robots().setSecret(id, secret.value());
        } catch (HarborException e) {
            return SiteResult.failed(id, "the secret was not set: " + e.getMessage());
        }
        if (disabled) {
            return SiteResult.unproven(id, "the secret is set, but " + fullName + " is disabled on " + site.name()
                    + ": a disabled robot logs in as anonymous, so its secret cannot be proven");
        }
        return prove(site, id, fullName, secret);
    }

    /** Logs in as the robot: only valid credentials see {@code harbor_version} (anonymous gets 200 without it). */
    private SiteResult prove(Site site, long id, String fullName, RobotSecret secret) {
        try {
            SystemInfo info = harbors().as(site, fullName, secret.value()).systemInfo();
            if (info == null || info.harborVersion() == null) {
                return SiteResult.unproven(id, "the secret is set, but logging in to " + site.name() + " as "
                        + fullName + " with it was anonymous (is the robot disabled or expired?)");
            }
            return SiteResult.aligned(id);
        } catch (HarborException e) {
            return SiteResult.unproven(id, "the secret is set, but the proof failed: " + e.getMessage());
        }
    }

    private SiteResult disable(Site site, long id, String fullName, RobotSpec s, SiteResult before) {
        try {
            harbors().client(site.name()).robots().update(id, new Robot(null, fullName, s.description().orElse(null),
                    s.level(), s.duration(), true, null, s.permissions(), null, null));
            return before;
        } catch (HarborException e) {
            String error = "created enabled, it could not be disabled: " + e.getMessage();
            return new SiteResult(before.id(), before.secretSet(), before.proven(),
                    Optional.of(before.error().map(x -> x + "; " + error).orElse(error)));
        }
    }

    // ------------------------------------------------------------------ lookup

    private record Found(Optional<Robot> robot, boolean projectMissing) {
    }

    private Found find(Site site, String key) {
        HarborClient c = harbors().client(site.name());
        if (!Keys.isProjectRobot(key)) {
            return new Found(c.robots().findSystem(Keys.robotShortName(key)), false);
        }
        String project = Keys.projectOf(key);
        Optional<Long> projectId = c.projects().find(project).map(p -> p.projectId());
        if (projectId.isEmpty()) {
            return new Found(Optional.empty(), true);
        }
        return new Found(c.robots().findInProject(projectId.get(), project, Keys.robotShortName(key)), false);
    }

    private Optional<Robot> findQuietly(Site site, String key) {
        try {
            return find(site, key).robot();
        } catch (HarborException e) {
            return Optional.empty();
        }
    }

    private Site site(String name) {
        return harbors().sites().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ validation, before anything is sent

    /** The key of a robot by the name Harbor shows, with or without {@code robot$}: {@code ci}, {@code p+ci}. */
    public static String keyOfName(String name) {
        return Keys.robotKeyOfName(name).orElseThrow(() -> new ProblemException(400, "'" + printable(name)
                + "' is not a robot name: ci or robot$ci for a system robot, p+ci or robot$p+ci for robot ci of"
                + " project p (lower case letters, digits and inner . _ -)"));
    }

    private static RobotSecret checkedSecret(String secret) {
        if (!SecretRule.valid(secret)) {
            throw new ProblemException(400, SecretRule.MESSAGE);
        }
        return new RobotSecret(secret);
    }

    private static RobotSpec normalised(RobotSpec s) {
        String name = s.name() != null && s.name().startsWith(Keys.ROBOT_PREFIX)
                ? s.name().substring(Keys.ROBOT_PREFIX.length()) : s.name();
        return new RobotSpec(name, s.project(), s.description(), s.duration(), s.disable(), s.permissions());
    }

    /** Harbor's own checks of a robot, made here so that a refusal is one clear 400 with nothing sent. */
    static void validate(RobotSpec s) {
        if (!Scope.isRobotName(s.name())) {
            throw new ProblemException(400, "name '" + printable(s.name()) + "' is not a robot name: lower case"
                    + " letters, digits and inner . _ - (without the robot$ prefix, which Harbor adds; a project"
                    + " robot's project goes in 'project')");
        }
        s.project().ifPresent(p -> {
            if (!Scope.isProjectName(p)) {
                throw new ProblemException(400, "project '" + printable(p) + "' is not a project name");
            }
            if ((p + "+" + s.name()).length() > 255) {
                throw new ProblemException(400, "the robot's name " + p + "+" + s.name() + " is longer than 255"
                        + " characters");
            }
        });
        if (s.duration() != -1 && s.duration() <= 0) {
            throw new ProblemException(400, "duration " + s.duration() + ": it must be either -1 (never expires)"
                    + " or a positive number of days");
        }
        if (s.permissions().isEmpty()) {
            throw new ProblemException(400, "permissions: at least one is needed"
                    + " ({\"kind\":\"project\",\"namespace\":\"p\",\"access\":[{\"resource\":\"repository\",\"action\":\"pull\"}]})");
        }
        for (int i = 0; i < s.permissions().size(); i++) {
            validate(s, i, s.permissions().get(i));
        }
    }

    private static void validate(RobotSpec s, int i, RobotPermission p) {
        String at = "permissions[" + i + "]";
        if (p == null) {
            throw new ProblemException(400, at + " is null");
        }
        if (!"system".equals(p.kind()) && !"project".equals(p.kind())) {
            throw new ProblemException(400, at + ".kind must be system or project");
        }
        if (p.namespace() == null || p.namespace().isEmpty()) {
            throw new ProblemException(400, at + ".namespace is missing");
        }
        if (s.project().isPresent()) {
            String project = s.project().get();
            if (!"project".equals(p.kind()) || !project.equals(p.namespace())) {
                throw new ProblemException(400, at + ": a project robot's permissions are all kind project on its"
                        + " own project (namespace " + project + ")");
            }
        } else if ("system".equals(p.kind()) && !"/".equals(p.namespace())) {
            throw new ProblemException(400, at + ".namespace of a system permission is /");
        } else if ("project".equals(p.kind()) && !"*".equals(p.namespace()) && !Scope.isProjectName(p.namespace())) {
            throw new ProblemException(400, at + ".namespace '" + printable(p.namespace()) + "' is neither * (every"
                    + " project) nor a project name");
        }
        if (p.access() == null || p.access().isEmpty()) {
            throw new ProblemException(400, at + ".access: at least one {\"resource\":…,\"action\":…} is needed");
        }
        for (int j = 0; j < p.access().size(); j++) {
            var a = p.access().get(j);
            if (a == null || a.resource() == null || a.resource().isBlank() || a.action() == null
                    || a.action().isBlank()) {
                throw new ProblemException(400, at + ".access[" + j + "] needs a resource and an action");
            }
            if (a.effect() != null && !"allow".equals(a.effect()) && !"deny".equals(a.effect())) {
                throw new ProblemException(400, at + ".access[" + j + "].effect must be allow or deny");
            }
        }
    }

    /** Harbor refused the create on every site: its own answer decides the status when all sites agree. */
    private static ProblemException refusedEverywhere(String what, Map<String, HarborException> refused) {
        String detail = what + ": " + refused.entrySet().stream().map(e -> e.getValue().getMessage())
                .collect(Collectors.joining("; "));
        boolean allBadRequest = refused.values().stream().allMatch(e -> e instanceof HarborException.BadRequest);
        boolean allConflict = refused.values().stream().allMatch(e -> e instanceof HarborException.Conflict);
        return new ProblemException(allBadRequest ? 400 : allConflict ? 409 : 502, detail);
    }

    /** Echoed input, short and printable. */
    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
