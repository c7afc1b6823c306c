package io.harborsync.sync;

import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Artifact;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.harbor.HarborModel.Repository;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.ArtifactValue;
import io.harborsync.sync.Values.Value;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Artifacts by digest, with their tags. Replication copies them; harbor-sync moves their tags and propagates their
 * deletion. Deletion webhooks reconcile single artifacts: read key by key.
 */
final class ArtifactKind implements MirroredKind {
    @Override
    public Kind kind() {
        return Kind.ARTIFACT;
    }

    @Override
    public Kind parent() {
        return Kind.REPOSITORY;
    }

    @Override
    public int createPhase() {
        return 3;
    }

    @Override
    public int deletePhase() {
        return 4;
    }

    @Override
    public Class<? extends Value> valueType() {
        return ArtifactValue.class;
    }

    @Override
    public void readUnder(SiteRead site, String repoKey, Object parent) {
        Repository r = (Repository) parent;
        String project = Keys.projectOf(repoKey);
        String repo = Keys.repositoryName(repoKey);
        List<Artifact> artifacts = site.client().artifacts().list(project, repo);
        if (artifacts.isEmpty() && r.artifactCount() != null && r.artifactCount() > 0) {
            // Harbor lists the artifacts of a repository it does not find as 200 [] (observations §1, step
            // art.get.missingrepo): an empty listing of a repository just listed with artifacts is no proof
            // that they are gone (deleted meanwhile, or a name Harbor resolved to nothing). Unknown this run.
            throw HarborException.of(site.site(), "list artifacts of " + project + "/" + repo, 503,
                    "INCOMPLETE_LISTING", "the repository was listed with " + r.artifactCount()
                            + " artifact(s) but its artifact listing is empty");
        }
        for (Artifact a : artifacts) {
            String key = Keys.artifact(project, repo, a.digest());
            site.put(Kind.ARTIFACT, key, value(a));
            site.descend(Kind.ARTIFACT, key, a); // its labels, listed with it
        }
    }

    /** One artifact: absent where Harbor answers 404 (for it, its repository or its project). */
    @Override
    public Optional<Value> readOne(SiteRead site, String key) {
        return site.client().artifacts().find(Keys.projectOf(key), Keys.repositoryName(key), Keys.digest(key))
                .map(ArtifactKind::value);
    }

    static ArtifactValue value(Artifact a) {
        return new ArtifactValue(new TreeSet<>(a.tagNames()));
    }

    @Override
    public Optional<String> projectHintedBy(AuditLogExt row) {
        return "artifact".equals(row.resourceType()) || "tag".equals(row.resourceType())
                ? Keys.projectOfPath(row.resource()) : Optional.empty();
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        HarborClient c = ctx.client();
        String project = Keys.projectOf(op.key());
        String repo = Keys.repositoryName(op.key());
        String digest = Keys.digest(op.key());
        switch (op.type()) {
            case DELETE -> ApplyContext.ignoreNotFound(() -> ctx.write(OwnWrites.Resource.ARTIFACT, op.key(),
                    OwnWrites.Action.DELETE, () -> c.artifacts().delete(project, repo, digest)));
            case UPDATE -> {
                Set<String> want = ((ArtifactValue) op.value()).tags();
                Set<String> have = new TreeSet<>(c.artifacts().find(project, repo, digest).orElseThrow(() ->
                        HarborException.of(c.site(), "retag " + op.key(), 404, "NOT_FOUND", "artifact vanished"))
                        .tagNames());
                // Removals first: a tag that moves to another artifact of the repository must be free there first.
                for (String t : have) {
                    if (!want.contains(t)) {
                        ApplyContext.ignoreNotFound(() -> ctx.write(OwnWrites.Resource.TAG,
                                OwnWrites.tagKey(project, repo, t), OwnWrites.Action.DELETE,
                                () -> c.artifacts().deleteTag(project, repo, digest, t)));
                    }
                }
                for (String t : want) {
                    if (!have.contains(t)) {
                        addTag(ctx, project, repo, digest, t);
                    }
                }
            }
            default -> throw new IllegalStateException("artifacts are copied by replication, not by harbor-sync");
        }
        return Applied.DONE;
    }

    /**
     * Harbor keeps a tag unique in its repository and answers 409 to adding one that another artifact carries
     * (observations §1, step tag.create.other), where a push would move it. The artifact that carries it now is
     * the one whose own update (later in this run, or already failed) takes it off: the tag is taken off there
     * first and added here again. Should the add then fail, the tag is on neither artifact and this key's base
     * does not move, so the next reconcile adds it again from the sites that have it here.
     */
    private static void addTag(ApplyContext ctx, String project, String repo, String digest, String tag) {
        HarborClient c = ctx.client();
        String tagKey = OwnWrites.tagKey(project, repo, tag);
        try {
            ctx.write(OwnWrites.Resource.TAG, tagKey, OwnWrites.Action.CREATE, () -> c.artifacts().addTag(project, repo, digest, tag));
        } catch (HarborException.Conflict onAnother) {
            Optional<Artifact> holder = c.artifacts().find(project, repo, tag);
            if (holder.isPresent() && digest.equals(holder.get().digest())) {
                return; // put here meanwhile: the goal state
            }
            if (holder.isPresent()) {
                String from = holder.get().digest();
                ApplyContext.ignoreNotFound(() -> ctx.write(OwnWrites.Resource.TAG, tagKey, OwnWrites.Action.DELETE,
                        () -> c.artifacts().deleteTag(project, repo, from, tag)));
            }
            ctx.write(OwnWrites.Resource.TAG, tagKey, OwnWrites.Action.CREATE, () -> c.artifacts().addTag(project, repo, digest, tag));
        }
    }
}
