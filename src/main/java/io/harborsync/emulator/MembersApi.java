package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** {@code /projects/{p}/members} (api-notes 5; observations §1): never audited by v2.15.2, by newer Harbors on request. */
final class MembersApi {
    static final Map<Long, String> ROLES = Map.of(1L, "projectAdmin", 2L, "developer", 3L, "guest",
            4L, "maintainer", 5L, "limitedGuest");

    private final EmulatorOptions options;
    private final SiteData site;
    private final AuditLog audit;
    private final Lookup lookup;

    MembersApi(EmulatorOptions options, SiteData site, AuditLog audit, Lookup lookup) {
        this.options = options;
        this.site = site;
        this.audit = audit;
        this.lookup = lookup;
    }

    void routes(Router router) {
        router.add("GET", "projects/{p}/members", (r, p) -> listMembers(r, lookup.project(r, p.get("p"))));
        router.add("POST", "projects/{p}/members", (r, p) -> addMember(r, lookup.project(r, p.get("p")), p.get("p")));
        router.add("GET", "projects/{p}/members/{mid}", (r, p) -> getMember(lookup.project(r, p.get("p")), p.get("mid")));
        router.add("PUT", "projects/{p}/members/{mid}", (r, p) -> updateMember(r, lookup.project(r, p.get("p")), p.get("mid")));
        router.add("DELETE", "projects/{p}/members/{mid}", (r, p) -> deleteMember(r, lookup.project(r, p.get("p")), p.get("mid")));
    }

    SiteData.Member addMemberRow(long projectId, String type, long entityId, String entityName, long role) {
        SiteData.Member m = new SiteData.Member();
        m.id = site.next("member");
        m.projectId = projectId;
        m.entityType = type;
        m.entityId = entityId;
        m.entityName = entityName;
        m.role = role;
        site.members.put(m.id, m);
        return m;
    }

    private ObjectNode memberJson(SiteData.Member m) {
        return Json.obj().put("id", m.id).put("project_id", m.projectId).put("entity_name", m.entityName)
                .put("role_name", ROLES.get(m.role)).put("role_id", m.role).put("entity_id", m.entityId)
                .put("entity_type", m.entityType);
    }

    /**
     * The list joins on the role, so a member with a role id outside Harbor's roles is not listed; X-Total-Count
     * counts every member row of the project, whatever {@code entityname} says and hidden ones included
     * (observations §1, steps mem.list.entity, mem.list.entitypart, mem.list.afterrole9).
     */
    private Response listMembers(Request r, SiteData.Project p) {
        String entity = r.param("entityname");
        List<SiteData.Member> rows = site.members.of(p.id);
        List<SiteData.Member> list = rows.stream().filter(m -> ROLES.containsKey(m.role))
                .filter(m -> entity == null || entity.isEmpty() || m.entityName.equals(entity)).toList();
        return Paging.page(r, list, rows.size(), this::memberJson);
    }

