package io.harborsync.sync;

import io.harborsync.harbor.HarborModel.Registry;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.RobotValue;
import io.harborsync.sync.Values.Value;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * System-level robot accounts, keyed by name ({@link Keys#systemRobot}); read at the top of a site, after the
 * projects, and written after them (a permission may name a project that this run creates).
 *
 * <p>Not mirrored: a robot that a registry endpoint on any site logs in as. Those are the replication robots
 * bootstrap made, recorded by bootstrap in each peer's endpoint: each site's has its own secret, which only that
 * endpoint knows, so copying or aligning it would break replication.
 */
final class SystemRobotKind implements MirroredKind {
    static final Kind ROBOT = Kind.define("robot", true);
    static final String ENDPOINT_CREDENTIAL = "a registry endpoint logs in as this robot (replication): each site's"
            + " has its own secret by design; not copied";

    static final String BOOTSTRAP_ROBOT = "made by bootstrap for replication or for harbor-sync itself (its record, "
            + SyncSettings.BOOTSTRAP_RECORD + "): each site's own by design; not copied";

    @Override
    public Kind kind() {
        return ROBOT;
    }

    @Override
    public Kind parent() {
        return null;
    }

    @Override
    public int createPhase() {
        return 3;
    }

    @Override
    public int deletePhase() {
        return 2;
    }

    @Override
    public Class<? extends Value> valueType() {
        return RobotValue.class;
    }

    @Override
    public Optional<String> precondition(SyncSettings settings) {
        return RobotCopies.robotAccountPrecondition(settings);
    }

    /** Its permissions name projects: decided after every project of the run is in place. */
    @Override
    public boolean refersToProjects() {
        return true;
    }

    @Override
    public Map<String, ?> listTop(SiteRead site, Scope scope) {
        Map<String, Robot> out = new LinkedHashMap<>();
        if (!scope.coversTop(kind())) {
            return out; // system robots belong to no project: only a full reconcile covers them
        }
        // An endpoint here logs in to a peer: the robot it names is the peer's, so it is excluded on every site.
        for (Registry r : site.client().registries().list()) {
            String user = r.credential() == null ? null : r.credential().accessKey();
            if (user != null && user.startsWith(Keys.ROBOT_PREFIX) && !user.contains("+")) {
                site.exclude(ROBOT, Keys.systemRobot(user.substring(Keys.ROBOT_PREFIX.length())), ENDPOINT_CREDENTIAL);
            }
        }
        java.util.Set<Long> madeByBootstrap = site.settings().bootstrapRobots().getOrDefault(site.site(), java.util.Set.of());
        for (Robot r : site.client().robots().listSystem()) {
            if (r.name() != null && r.name().startsWith(Keys.ROBOT_PREFIX)) {
                String key = Keys.systemRobot(r.name().substring(Keys.ROBOT_PREFIX.length()));
                if (madeByBootstrap.contains(r.id())) {
                    site.exclude(ROBOT, key, BOOTSTRAP_ROBOT);
                }
                out.put(key, r);
            }
        }
        return out;
    }

    @Override
    public void readTop(SiteRead site, String key, Object item) {
        RobotCopies.file(site, ROBOT, key, (Robot) item);
    }

    @Override
    public Optional<Value> readOne(SiteRead site, String key) {
        return site.client().robots().findSystem(Keys.robotName(key)).map(RobotCopies::value);
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        return RobotCopies.apply(op, ctx, "system",
                () -> ctx.client().robots().findSystem(Keys.robotName(op.key())));
    }
}
