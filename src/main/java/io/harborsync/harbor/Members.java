package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.Member;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.RoleRequest;

import java.util.List;
import java.util.Optional;

import static io.harborsync.harbor.HarborTransport.BY_NAME;

/**
 * A project's members ({@code HarborClient.members()}). Harbor stores any role id and the member then vanishes
 * from listings (api-notes §5), so a role outside Harbor's roles 1..5 is refused before sending.
 */
public final class Members {
    private final HarborTransport t;

    Members(HarborTransport transport) {
        this.t = transport;
    }

    /**
     * Every member Harbor lists. Its X-Total-Count also counts the members it hides (a role id outside its
     * roles), so the count is no measure of the listing here (observations §1, step mem.list.afterrole9).
     */
    public List<Member> list(String project) {
        return t.listUpToTotal("list members of " + project,
                (api, page, size) -> api.listMembers(BY_NAME, project, page, size, null));
    }

    /**
     * Members by exact entity name; users and groups may share a name, so the type decides. Harbor answers the
     * filtered rows with the count of every member of the project (observations §1, step mem.list.entity).
     */
    public Optional<Member> find(String project, String entityName, boolean group) {
        List<Member> found = t.listUpToTotal("find member " + entityName + " of " + project,
                (api, page, size) -> api.listMembers(BY_NAME, project, page, size, entityName));
        return found.stream()
                .filter(m -> entityName.equals(m.entityName()) && m.isGroup() == group)
                .findFirst();
    }

    /** Adds a user or group member; 404 means the peer does not know that user or group (yet). */
    public long add(String project, MemberReq req) {
        String op = "add member to " + project;
        checkRole(req.roleId(), op);
        return t.create(op, api -> api.addMember(BY_NAME, project, req));
    }

    /**
     * Harbor answers 200 for a member id it does not know: callers pass the id from their own listing of the site,
     * so that only happens when the member was removed meanwhile, which the next read sees as that removal.
     */
    public void updateRole(String project, long memberId, int roleId) {
        String op = "update role of member " + memberId + " in " + project;
        checkRole(roleId, op);
        t.run(op, api -> api.updateMember(BY_NAME, project, memberId, new RoleRequest(roleId)));
    }

    /** Idempotent: 200 whether or not the member was still there, and either way it is gone. */
    public void remove(String project, long memberId) {
        t.run("remove member " + memberId + " from " + project, api -> api.deleteMember(BY_NAME, project, memberId));
    }

    private void checkRole(Integer roleId, String op) {
        if (roleId == null || roleId < 1 || roleId > 5) {
            throw t.refused(op, 400, "BAD_REQUEST", "role id must be 1..5, got " + roleId);
        }
    }
}
