package io.harborsync.bootstrap;

import io.harborsync.config.Site;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.Registry;
import io.harborsync.harbor.HarborModel.RegistryCredential;
import io.harborsync.harbor.HarborModel.RegistryUpdate;
import io.harborsync.harbor.HarborModel.ReplicationFilter;
import io.harborsync.harbor.HarborModel.ReplicationPolicy;
import io.harborsync.harbor.HarborModel.ReplicationTrigger;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotCreated;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.sync.WebhookPolicies;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sets up, on every configured site and idempotently, what replication with deletions and harbor-sync
 * need (docs/lab.md, "Bootstrap and why replicated deletions failed with 401"):
 * <ol>
 *   <li>a system robot for replication that holds repository:delete and tag:delete;</li>
 *   <li>for each peer, a registry endpoint logging in as the peer's replication robot;</li>
 *   <li>for each peer, an event-based push replication policy with deletion replication;</li>
 *   <li>a least-privilege robot for harbor-sync itself, its secret written to a 0600 file;</li>
 *   <li>the harbor-sync webhook policy in every existing project.</li>
 * </ol>
 * What is already right is left alone: a second run sends no write. Runs with admin credentials (robots
 * cannot update robots or set secrets). Secrets are never printed; the exceptions carry none.
 */
public final class Bootstrap {
    public static final String REPLICATION_ROBOT = "harbor-sync-replication";
    public static final String SYNC_ROBOT = "harbor-sync";
    private static final String REPLICATION_ROBOT_DESCRIPTION =
            "harbor-sync bootstrap: peers' push replication logs in as this robot";
    private static final String SYNC_ROBOT_DESCRIPTION = "harbor-sync bootstrap: the harbor-sync daemon";
    /** Used only to tell whether a robot secret authenticates: 404 = it does, 401 = it does not. */
    private static final String PROBE_PROJECT = "harbor-sync-bootstrap-probe";
    private static final String SECRET_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

    private final List<Site> sites;
    private final Map<String, HarborClient> admin;
    private final Function<Site, HarborClient> clientFor;
    private final Map<String, String> replicationUrls;
    private final Optional<String> webhookUrl;
    private final Path secretsDir;
    private final boolean dryRun;
    private final PrintWriter out;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param sites           the Harbors to set up (at least two), each with admin credentials
     * @param admin           a client per site name, logged in as that site's configured (admin) user
     * @param clientFor       builds a client for other credentials: used to check a stored robot secret
     * @param replicationUrls per site, the URL its peers use to reach it, when not the site's own URL
     * @param webhookUrl      where Harbor reaches harbor-sync; empty = no webhook policies
     */
    public Bootstrap(List<Site> sites, Map<String, HarborClient> admin, Function<Site, HarborClient> clientFor,
                     Map<String, String> replicationUrls, Optional<String> webhookUrl, Path secretsDir,
                     boolean dryRun, PrintWriter out) {
        this.sites = sites.stream().sorted(Comparator.comparing(Site::name)).toList();
        this.admin = admin;
        this.clientFor = clientFor;
        this.replicationUrls = replicationUrls;
        this.webhookUrl = webhookUrl.filter(u -> !u.isBlank());
        this.secretsDir = secretsDir;
        this.dryRun = dryRun;
        this.out = out;
    }

    /** What bootstrap knows of one site's replication robot; the secret only if this run set it. */
    private static final class ReplicationRobot {
        Long id;
        String name;
        String secret;
    }

