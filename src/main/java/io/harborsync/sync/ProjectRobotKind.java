package io.harborsync.sync;

import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.Robot;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.RobotValue;
import io.harborsync.sync.Values.Value;

import java.util.Optional;
import java.util.Set;

/**
 * Project-level robot accounts, keyed by project and name ({@link Keys#projectRobot}: Harbor's {@code robot$p+ci}).
 * A project robot goes with its project: Harbor deletes it with the project, without an audit row (observations
 * §3), and recreating the project does not bring it back.
 */
final class ProjectRobotKind implements MirroredKind {
    static final Kind PROJECT_ROBOT = Kind.define("project-robot", true);

    @Override
    public Kind kind() {
        return PROJECT_ROBOT;
    }

    @Override
    public Kind parent() {
        return Kind.PROJECT;
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

    /** {@code deletion.disabled-kinds: robot} keeps every robot, system or project. */
    @Override
    public Set<String> configNames() {
        return Set.of(PROJECT_ROBOT.id(), SystemRobotKind.ROBOT.id());
    }

    @Override
    public Optional<String> precondition(SyncSettings settings) {
        return RobotCopies.robotAccountPrecondition(settings);
    }

    @Override
    public void readUnder(SiteRead site, String project, Object parent) {
        String prefix = Keys.ROBOT_PREFIX + project + "+";
        for (Robot r : site.client().robots().listProject(((Project) parent).projectId())) {
            if (r.name() != null && r.name().startsWith(prefix)) {
                RobotCopies.file(site, PROJECT_ROBOT, Keys.projectRobot(project, r.name().substring(prefix.length())), r);
            }
        }
    }

    @Override
    public Optional<String> projectHintedBy(AuditLogExt row) {
        String r = row.resource();
        if (!"robot".equals(row.resourceType()) || r == null || !r.startsWith(Keys.ROBOT_PREFIX) || !r.contains("+")) {
            return Optional.empty();
        }
        return Optional.of(r.substring(Keys.ROBOT_PREFIX.length(), r.indexOf('+')));
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        String project = Keys.projectOf(op.key());
        return RobotCopies.apply(op, ctx, "project", () -> {
            long projectId = ctx.id(ProjectKind.PROJECT_ID, project)
                    .orElseGet(() -> ctx.client().projects().get(project).projectId());
            return ctx.client().robots().findInProject(projectId, project, Keys.robotShortName(op.key()));
        });
    }
}
