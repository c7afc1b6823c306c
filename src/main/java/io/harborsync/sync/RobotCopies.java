package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Access;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotPermission;
import io.harborsync.model.Keys;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.MirroredKind.Applied;
import io.harborsync.sync.Values.RobotValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What system and project robots share: their portable value, and how a copy is created, changed and deleted
 * (observations §3). Harbor returns a robot's secret only when it is created or refreshed: a copy this makes gets
 * Harbor's own random secret, which is dropped unread, so the copy is "secret not aligned" until the robot API
 * puts one secret everywhere ({@link SecretCheck}).
 */
final class RobotCopies {
    static final String ROBOT_ID = "robot";

    private RobotCopies() {
    }

    /** Files one robot read on a site: its value, its id there, and Harbor's update time of it. */
    static void file(SiteRead site, io.harborsync.model.Kind kind, String key, Robot r) {
        site.put(kind, key, value(r));
        site.id(ROBOT_ID, key, r.id());
        ProjectKind.parseTime(r.updateTime()).ifPresent(t -> site.changedAt(key, t));
    }

    /** The robot's value; Harbor may list a permission's access in any order and regroup the permissions. */
    static RobotValue value(Robot r) {
        SortedMap<String, SortedSet<String>> perms = new TreeMap<>();
        for (RobotPermission p : r.permissions() == null ? List.<RobotPermission>of() : r.permissions()) {
            SortedSet<String> pairs = perms.computeIfAbsent(p.kind() + ":" + p.namespace(), x -> new TreeSet<>());
            for (Access a : p.access() == null ? List.<Access>of() : p.access()) {
                if (a.effect() == null || a.effect().isEmpty() || "allow".equals(a.effect())) {
                    pairs.add(a.resource() + ":" + a.action());
                }
            }
        }
        long duration = r.duration() == null || r.duration() == 0 ? -1 : r.duration();
        return new RobotValue(r.description(), duration, Boolean.TRUE.equals(r.disable()), perms);
    }

    static List<RobotPermission> permissions(RobotValue v) {
        List<RobotPermission> out = new ArrayList<>();
        v.permissions().forEach((scope, pairs) -> {
            int colon = scope.indexOf(':');
            List<Access> access = new ArrayList<>();
            for (String pair : pairs) {
                int c = pair.indexOf(':');
                access.add(new Access(pair.substring(0, c), pair.substring(c + 1), null));
            }
            out.add(new RobotPermission(scope.substring(0, colon), scope.substring(colon + 1), access));
        });
        return out;
    }

    /**
     * A daemon that logs in to a site as a robot cannot mirror robots: Harbor lets only users update robots and set
     * their secrets (a robot may not hold robot:update). The robot API's rule and words, empty when no account is one.
     */
    static Optional<String> robotAccountPrecondition(SyncSettings settings) {
        return io.harborsync.robots.RobotCredentials.robotAccountPrecondition(settings.accounts())
                .map(why -> "robot accounts are not mirrored, as only users update robots: " + why);
    }

    /**
     * Applies one operation on a robot. {@code find} looks the robot up on the site when this run did not read its
     * id; {@code projectMissing} says a 404 on create was the project (a project robot's, or a named project in a
     * system robot's permission) not being on this site yet: retried by a later reconcile.
     */
    static Applied apply(Op op, ApplyContext ctx, String level, java.util.function.Supplier<Optional<Robot>> find) {
        HarborClient c = ctx.client();
        String key = op.key();
        switch (op.type()) {
            case CREATE -> {
                RobotValue v = (RobotValue) op.value();
                String name = Keys.isProjectRobot(key) ? Keys.robotShortName(key) : Keys.robotName(key);
                long id;
                try {
                    // The secret Harbor answers with is not kept anywhere: only the robot API sets secrets.
                    long[] made = new long[1];
                    // journalled: its "create robot" audit row is the daemon's own, not a change to look at
                    ctx.write(OwnWrites.Resource.ROBOT, Keys.ROBOT_PREFIX + Keys.robotName(key), OwnWrites.Action.CREATE,
                            () -> made[0] = c.robots().create(new RobotCreate(name, v.description(), level,
                                    v.duration(), permissions(v))).id());
                    id = made[0];
                } catch (HarborException.NotFound projectNotThere) {
                    return Applied.DEFERRED;
                } catch (HarborException.Conflict already) {
                    // made meanwhile (e.g. by the robot API): make it what the plan says
                    id = find.get().orElseThrow(() -> already).id();
                    update(c, key, level, id, v);
                    return Applied.DONE;
                }
                if (v.disabled()) {
                    update(c, key, level, id, v); // Harbor ignores disable on create
                }
            }
            case UPDATE -> {
                long id = ctx.id(ROBOT_ID, key).orElseGet(() -> find.get().orElseThrow(() -> HarborException.of(
                        c.site(), "update robot " + Keys.robotName(key), 404, "NOT_FOUND", "robot vanished")).id());
                update(c, key, level, id, (RobotValue) op.value());
            }
            case DELETE -> {
                Optional<Long> id = ctx.id(ROBOT_ID, key).or(() -> find.get().map(Robot::id));
                id.ifPresent(i -> ApplyContext.ignoreNotFound(() -> ctx.write(OwnWrites.Resource.ROBOT,
                        Keys.ROBOT_PREFIX + Keys.robotName(key), OwnWrites.Action.DELETE, () -> c.robots().delete(i))));
            }
            default -> throw new IllegalStateException(op.type() + " is not an operation on robots");
        }
        return Applied.DONE;
    }

    /** PUT replaces description, duration, disable and permissions; it must repeat the prefixed name and level. */
    private static void update(HarborClient c, String key, String level, long id, RobotValue v) {
        c.robots().update(id, new Robot(null, Keys.ROBOT_PREFIX + Keys.robotName(key), v.description(), level,
                v.duration(), v.disabled(), null, permissions(v), null, null));
    }
}
