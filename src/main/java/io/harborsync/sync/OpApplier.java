package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.Artifact;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.CveItem;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.harbor.HarborModel.UserGroup;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.ArtifactValue;
import io.harborsync.sync.Values.MemberValue;
import io.harborsync.sync.Values.ProjectValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one decided operation into Harbor calls on its site. Ids are looked up there, by name. Every write whose
 * trace Harbor leaves in its audit log or sends as a webhook is recorded in {@link OwnWrites} before it is sent,
 * so that the event worker and the audit-log tail know it as the daemon's own.
 */
final class OpApplier {
    enum Outcome { APPLIED, UNRESOLVABLE }

    private final Map<String, HarborClient> clients;
    private final SyncSettings settings;
    private final OwnWrites journal;

    OpApplier(Map<String, HarborClient> clients, SyncSettings settings, OwnWrites journal) {
        this.clients = clients;
        this.settings = settings;
        this.journal = journal;
    }

    /** @param live what this run read: ids of memberships, so that changing one needs no lookup first */
    Outcome apply(Op op, LiveState live) {
        HarborClient c = clients.get(op.site());
        switch (op.kind()) {
            case PROJECT -> project(c, op, live.quotaId(op.site(), op.key()));
            case MEMBER -> {
                return member(c, op, live.memberId(op.site(), op.key()));
            }
            case REPOSITORY -> ignoreNotFound(() -> deleteRepository(c, op.key(), live));
            case ARTIFACT -> artifact(c, op);
        }
        return Outcome.APPLIED;
    }

    private void project(HarborClient c, Op op, Optional<Long> quotaId) {
        String name = op.key();
        switch (op.type()) {
            case CREATE -> {
                ProjectValue v = (ProjectValue) op.value();
                Map<String, String> meta = new HashMap<>(v.metadata());
                meta.put("public", Boolean.toString(v.isPublic()));
                Long registryId = null;
                if (v.proxyCacheRegistry() != null) {
                    registryId = c.registries().list().stream().filter(r -> v.proxyCacheRegistry().equals(r.name()))
                            .findFirst().map(io.harborsync.harbor.HarborModel.Registry::id)
                            .orElseThrow(() -> HarborException.of(c.site(), "create proxy-cache project " + name, 404,
                                    "NOT_FOUND", "no registry endpoint named " + v.proxyCacheRegistry()));
                }
                Long registry = registryId;
                write(c, OwnWrites.Resource.PROJECT, name, OwnWrites.Action.CREATE, () -> c.projects().create(
                        new ProjectReq(name, v.isPublic(), meta, allowlist(v), v.storageLimit(), registry)));
                Project created = c.projects().get(name);
                Optional<io.harborsync.harbor.HarborModel.Quota> q = c.quotas().ofProject(created.projectId());
                Long quota = q.map(io.harborsync.harbor.HarborModel.Quota::hardStorage).orElse(null);
                if (v.storageLimit() != null && !v.storageLimit().equals(quota)) {
                    // only sysadmins' storage_limit is honoured on create
                    c.quotas().setStorageLimit(name, v.storageLimit(),
                            q.map(io.harborsync.harbor.HarborModel.Quota::id));
                }
                ensureWebhookPolicy(c, name);
            }
            case UPDATE -> {
                ProjectValue from = (ProjectValue) op.from();
                ProjectValue to = (ProjectValue) op.value();
                if (!Objects.equals(from.proxyCacheRegistry(), to.proxyCacheRegistry())) {
                    throw HarborException.of(c.site(), "update project " + name, 400, "BAD_REQUEST",
                            "Harbor cannot change whether or where a project proxies: recreate it by hand");
                }
                Map<String, String> set = new HashMap<>();
                to.metadata().forEach((k, val) -> {
                    if (!val.equals(from.metadata().get(k))) {
                        set.put(k, val);
                    }
                });
                if (from.isPublic() != to.isPublic()) {
                    set.put("public", Boolean.toString(to.isPublic()));
                }
                boolean allowlistChanged = !from.cveIds().equals(to.cveIds())
                        || !Objects.equals(from.cveExpiresAt(), to.cveExpiresAt());
                // metadata and allowlist travel in one project PUT: one request for the project's settings
                if (!set.isEmpty() || allowlistChanged) {
                    // no audit row on v2.15.2; newer Harbors log project updates
                    write(c, OwnWrites.Resource.PROJECT, name, OwnWrites.Action.UPDATE, () ->
                            c.projects().updateSettings(name, set, allowlistChanged ? allowlist(to) : null));
                }
                for (String k : from.metadata().keySet()) {
                    if (!to.metadata().containsKey(k)) {
                        c.projects().removeMetadata(name, k);
                    }
                }
                if (to.storageLimit() != null && !to.storageLimit().equals(from.storageLimit())) {
                    c.quotas().setStorageLimit(name, to.storageLimit(), quotaId);
                }
            }
            case DELETE -> ignoreNotFound(() -> write(c, OwnWrites.Resource.PROJECT, name, OwnWrites.Action.DELETE,
                    () -> c.projects().delete(name)));
        }
    }

