package io.harborsync.sync;

import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.Repository;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.RepositoryValue;
import io.harborsync.sync.Values.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Repositories: only their existence, and so only their deletion, is synced; Harbor's replication makes them. */
final class RepositoryKind implements MirroredKind {
    @Override
    public Kind kind() {
        return Kind.REPOSITORY;
    }

    @Override
    public Kind parent() {
        return Kind.PROJECT;
    }

    @Override
    public int createPhase() {
        return 5; // never created by harbor-sync
    }

    @Override
    public int deletePhase() {
        return 5; // after its artifacts, before its project
    }

    @Override
    public Class<? extends Value> valueType() {
        return RepositoryValue.class;
    }

    /** An artifact's key is its repository's key, '@' and the digest. */
    @Override
    public String childPrefix(String key) {
        return key + "@";
    }

    @Override
    public void readUnder(SiteRead site, String project, Object parent) {
        Project p = (Project) parent;
        for (Repository r : site.client().repositories().list(p.name())) {
            String key = Keys.repository(project, r.name().substring(p.name().length() + 1));
            site.put(Kind.REPOSITORY, key, RepositoryValue.EXISTS);
            Optional<String> mark = mark(r.id(), r.updateTime(), r.artifactCount());
            if (mark.isPresent() && site.unchanged(Kind.REPOSITORY, key, mark.get())) {
                continue; // its artifacts are as the sites last agreed: not listed
            }
            site.descend(Kind.REPOSITORY, key, r);
        }
    }

    /**
     * A repository's mark for the quick check ({@link SiteRead#unchanged}): Harbor v2.15 moves its update_time with
     * every artifact push and delete and every tag create and delete, and artifact_count with the artifacts. The
     * site's id of the repository goes with them: a repository deleted and made again (its project recreated) within
     * the millisecond Harbor prints is another repository. Empty when the listing gave no update time.
     */
    static Optional<String> mark(Long id, String updateTime, Long artifactCount) {
        if (updateTime == null || updateTime.isEmpty() || artifactCount == null || id == null) {
            return Optional.empty();
        }
        return Optional.of(id + "|" + updateTime + "|" + artifactCount);
    }

    @Override
    public Optional<String> projectHintedBy(AuditLogExt row) {
        return "repository".equals(row.resourceType()) ? Keys.projectOfPath(row.resource()) : Optional.empty();
    }

    /**
     * A repository goes with its artifacts: Harbor logs the repository and each artifact, and sends a deletion
     * webhook for each. The artifacts expected are those this run read on the site, but for those already
     * expected (deleted one by one before their repository, as the plan does).
     */
    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        if (op.type() != Decision.OpType.DELETE) {
            throw new IllegalStateException("repositories are copied by replication, not by harbor-sync");
        }
        String site = ctx.client().site();
        String repoKey = op.key();
        List<OwnWrites.Write> writes = new ArrayList<>();
        writes.add(new OwnWrites.Write(site, OwnWrites.Resource.REPOSITORY, repoKey, OwnWrites.Action.DELETE));
        ctx.readHere(Kind.ARTIFACT, repoKey + "@").keySet().stream()
                .map(k -> new OwnWrites.Write(site, OwnWrites.Resource.ARTIFACT, k, OwnWrites.Action.DELETE))
                .filter(w -> !ctx.expecting(w))
                .forEach(writes::add);
        ApplyContext.ignoreNotFound(() -> ctx.write(writes,
                () -> ctx.client().repositories().delete(Keys.projectOf(repoKey), Keys.repositoryName(repoKey))));
        return Applied.DONE;
    }
}
