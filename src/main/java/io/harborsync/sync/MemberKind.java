package io.harborsync.sync;

import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.harbor.HarborModel.Member;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.Project;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.harbor.HarborModel.UserGroup;
import io.harborsync.sync.Decision.Op;
import io.harborsync.sync.Values.MemberValue;
import io.harborsync.sync.Values.Value;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Project members, users and groups, with their role. Keyed by project, entity type and name ({@link Keys#member});
 * the membership's id is per site. A user who never logged in on a site cannot be added there yet: deferred.
 */
final class MemberKind implements MirroredKind {
    static final String MEMBER_ID = "member";
    /** Harbor's audit rows for members name the project only in their description. */
    private static final Pattern IN_PROJECT = Pattern.compile("in project ([a-z0-9._-]+)");

    @Override
    public Kind kind() {
        return Kind.MEMBER;
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
        return 2;
    }

    @Override
    public Class<? extends Value> valueType() {
        return MemberValue.class;
    }

    @Override
    public void readUnder(SiteRead site, String project, Object parent) {
        Project p = (Project) parent;
        if (p.projectId() != null && site.unchanged(Kind.MEMBER, project, String.valueOf(p.projectId()))) {
            return; // the site's audit log shows no member change since the sites agreed: filed from the base
        }
        for (Member m : site.client().members().list(p.name())) {
            String key = Keys.member(project, m.entityName(), m.isGroup());
            site.put(Kind.MEMBER, key, new MemberValue(m.roleId()));
            site.id(MEMBER_ID, key, m.id());
        }
    }

    @Override
    public Optional<String> projectHintedBy(AuditLogExt row) {
        if (!"member".equals(row.resourceType())) {
            return Optional.empty();
        }
        Matcher m = IN_PROJECT.matcher(row.operationDescription() == null ? "" : row.operationDescription());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public Applied apply(Op op, ApplyContext ctx) {
        HarborClient c = ctx.client();
        String project = Keys.projectOf(op.key());
        String name = Keys.memberName(op.key());
        boolean group = Keys.memberIsGroup(op.key());
        Optional<Long> knownId = ctx.id(MEMBER_ID, op.key());
        switch (op.type()) {
            case CREATE -> {
                int role = ((MemberValue) op.value()).roleId();
                MemberReq req = group
                        ? new MemberReq(role, null, new UserGroup(null, name, ctx.settings().groupType(), null))
                        : new MemberReq(role, new UserEntity(null, name), null);
                try {
                    ctx.write(OwnWrites.Resource.MEMBER, op.key(), OwnWrites.Action.CREATE, () -> c.members().add(project, req));
                } catch (HarborException.NotFound e) {
                    if (!c.projects().exists(project)) {
                        throw e; // the project is missing, not the user: a failure to report
                    }
                    return Applied.DEFERRED;
                } catch (HarborException.Conflict already) {
                    // e.g. the creator, whom Harbor adds to every project it creates: just set the role
                    long id = c.members().find(project, name, group).orElseThrow(() -> already).id();
                    ctx.write(OwnWrites.Resource.MEMBER, op.key(), OwnWrites.Action.UPDATE,
                            () -> c.members().updateRole(project, id, role));
                }
            }
            case UPDATE -> {
                long id = knownId.orElseGet(() -> c.members().find(project, name, group).orElseThrow(() ->
                        HarborException.of(c.site(), "update member " + name, 404, "NOT_FOUND", "member vanished")).id());
                // The role is read back by id: a membership removed meanwhile is a 404 there, not a silent success.
                ctx.write(OwnWrites.Resource.MEMBER, op.key(), OwnWrites.Action.UPDATE,
                        () -> c.members().updateRole(project, id, ((MemberValue) op.value()).roleId()));
            }
            case DELETE -> {
                Optional<Long> id = knownId.isPresent() ? knownId : c.members().find(project, name, group).map(Member::id);
                // idempotent on Harbor: 200 whether or not it was still there
                id.ifPresent(m -> ctx.write(OwnWrites.Resource.MEMBER, op.key(), OwnWrites.Action.DELETE,
                        () -> c.members().remove(project, m)));
            }
            default -> throw new IllegalStateException(op.type() + " is not an operation on members");
        }
        return Applied.DONE;
    }
}
