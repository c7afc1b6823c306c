package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Label;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.MirroredKind.Applied;
import io.harborsync.sync.Values.LabelValue;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What global and project labels share (observations §4): their portable value, and how a copy is created, changed
 * and deleted. A label's id is per site; its name is its key. Harbor writes no audit row for labels, so their
 * writes are not journalled: no echo comes back.
 */
final class LabelCopies {
    /** The per-site id of a label key (and of an attachment key: the attached label's id there). */
    static final String LABEL_ID = "label";
    static final String NAMELESS = "a label without a name (Harbor allows it): it has no key to be mirrored by";

    private LabelCopies() {
    }

    static LabelValue value(Label l) {
        return new LabelValue(l.color(), l.description());
    }

    /** Files one label read on a site: its value, its id there, and Harbor's update time of it. */
    static void file(SiteRead site, Kind kind, String key, Label l) {
        site.put(kind, key, value(l));
        site.id(LABEL_ID, key, l.id());
        ProjectKind.parseTime(l.updateTime()).ifPresent(t -> site.changedAt(key, t));
    }

    /**
     * Applies one operation on a label. {@code projectId} gives the id on this site of a project label's project
     * (null for a global label; a 404 there defers a create: the project is not on this site yet); {@code find}
     * looks the label up by name when this run did not read its id.
     */
    static Applied apply(Op op, ApplyContext ctx, Supplier<Long> projectId, Supplier<Optional<Label>> find) {
        HarborClient c = ctx.client();
        String key = op.key();
        String name = Keys.labelName(key);
        String scope = projectId == null ? Label.GLOBAL : Label.PROJECT;
        switch (op.type()) {
            case CREATE -> {
                LabelValue v = (LabelValue) op.value();
                Long pid;
                try {
                    pid = projectId == null ? null : projectId.get();
                } catch (HarborException.NotFound projectNotThere) {
                    return Applied.DEFERRED;
                }
                try {
                    c.labels().create(Label.of(name, v.color(), v.description(), scope, pid));
                } catch (HarborException.Conflict already) {
                    // made meanwhile: make it what the plan says
                    long id = find.get().orElseThrow(() -> already).id();
                    c.labels().update(id, Label.of(name, v.color(), v.description(), scope, pid));
                }
            }
            case UPDATE -> {
                LabelValue v = (LabelValue) op.value();
                long id = ctx.id(LABEL_ID, key).orElseGet(() -> find.get().orElseThrow(() -> HarborException.of(
                        c.site(), "update label " + name, 404, "NOT_FOUND", "label vanished")).id());
                // PUT replaces name, color and description: all three are sent
                c.labels().update(id, Label.of(name, v.color(), v.description(), scope, null));
            }
            case DELETE -> {
                Optional<Long> id = ctx.id(LABEL_ID, key).or(() -> find.get().map(Label::id));
                id.ifPresent(i -> ApplyContext.ignoreNotFound(() -> c.labels().delete(i)));
            }
            default -> throw new IllegalStateException(op.type() + " is not an operation on labels");
        }
        return Applied.DONE;
    }

    /** The id on this site of the project of a project-label or attachment key: read this run, else looked up. */
    static long projectId(ApplyContext ctx, String project) {
        return ctx.id(ProjectKind.PROJECT_ID, project).orElseGet(() -> ctx.client().projects().get(project).projectId());
    }
}