    /**
     * Runs every step on every site.
     *
     * @throws HarborException  a Harbor call failed (the message names the site and the call)
     * @throws BootstrapException anything else that stops it (too few sites, the secrets directory)
     */
    public void run() {
        if (sites.size() < 2) {
            throw new BootstrapException("bootstrap needs at least two sites (harbor-sync.sites.<name>.url), got "
                    + sites.stream().map(Site::name).toList());
        }
        if (dryRun) {
            out.println("dry run: nothing is changed");
        }
        Map<String, List<Robot>> robots = new LinkedHashMap<>();
        for (Site s : sites) {
            robots.put(s.name(), client(s).robots().listSystem()); // also proves the site answers and the login works
        }
        Map<String, ReplicationRobot> replication = new LinkedHashMap<>();
        for (Site s : sites) {
            replication.put(s.name(), replicationRobot(s, robots.get(s.name())));
        }
        Map<String, Map<String, Long>> record = new java.util.TreeMap<>();
        for (Site s : sites) {
            Map<String, Long> mine = new java.util.TreeMap<>();
            if (replication.get(s.name()).id != null) {
                mine.put(REPLICATION_ROBOT, replication.get(s.name()).id);
            }
            syncRobot(s, robots.get(s.name())).ifPresent(id -> mine.put(SYNC_ROBOT, id));
            record.put(s.name(), mine);
        }
        if (!dryRun) {
            writeRecord(record);
        }
        Map<String, Map<String, Long>> registryIds = registries(replication);
        for (Site s : sites) {
            for (Site peer : peers(s)) {
                replicationPolicy(s, peer, registryIds.get(s.name()).get(peer.name()));
            }
        }
        for (Site s : sites) {
            webhookPolicies(s);
        }
        out.println(dryRun ? "bootstrap dry run done" : "bootstrap done");
        out.flush();
    }

    // ------------------------------------------------------------------ robots

    private ReplicationRobot replicationRobot(Site s, List<Robot> existing) {
        ReplicationRobot r = new ReplicationRobot();
        Optional<Robot> found = findRobot(existing, REPLICATION_ROBOT);
        if (found.isEmpty()) {
            if (!dryRun) {
                RobotCreated created = createRobot(s, REPLICATION_ROBOT, REPLICATION_ROBOT_DESCRIPTION,
                        BootstrapPermissions.REPLICATION);
                r.id = created.id();
                r.name = created.name();
                r.secret = created.secret();
            }
            say(s, "robot " + REPLICATION_ROBOT, "created");
            return r;
        }
        r.id = found.get().id();
        r.name = found.get().name();
        fixRobot(s, found.get(), REPLICATION_ROBOT, REPLICATION_ROBOT_DESCRIPTION, BootstrapPermissions.REPLICATION);
        return r;
    }