    private static CveAllowlist allowlist(ProjectValue v) {
        return CveAllowlist.portable(v.cveExpiresAt(), v.cveIds().stream().map(CveItem::new).toList());
    }

    private Outcome member(HarborClient c, Op op, Optional<Long> knownId) {
        String project = Keys.projectOf(op.key());
        String name = Keys.memberName(op.key());
        boolean group = Keys.memberIsGroup(op.key());
        switch (op.type()) {
            case CREATE -> {
                int role = ((MemberValue) op.value()).roleId();
                MemberReq req = group
                        ? new MemberReq(role, null, new UserGroup(null, name, settings.groupType(), null))
                        : new MemberReq(role, new UserEntity(null, name), null);
                try {
                    write(c, OwnWrites.Resource.MEMBER, op.key(), OwnWrites.Action.CREATE,
                            () -> c.members().add(project, req));
                } catch (HarborException.NotFound e) {
                    if (!c.projects().exists(project)) {
                        throw e; // the project is missing, not the user: a failure to report
                    }
                    return Outcome.UNRESOLVABLE;
                } catch (HarborException.Conflict already) {
                    // e.g. the creator, whom Harbor adds to every project it creates: just set the role
                    long id = c.members().find(project, name, group).orElseThrow(() -> already).id();
                    write(c, OwnWrites.Resource.MEMBER, op.key(), OwnWrites.Action.UPDATE,
                            () -> c.members().updateRole(project, id, role));
                }
            }
            case UPDATE -> {
                long id = knownId.orElseGet(() -> c.members().find(project, name, group).orElseThrow(() ->
                        HarborException.of(c.site(), "update member " + name, 404, "NOT_FOUND", "member vanished")).id());
                // The role is read back by id: a membership removed meanwhile is a 404 there, not a silent success.
                write(c, OwnWrites.Resource.MEMBER, op.key(), OwnWrites.Action.UPDATE,
                        () -> c.members().updateRole(project, id, ((MemberValue) op.value()).roleId()));
            }
            case DELETE -> {
                Optional<Long> id = knownId.isPresent() ? knownId
                        : c.members().find(project, name, group).map(io.harborsync.harbor.HarborModel.Member::id);
                id.ifPresent(m -> removeMember(c, op.key(), m));
            }
        }
        return Outcome.APPLIED;
    }

    private void artifact(HarborClient c, Op op) {
        String project = Keys.projectOf(op.key());
        String repo = Keys.repositoryName(op.key());
        String digest = Keys.digest(op.key());
        switch (op.type()) {
            case DELETE -> ignoreNotFound(() -> write(c, OwnWrites.Resource.ARTIFACT, op.key(), OwnWrites.Action.DELETE,
                    () -> c.artifacts().delete(project, repo, digest)));
            case UPDATE -> {
                Set<String> want = ((ArtifactValue) op.value()).tags();
                Set<String> have = new TreeSet<>(c.artifacts().find(project, repo, digest).orElseThrow(() ->
                        HarborException.of(c.site(), "retag " + op.key(), 404, "NOT_FOUND", "artifact vanished"))
                        .tagNames());
                // Removals first: a tag that moves to another artifact of the repository must be free there first.
                for (String t : have) {
                    if (!want.contains(t)) {
                        ignoreNotFound(() -> write(c, OwnWrites.Resource.TAG, OwnWrites.tagKey(project, repo, t),
                                OwnWrites.Action.DELETE, () -> c.artifacts().deleteTag(project, repo, digest, t)));
                    }
                }
                for (String t : want) {
                    if (!have.contains(t)) {
                        addTag(c, project, repo, digest, t);
                    }
                }
            }
            case CREATE -> throw new IllegalStateException("artifacts are copied by replication, not by harbor-sync");
        }
    }

