package io.harborsync.sync;

import io.harborsync.harbor.HarborModel.Label;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.LabelValue;
import io.harborsync.sync.Values.Value;

import java.util.Optional;
import java.util.Set;

/**
 * A project's labels (scope p), keyed by project and name ({@link Keys#projectLabel}): color and description.
 * Listed per project by the project's id on each site.
 *
 * <p>Harbor keeps a project's labels after the project is deleted (observations §4), reachable by id only. When
 * the daemon deletes a project on a site, the labels it read there are deleted first: the project's absence on the
 * other site makes them absent there, so they are planned as deletions of the project's children, which run in
 * this kind's delete phase, before the project's. The labels a person's project deletion leaves on that site are
 * no longer under any project the daemon reads and stay there (invisible in Harbor's UI; a new project of the same
 * name has a new id and does not see them).
 */
final class ProjectLabelKind implements MirroredKind {
    static final Kind PROJECT_LABEL = Kind.define("project-label", true);

    @Override
    public Kind kind() {
        return PROJECT_LABEL;
    }

    @Override
    public Kind parent() {
        return Kind.PROJECT;
    }

    @Override
    public int createPhase() {
        return 2;
    }

    @Override
    public int deletePhase() {
        return 3;
    }

    @Override
    public Class<? extends Value> valueType() {
        return LabelValue.class;
    }

    /** {@code deletion.disabled-kinds: label} keeps every label, global or project. */
    @Override
    public Set<String> configNames() {
        return Set.of(PROJECT_LABEL.id(), LabelKind.LABEL.id());
    }

    @Override
    public void readUnder(SiteRead site, String project, Object parent) {
        for (Label l : site.client().labels().listProject(((Project) parent).projectId())) {
            if (l.name() == null || l.name().isEmpty()) {
                site.exclude(PROJECT_LABEL, Keys.projectLabel(project, ""), LabelCopies.NAMELESS);
            } else {
                LabelCopies.file(site, PROJECT_LABEL, Keys.projectLabel(project, l.name()), l);
            }
        }
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        String project = Keys.projectOf(op.key());
        String name = Keys.labelName(op.key());
        return LabelCopies.apply(op, ctx, () -> LabelCopies.projectId(ctx, project),
                () -> ctx.client().labels().findInProject(LabelCopies.projectId(ctx, project), name));
    }
}
