package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.harbor.HarborModel.RobotCreate;
import io.harborsync.harbor.HarborModel.RobotCreated;
import io.harborsync.harbor.HarborModel.RobotSec;

import io.harborsync.model.Keys;

import java.util.List;
import java.util.Optional;

import static io.harborsync.harbor.HarborTransport.query;

/** A site's robot accounts, system and project level ({@code HarborClient.robots()}). */
public final class Robots {
    private final HarborTransport t;

    Robots(HarborTransport transport) {
        this.t = transport;
    }

    public List<Robot> listSystem() {
        return t.list("list system robots", (api, page, size) -> api.listRobots(page, size, null));
    }

    public List<Robot> listProject(long projectId) {
        String q = query("Level=project,ProjectID=" + projectId);
        return t.list("list robots of project id " + projectId, (api, page, size) -> api.listRobots(page, size, q));
    }

    /**
     * The system robot with this name (without the prefix), if any. Harbor's {@code q=name=} term is an exact match
     * on the stored name, which has no prefix (observations §3, step robot.list.q.name2; with the prefix it lists
     * nothing); the answer is still filtered here, as older Harbors matched loosely.
     */
    public Optional<Robot> findSystem(String name) {
        String q = query("name=" + name);
        List<Robot> found = t.list("find system robot " + name, (api, page, size) -> api.listRobots(page, size, q));
        return found.stream().filter(r -> "system".equals(r.level()) && (Keys.ROBOT_PREFIX + name).equals(r.name()))
                .findFirst();
    }

    /** The robot of the project with this short name ("ci" of {@code robot$p+ci}), if any. */
    public Optional<Robot> findInProject(long projectId, String project, String name) {
        String full = Keys.ROBOT_PREFIX + project + "+" + name;
        return listProject(projectId).stream().filter(r -> full.equals(r.name())).findFirst();
    }

    public RobotCreated create(RobotCreate req) {
        return t.call("create robot " + req.name(), api -> api.createRobot(req));
    }

    public Robot get(long id) {
        return t.read("get robot " + id, api -> api.getRobot(id));
    }

    /**
     * Replaces a robot's permissions, description, duration and disable flag. The body must repeat the
     * name with its prefix and the level (api-notes §7.1); needs a user, not a robot.
     */
    public void update(long id, Robot robot) {
        t.run("update robot " + robot.name(), api -> api.updateRobot(id, robot));
    }

    /** Puts a known secret on a robot (8–128 chars with upper, lower and digit); needs a user, not a robot. */
    public void setSecret(long id, String secret) {
        t.call("set secret of robot " + id, api -> api.refreshRobotSecret(id, new RobotSec(secret)));
    }

    public void delete(long id) {
        t.run("delete robot " + id, api -> api.deleteRobot(id));
    }
}