    /**
     * Harbor keeps a tag unique in its repository and answers 409 to adding one that another artifact carries
     * (observations §1, step tag.create.other), where a push would move it. The artifact that carries it now is
     * the one whose own update (later in this run, or already failed) takes it off: the tag is taken off there
     * first and added here again. Should the add then fail, the tag is on neither artifact and this key's base
     * does not move, so the next reconcile adds it again from the sites that have it here.
     */
    private void addTag(HarborClient c, String project, String repo, String digest, String tag) {
        String tagKey = OwnWrites.tagKey(project, repo, tag);
        try {
            write(c, OwnWrites.Resource.TAG, tagKey, OwnWrites.Action.CREATE,
                    () -> c.artifacts().addTag(project, repo, digest, tag));
        } catch (HarborException.Conflict onAnother) {
            Optional<Artifact> holder = c.artifacts().find(project, repo, tag);
            if (holder.isPresent() && digest.equals(holder.get().digest())) {
                return; // put here meanwhile: the goal state
            }
            if (holder.isPresent()) {
                String from = holder.get().digest();
                ignoreNotFound(() -> write(c, OwnWrites.Resource.TAG, tagKey, OwnWrites.Action.DELETE,
                        () -> c.artifacts().deleteTag(project, repo, from, tag)));
            }
            write(c, OwnWrites.Resource.TAG, tagKey, OwnWrites.Action.CREATE,
                    () -> c.artifacts().addTag(project, repo, digest, tag));
        }
    }

    /** Removes a membership by its id (idempotent on Harbor: 200 whether or not it was still there). */
    void removeMember(HarborClient c, String memberKey, long memberId) {
        write(c, OwnWrites.Resource.MEMBER, memberKey, OwnWrites.Action.DELETE,
                () -> c.members().remove(Keys.projectOf(memberKey), memberId));
    }

    /**
     * A repository goes with its artifacts: Harbor logs the repository and each artifact, and sends a deletion
     * webhook for each. The artifacts expected are those this run read on the site, but for those already
     * expected (deleted one by one before their repository, as the reconciler does).
     */
    private void deleteRepository(HarborClient c, String repoKey, LiveState live) {
        List<OwnWrites.Write> writes = new ArrayList<>();
        writes.add(new OwnWrites.Write(c.site(), OwnWrites.Resource.REPOSITORY, repoKey, OwnWrites.Action.DELETE));
        String prefix = repoKey + "@";
        Map<String, Map<String, Values.Value>> artifacts = live.values.get(Kind.ARTIFACT);
        (artifacts instanceof java.util.NavigableMap<String, Map<String, Values.Value>> sorted
                ? sorted.tailMap(prefix, true) : artifacts).entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .filter(e -> e.getValue().containsKey(c.site()))
                .map(e -> new OwnWrites.Write(c.site(), OwnWrites.Resource.ARTIFACT, e.getKey(), OwnWrites.Action.DELETE))
                .filter(w -> !journal.expecting(w))
                .forEach(writes::add);
        sent(journal.expect(writes),
                () -> c.repositories().delete(Keys.projectOf(repoKey), Keys.repositoryName(repoKey)));
    }

    /** Sends one write, recorded in the journal first (Harbor may deliver its webhook before it answers). */
    private void write(HarborClient c, OwnWrites.Resource resource, String key, OwnWrites.Action action,
                       Runnable request) {
        sent(journal.expect(new OwnWrites.Write(c.site(), resource, key, action)), request);
    }

    /**
     * Withdraws the journal's entries when Harbor's answer says the write had no effect. A timeout or a server
     * error leaves them: the write may have been done, and an entry nobody consumes only expires.
     */
    private static void sent(OwnWrites.Pending pending, Runnable request) {
        try {
            request.run();
        } catch (HarborException e) {
            if (!(e instanceof HarborException.ServerError) && !(e instanceof HarborException.Unreachable)) {
                pending.cancel();
            }
            throw e;
        } catch (RuntimeException e) {
            pending.cancel();
            throw e;
        }
    }

    /** Every project needs its own webhook policy pointing at the daemon (Harbor has no system-wide one). */
    void ensureWebhookPolicy(HarborClient c, String project) {
        settings.webhookUrl().ifPresent(url ->
                WebhookPolicies.ensure(c, project, url, settings.webhookSecrets().get(c.site()), false));
    }

    private static void ignoreNotFound(Runnable r) {
        try {
            r.run();
        } catch (HarborException.NotFound alreadyGone) {
            // the goal state
        }
    }
}
