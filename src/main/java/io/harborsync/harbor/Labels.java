package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Label;

import java.util.List;
import java.util.Optional;

import static io.harborsync.harbor.HarborTransport.repoSegment;

/**
 * A site's labels, global (scope g) and per project (scope p), and their attachment to artifacts
 * ({@code HarborClient.labels()}; observations §4). Harbor keeps a project's labels after the project is deleted:
 * they are reached by id only. Listing needs a scope (and for project labels the project's id); {@code name} is a
 * substring match, so a lookup by name filters the answer.
 */
public final class Labels {
    private final HarborTransport t;

    Labels(HarborTransport transport) {
        this.t = transport;
    }

    public List<Label> listGlobal() {
        return t.list("list global labels", (api, page, size) -> api.listLabels(Label.GLOBAL, null, null, page, size));
    }

    public List<Label> listProject(long projectId) {
        return t.list("list labels of project id " + projectId,
                (api, page, size) -> api.listLabels(Label.PROJECT, projectId, null, page, size));
    }

    /** The global label with exactly this name, if any. */
    public Optional<Label> findGlobal(String name) {
        return t.list("find global label " + name,
                        (api, page, size) -> api.listLabels(Label.GLOBAL, null, name, page, size))
                .stream().filter(l -> name.equals(l.name())).findFirst();
    }

    /** The label of the project with exactly this name, if any. */
    public Optional<Label> findInProject(long projectId, String name) {
        return t.list("find label " + name + " of project id " + projectId,
                        (api, page, size) -> api.listLabels(Label.PROJECT, projectId, name, page, size))
                .stream().filter(l -> name.equals(l.name())).findFirst();
    }

    /**
     * Creates a label; its id. Harbor checks nothing but the scope (a project label with a project id that does not
     * exist is created): the caller names a project it just read.
     */
    public long create(Label label) {
        if (label.name() == null || label.name().isEmpty()) {
            throw t.refused("create label", 400, "BAD_REQUEST", "a label without a name is not created");
        }
        if (Label.PROJECT.equals(label.scope()) && (label.projectId() == null || label.projectId() <= 0)) {
            throw t.refused("create label " + label.name(), 400, "BAD_REQUEST", "a project label needs its project id");
        }
        return t.create("create label " + label.name(), api -> api.createLabel(label));
    }

    /** Replaces name, color and description (a PUT without color or description clears them). */
    public void update(long id, Label label) {
        t.run("update label " + label.name(), api -> api.updateLabel(id, label));
    }

    /** Deletes a label; Harbor takes it off every artifact it was attached to. */
    public void delete(long id) {
        t.run("delete label " + id, api -> api.deleteLabel(id));
    }

    /** Attaches a label (by its id on this site); 409 when it is attached already. */
    public void attach(String project, String repo, String digest, long labelId) {
        t.run("attach label " + labelId + " to " + project + "/" + repo + "@" + digest,
                api -> api.addArtifactLabel(project, repoSegment(repo), digest, Label.byId(labelId)));
    }

    /** Detaches a label; 404 when it is not attached (or the artifact is gone). */
    public void detach(String project, String repo, String digest, long labelId) {
        t.run("detach label " + labelId + " from " + project + "/" + repo + "@" + digest,
                api -> api.removeArtifactLabel(project, repoSegment(repo), digest, labelId));
    }
}