    /**
     * Records which robots bootstrap made on each site (ids, no secret), for the daemon: they differ per site by
     * design, so it never mirrors them (harbor-sync.bootstrap.secrets-dir/{@value SyncSettings#BOOTSTRAP_RECORD}).
     */
    private void writeRecord(Map<String, Map<String, Long>> record) {
        Path file = secretsDir.resolve(io.harborsync.sync.SyncSettings.BOOTSTRAP_RECORD);
        try {
            writeSecret(file, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BootstrapException("cannot write " + file + ": " + e.getOriginalMessage());
        }
        out.println("robots bootstrap made recorded in " + file + " (harbor-sync never mirrors them)");
    }

    /** The daemon's robot; its secret lives only in the secrets file, which is checked against Harbor. */
    private Optional<Long> syncRobot(Site s, List<Robot> existing) {
        Path file = secretFile(s);
        Optional<Robot> found = findRobot(existing, SYNC_ROBOT);
        String item = "robot " + SYNC_ROBOT;
        if (found.isEmpty()) {
            if (!dryRun) {
                RobotCreated created = createRobot(s, SYNC_ROBOT, SYNC_ROBOT_DESCRIPTION, BootstrapPermissions.HARBOR_SYNC);
                writeSecret(file, created.secret());
                say(s, item, "created, secret written to " + file);
                return Optional.of(created.id());
            }
            say(s, item, "created, secret written to " + file);
            return Optional.empty();
        }
        Robot robot = found.get();
        fixRobot(s, robot, SYNC_ROBOT, SYNC_ROBOT_DESCRIPTION, BootstrapPermissions.HARBOR_SYNC);
        Optional<String> stored = readSecret(file);
        if (stored.isPresent() && secretWorks(s, robot.name(), stored.get())) {
            say(s, item + " secret file " + file, "already in place");
            return Optional.of(robot.id());
        }
        if (!dryRun) {
            String secret = newSecret();
            client(s).robots().setSecret(robot.id(), secret);
            writeSecret(file, secret);
        }
        say(s, item + " secret", (stored.isPresent() ? "did not log in, " : "had no file, ")
                + "refreshed and written to " + file);
        return Optional.of(robot.id());
    }

    private RobotCreated createRobot(Site s, String name, String description, List<RobotPermission> permissions) {
        // never expires: these are the sites' own service accounts, replaced by re-running bootstrap
        return client(s).robots().create(new RobotCreate(name, description, "system", -1L, permissions));
    }

    /** Puts the permissions back to exactly the wanted set (more is not least privilege) and re-enables it. */
    private void fixRobot(Site s, Robot robot, String shortName, String description, List<RobotPermission> want) {
        String item = "robot " + shortName;
        boolean samePermissions = BootstrapPermissions.flatten(robot.permissions())
                .equals(BootstrapPermissions.flatten(want));
        boolean enabled = !Boolean.TRUE.equals(robot.disable());
        if (samePermissions && enabled) {
            say(s, item, "already in place");
            return;
        }
        if (!dryRun) {
            Long duration = robot.duration() == null || robot.duration() == 0 ? -1L : robot.duration();
            client(s).robots().update(robot.id(), new Robot(null, robot.name(), description, "system", duration, false,
                    null, want, null, null));
        }
        say(s, item, "updated (" + (samePermissions ? "was disabled" : "permissions were not the wanted set") + ")");
    }

    private static Optional<Robot> findRobot(List<Robot> robots, String shortName) {
        // the list shows names with the prefix: robot$<name> by default (robot_name_prefix)
        return robots.stream().filter(r -> r.name() != null
                && (r.name().equals(shortName) || r.name().endsWith("$" + shortName))).findFirst();
    }

    private boolean secretWorks(Site s, String robotName, String secret) {
        Site asRobot = new Site(s.name(), s.url(), robotName, secret, s.caFile(), Optional.empty());
        try {
            clientFor.apply(asRobot).projects().exists(PROBE_PROJECT);
            return true;
        } catch (HarborException.Unauthorized e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ registries

    /**
     * One registry endpoint per peer on every site. A healthy endpoint that logs in as the peer's
     * replication robot is kept. Otherwise it needs the peer robot's secret, which Harbor shows only at
     * creation: then a new secret is set on the peer's robot, and every endpoint that logs in as that
     * robot gets it (the old one no longer works).
     */
    private Map<String, Map<String, Long>> registries(Map<String, ReplicationRobot> robots) {
        Map<String, Map<String, Registry>> existing = new LinkedHashMap<>();
        for (Site s : sites) {
            Map<String, Registry> byName = new LinkedHashMap<>();
            client(s).registries().list().forEach(r -> byName.put(r.name(), r));
            existing.put(s.name(), byName);
        }
        Map<String, Map<String, Long>> ids = new LinkedHashMap<>();
        sites.forEach(s -> ids.put(s.name(), new LinkedHashMap<>()));
        for (Site peer : sites) {
            ReplicationRobot robot = robots.get(peer.name());
            Map<Site, Registry> pointing = new LinkedHashMap<>();
            Map<Site, Registry> needWork = new LinkedHashMap<>();
            for (Site s : peers(peer)) {
                Registry r = existing.get(s.name()).get(registryName(peer));
                pointing.put(s, r);
                if (r == null || !healthyAndRight(r, peer, robot)) {
                    needWork.put(s, r);
                }
            }
            boolean refreshed = false;
            if (!needWork.isEmpty() && robot.secret == null && robot.id != null) {
                if (!dryRun) {
                    robot.secret = newSecret();
                    client(peer).robots().setSecret(robot.id, robot.secret);
                }
                say(peer, "robot " + REPLICATION_ROBOT + " secret", "refreshed (registry endpoints need it)");
                refreshed = true; // the old secret is gone: every endpoint using it gets the new one
            }
            for (Map.Entry<Site, Registry> e : pointing.entrySet()) {
                Site s = e.getKey();
                Registry r = e.getValue();
                String item = "registry " + registryName(peer) + " -> " + peerUrl(peer);
                if (!refreshed && !needWork.containsKey(s)) {
                    ids.get(s.name()).put(peer.name(), r.id());
                    say(s, item, "already in place");
                } else if (r == null) {
                    Long id = dryRun ? null : client(s).registries().create(new Registry(null, registryName(peer),
                            peerUrl(peer), "harbor", false, description(peer),
                            new RegistryCredential("basic", robot.name, robot.secret), null));
                    ids.get(s.name()).put(peer.name(), id);
                    say(s, item, "created");
                } else if (!"harbor".equals(r.type())) {
                    throw new BootstrapException(s.name() + ": registry " + r.name() + " exists with type " + r.type()
                            + ", which Harbor cannot change; delete it or rename it, then re-run bootstrap");
                } else {
                    if (!dryRun) {
                        client(s).registries().update(r.id(), new RegistryUpdate(registryName(peer), description(peer),
                                peerUrl(peer), "basic", robot.name, robot.secret, false));
                    }
                    ids.get(s.name()).put(peer.name(), r.id());
                    say(s, item, "updated");
                }
            }
        }
        return ids;
    }

    private boolean healthyAndRight(Registry r, Site peer, ReplicationRobot robot) {
        RegistryCredential c = r.credential();
        return "harbor".equals(r.type()) && sameUrl(r.url(), peerUrl(peer))
                && c != null && "basic".equals(c.type()) && Objects.equals(c.accessKey(), robot.name)
                && robot.secret == null // a robot created by this run has a secret no endpoint holds yet
                && !"unhealthy".equals(r.status()); // Harbor's own check failed: e.g. the secret no longer works
    }

    private static boolean sameUrl(String a, String b) {
        return a != null && b != null && a.replaceAll("/+$", "").equalsIgnoreCase(b.replaceAll("/+$", ""));
    }

    private String peerUrl(Site peer) {
        return replicationUrls.getOrDefault(peer.name(), peer.url().toString()).replaceAll("/+$", "");
    }

    private static String registryName(Site peer) {
        return "harbor-sync-" + peer.name();
    }

    private static String description(Site peer) {
        return "harbor-sync bootstrap: Harbor site " + peer.name() + ", as its " + REPLICATION_ROBOT + " robot";
    }

    // ------------------------------------------------------------------ replication policies

    private void replicationPolicy(Site s, Site peer, Long registryId) {
        String name = "harbor-sync-" + s.name() + "-to-" + peer.name();
        String item = "replication policy " + name;
        ReplicationPolicy want = new ReplicationPolicy(null, name,
                "harbor-sync bootstrap: pushes every change, deletions included, to " + peer.name(), null,
                new Registry(registryId, null, null, null, null, null, null, null), null, null,
                new ReplicationTrigger("event_based", null), null, true, true, true);
        Optional<ReplicationPolicy> found = client(s).replications().listPolicies().stream()
                .filter(p -> name.equals(p.name())).findFirst();
        if (found.isEmpty()) {
            if (!dryRun) {
                client(s).replications().createPolicy(want);
            }
            say(s, item, "created");
        } else if (registryId != null && isWanted(found.get(), registryId)) {
            say(s, item, "already in place");
        } else {
            if (!dryRun) {
                client(s).replications().updatePolicy(found.get().id(), want);
            }
            say(s, item, "updated");
        }
    }

    private static boolean isWanted(ReplicationPolicy p, long registryId) {
        boolean pushFromLocal = p.srcRegistry() == null || p.srcRegistry().id() == null || p.srcRegistry().id() == 0;
        boolean everything = p.filters() == null || p.filters().isEmpty() || (p.filters().size() == 1
                && isNameFilterForAll(p.filters().get(0)));
        return pushFromLocal && everything
                && p.destRegistry() != null && Objects.equals(p.destRegistry().id(), registryId)
                && (p.destNamespace() == null || p.destNamespace().isEmpty())
                && p.trigger() != null && "event_based".equals(p.trigger().type())
                && Boolean.TRUE.equals(p.deletion()) && Boolean.TRUE.equals(p.override())
                && Boolean.TRUE.equals(p.enabled());
    }

    private static boolean isNameFilterForAll(ReplicationFilter f) {
        return "name".equals(f.type()) && "**".equals(f.value());
    }

    // ------------------------------------------------------------------ webhook policies

    private void webhookPolicies(Site s) {
        if (webhookUrl.isEmpty()) {
            say(s, "webhook policies", "skipped: no --webhook-url and no harbor-sync.webhook.url");
            return;
        }
        HarborClient c = client(s);
        String secret = s.webhookSecret().orElse(null);
        Map<WebhookPolicies.Outcome, Integer> counts = new EnumMap<>(WebhookPolicies.Outcome.class);
        List<Project> projects = c.projects().list();
        for (Project p : projects) {
            WebhookPolicies.Outcome o = WebhookPolicies.ensure(c, p.name(), webhookUrl.get(), secret, dryRun);
            counts.merge(o, 1, Integer::sum);
            if (o != WebhookPolicies.Outcome.IN_PLACE) {
                say(s, "webhook policy in project " + p.name(), o.name().toLowerCase().replace('_', ' '));
            }
        }
        say(s, "webhook policies -> " + WebhookPolicies.address(webhookUrl.get(), s.name()),
                "in " + projects.size() + " project(s): " + counts.getOrDefault(WebhookPolicies.Outcome.CREATED, 0)
                        + " created, " + counts.getOrDefault(WebhookPolicies.Outcome.UPDATED, 0) + " updated, "
                        + counts.getOrDefault(WebhookPolicies.Outcome.IN_PLACE, 0) + " already in place"
                        + (s.webhookSecret().isEmpty() ? " (no webhook-secret configured for this site)" : ""));
    }

    // ------------------------------------------------------------------ secrets

    /** Where the harbor-sync robot's secret of a site goes; the login name is robot$harbor-sync. */
    public Path secretFile(Site s) {
        return secretsDir.resolve(s.name() + "-harbor-sync.secret");
    }

    private static Optional<String> readSecret(Path file) {
        try {
            return Files.isRegularFile(file)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()).filter(v -> !v.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            throw new BootstrapException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Written to a 0600 temporary file beside it and moved into place: never readable by others. */
    private static void writeSecret(Path file, String secret) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException raced) {
                    // fine
                }
            }
            Path tmp = Files.createTempFile(dir, ".harbor-sync-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new BootstrapException("cannot write the robot secret to " + file + ": " + e.getMessage());
        }
    }

    /** Harbor's rule for a secret set by PATCH /robots/{id}: 8–128 chars, an upper, a lower and a digit. */
    String newSecret() {
        while (true) {
            StringBuilder b = new StringBuilder(40);
            for (int i = 0; i < 40; i++) {
                b.append(SECRET_CHARS.charAt(random.nextInt(SECRET_CHARS.length())));
            }
            String s = b.toString();
            if (s.chars().anyMatch(Character::isUpperCase) && s.chars().anyMatch(Character::isLowerCase)
                    && s.chars().anyMatch(Character::isDigit)) {
                return s;
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private List<Site> peers(Site s) {
        List<Site> out = new ArrayList<>(sites);
        out.remove(s);
        return out;
    }

    private HarborClient client(Site s) {
        HarborClient c = admin.get(s.name());
        if (c == null) {
            throw new BootstrapException("no Harbor client for site " + s.name());
        }
        return c;
    }

    private void say(Site s, String item, String outcome) {
        out.println(s.name() + ": " + item + " " + (dryRun ? "[dry run] " : "") + outcome);
        out.flush();
    }

    /** Stops bootstrap for a reason that is not a Harbor answer. Carries no secret. */
    public static final class BootstrapException extends RuntimeException {
        public BootstrapException(String message) {
            super(message);
        }
    }
}