    private Response addMember(Request r, SiteData.Project p, String asGiven) {
        ObjectNode body = Json.requireObject(r.json(), "projectMember");
        Long role = Json.lng(body, "projectMember", "role_id");
        ObjectNode mu = Json.object(body, "projectMember", "member_user");
        ObjectNode mg = Json.object(body, "projectMember", "member_group");
        Long userId = Json.lng(mu, "projectMember.member_user", "user_id");
        String username = Json.str(mu, "projectMember.member_user", "username");
        Long groupId = Json.lng(mg, "projectMember.member_group", "id");
        String groupName = Json.str(mg, "projectMember.member_group", "group_name");
        Long groupType = Json.lng(mg, "projectMember.member_group", "group_type");
        String dn = Json.str(mg, "projectMember.member_group", "ldap_group_dn");
        if (role == null || !ROLES.containsKey(role)) throw ApiError.badRequest("Failed to update project member, role is not in 1,2,3");
        String type;
        long entityId;
        String entityName;
        if (userId != null && userId > 0) {
            SiteData.User u = site.users.get(userId);
            if (u == null) throw ApiError.badRequest("user " + userId + " is not found");
            type = "u"; entityId = u.id; entityName = u.username;
        } else if (groupId != null && groupId > 0) {
            SiteData.Group g = site.groups.get(groupId);
            if (g == null) throw ApiError.badRequest("group " + groupId + " is not found");
            type = "g"; entityId = g.id; entityName = g.name;
        } else if (username != null && !username.isEmpty()) {
            SiteData.User u = site.userByName(username); // db_auth: no onboarding
            if (u == null) throw ApiError.notFound("user " + username + " is not found");
            type = "u"; entityId = u.id; entityName = u.username;
        } else if (dn != null && !dn.isEmpty()) {
            SiteData.Group g = site.groups.values().stream().filter(x -> x.type == 1 && dn.equals(x.ldapDn)).findFirst()
                    .orElseThrow(() -> ApiError.notFound("LDAP group " + dn + " is not found"));
            type = "g"; entityId = g.id; entityName = g.name;
        } else if (groupName != null && !groupName.isEmpty()) {
            int gt = groupType == null ? 0 : groupType.intValue();
            SiteData.Group g = site.groups.values().stream().filter(x -> x.name.equals(groupName) && (gt == 0 || x.type == gt))
                    .findFirst().orElse(null);
            if (g == null && gt == 3) g = addGroupRow(groupName, 3, null); // OIDC groups are auto-created
            if (g == null) throw ApiError.notFound("group " + groupName + " is not found");
            type = "g"; entityId = g.id; entityName = g.name;
        } else {
            // neither a user nor a group: Harbor fails inside (step mem.add.nouser)
            throw new ApiError(500, "UNKNOWN", "internal server error");
        }
        for (SiteData.Member m : site.members.viewOf(p.id)) {
            if (m.entityType.equals(type) && m.entityId == entityId) {
                throw ApiError.conflict("The project member specified already exist");
            }
        }
        SiteData.Member m = addMemberRow(p.id, type, entityId, entityName, role);
        auditMember(r, "create", m, p);
        return Response.created(EmulatorRoutes.BASE + "/projects/" + asGiven + "/members/" + m.id);
    }

    /** Only Harbors newer than v2.15.2 log member changes (src/pkg/auditext/event/member/member.go on main). */
    private void auditMember(Request r, String op, SiteData.Member m, SiteData.Project p) {
        if (!options.memberAuditEvents()) return;
        String what = "u".equals(m.entityType) ? "user" : "group";
        audit.record(r.username(), "member", op, m.entityName, p.id,
                op + " " + what + " member " + m.entityName + " in project " + p.name);
    }

    SiteData.Group addGroupRow(String name, int type, String dn) {
        SiteData.Group g = new SiteData.Group();
        g.id = site.next("group");
        g.name = name;
        g.type = type;
        g.ldapDn = dn;
        site.groups.put(g.id, g);
        return g;
    }

    private SiteData.Member member(SiteData.Project p, String mid) {
        if (!Lookup.isLong(mid)) throw ApiError.unprocessable("mid in path must be of type int64: \"" + mid + "\"");
        SiteData.Member m = site.members.get(Long.parseLong(mid));
        return m != null && m.projectId == p.id ? m : null;
    }

    private Response getMember(SiteData.Project p, String mid) {
        SiteData.Member m = member(p, mid);
        if (m == null || !ROLES.containsKey(m.role)) {
            throw ApiError.notFound("the project member is not found, project id " + p.id + ", member id " + mid);
        }
        return Response.ok(memberJson(m));
    }

    private Response updateMember(Request r, SiteData.Project p, String mid) {
        SiteData.Member m = member(p, mid);
        JsonNode body = r.json();
        Long role = body == null ? null : Json.lng(body, "role", "role_id");
        if (m != null && role != null) m.role = role; // no validation, no existence check (api-notes 5)
        if (m != null) auditMember(r, "update", m, p);
        return Response.empty();
    }

    private Response deleteMember(Request r, SiteData.Project p, String mid) {
        SiteData.Member m = member(p, mid);
        if (m != null) site.members.remove(m.id);
        if (m != null) auditMember(r, "delete", m, p);
        return Response.empty();
    }
}
