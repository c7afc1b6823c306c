package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Artifact;
import io.harborsync.harbor.HarborModel.Label;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.ArtifactLabelValue;
import io.harborsync.sync.Values.Value;

import java.util.Optional;
import java.util.Set;

/**
 * Which labels are attached to which artifacts ({@link Keys#artifactLabel}: the artifact's key, the label's scope
 * and name). Read at no extra request: the artifact listing carries them ({@code with_label=true}) and
 * {@link ArtifactKind} hands each artifact to this kind. Replication copies artifacts but not their labels; this
 * kind copies the attachments. An attachment whose artifact or label is not on a site yet (replication pending, a
 * global label that only a full reconcile creates) is deferred there. Attaching runs after labels are created;
 * detaching before labels and artifacts are deleted.
 */
final class ArtifactLabelKind implements MirroredKind {
    static final Kind ARTIFACT_LABEL = Kind.define("artifact-label", true);

    @Override
    public Kind kind() {
        return ARTIFACT_LABEL;
    }

    @Override
    public Kind parent() {
        return Kind.ARTIFACT;
    }

    @Override
    public int createPhase() {
        return 4;
    }

    @Override
    public int deletePhase() {
        return 2;
    }

    @Override
    public Class<? extends Value> valueType() {
        return ArtifactLabelValue.class;
    }

    /** {@code deletion.disabled-kinds: label} keeps every label and every attachment of one. */
    @Override
    public Set<String> configNames() {
        return Set.of(ARTIFACT_LABEL.id(), LabelKind.LABEL.id());
    }

    @Override
    public void readUnder(SiteRead site, String artifactKey, Object parent) {
        for (Label l : ((Artifact) parent).attachedLabels()) {
            boolean global = Label.GLOBAL.equals(l.scope());
            if (l.name() == null || l.name().isEmpty()) {
                site.exclude(ARTIFACT_LABEL, Keys.artifactLabel(artifactKey, global, ""), LabelCopies.NAMELESS);
                continue;
            }
            String key = Keys.artifactLabel(artifactKey, global, l.name());
            site.put(ARTIFACT_LABEL, key, ArtifactLabelValue.ATTACHED);
            if (l.id() != null) {
                site.id(LabelCopies.LABEL_ID, key, l.id());
            }
        }
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        HarborClient c = ctx.client();
        String key = op.key();
        String artifact = Keys.artifactOfLabel(key);
        String project = Keys.projectOf(key);
        String repo = Keys.repositoryName(artifact);
        String digest = Keys.digest(artifact);
        switch (op.type()) {
            case CREATE -> {
                Optional<Long> labelId;
                try {
                    labelId = labelId(ctx, key);
                } catch (HarborException.NotFound projectNotThere) {
                    return Applied.DEFERRED;
                }
                if (labelId.isEmpty()) {
                    return Applied.DEFERRED; // the label is not on this site yet
                }
                try {
                    c.labels().attach(project, repo, digest, labelId.get());
                } catch (HarborException.Conflict already) {
                    return Applied.DONE; // attached meanwhile: the goal state
                } catch (HarborException.NotFound artifactNotThere) {
                    return Applied.DEFERRED; // replication has not copied the artifact yet (or it went meanwhile)
                }
            }
            case DELETE -> {
                // the id the artifact listing gave with the attachment; without it the label is gone, and so is
                // the attachment
                Optional<Long> labelId = ctx.id(LabelCopies.LABEL_ID, key);
                if (labelId.isEmpty()) {
                    try {
                        labelId = labelId(ctx, key);
                    } catch (HarborException.NotFound projectGone) {
                        return Applied.DONE;
                    }
                }
                long id = labelId.orElse(-1L);
                if (id >= 0) {
                    ApplyContext.ignoreNotFound(() -> c.labels().detach(project, repo, digest, id));
                }
            }
            default -> throw new IllegalStateException(op.type() + " is not an operation on attachments");
        }
        return Applied.DONE;
    }

    /** The id on the op's site of the label an attachment names: read this run, else looked up by name. */
    private static Optional<Long> labelId(ApplyContext ctx, String key) {
        String labelKey = Keys.attachedLabelKey(key);
        Optional<Long> read = ctx.id(LabelCopies.LABEL_ID, labelKey);
        if (read.isPresent()) {
            return read;
        }
        String name = Keys.attachedLabelName(key);
        Optional<Label> found = Keys.attachedLabelIsGlobal(key) ? ctx.client().labels().findGlobal(name)
                : ctx.client().labels().findInProject(LabelCopies.projectId(ctx, Keys.projectOf(key)), name);
        return found.map(Label::id);
    }
}
