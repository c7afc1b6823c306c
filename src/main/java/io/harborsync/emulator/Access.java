package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Who the caller is and which project it may see, as Harbor's security context and its handlers' project checks
 * decide (api-notes 1, 9; observations §2). The route-level rules are {@link RoutePermissions}; these are the checks
 * a handler makes on the project it resolved.
 */
final class Access {
    private final SiteData site;

    Access(SiteData site) {
        this.site = site;
    }

    /**
     * Basic auth: robots by their prefixed name and secret, users by password (api-notes 9); else the user of the
     * request's live login session (Harbor's security generators try Basic first, then the session). Bad
     * credentials = anonymous.
     */
    Principal authenticate(Request r) {
        Principal basic = basic(r);
        if (basic != null) return basic;
        if (r.sessionUser == null) return null;
        SiteData.User u = site.userByName(r.sessionUser);
        return u == null ? null : new Principal(u.username, u.admin, u.id, 0);
    }

    private Principal basic(Request r) {
        String auth = r.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return null;
        String user = decoded.substring(0, colon), pass = decoded.substring(colon + 1);
        if (user.startsWith("robot$")) {
            SiteData.Robot robot = site.robotByName(user);
            if (robot == null || !robot.secret.equals(pass) || robot.disable) return null;
            if (robot.expiresAt > 0 && robot.expiresAt < Instant.now().getEpochSecond()) return null;
            return new Principal(robot.name, false, 0, robot.id);
        }
        SiteData.User u = site.userByName(user);
        if (u == null || u.password == null || !u.password.equals(pass)) return null;
        return new Principal(u.username, u.admin, u.id, 0);
    }

    /** Registries and replication: sysadmins and robots (whose permissions RoutePermissions has checked) only. */
    static void requireSysadminOrRobot(Request r) {
        if (!r.principal.admin() && !r.principal.isRobot()) throw ApiError.forbidden("forbidden");
    }

    /**
     * The project a handler resolved, if the caller may see it: a missing project is 404 for a sysadmin, 401 for
     * anonymous (as is a private one) and 403 for robots and other users, as is one they are no member of.
     */
    SiteData.Project check(Request r, SiteData.Project p, String asGiven) {
        Principal who = r.principal;
        if (who.admin()) {
            if (p == null) throw ApiError.notFound("project " + asGiven + " not found");
            return p;
        }
        if (who.isAnonymous()) {
            // RoutePermissions let anonymous through only where a public project may be read (auth.none.getpublic)
            if (p == null || !"true".equals(p.metadata.get("public"))) throw ApiError.unauthorized();
            return p;
        }
        if (p == null || !canAccess(who, p)) throw ApiError.forbidden("forbidden");
        return p;
    }

    /** A robot by its level or project namespaces, a user by membership (groups are not followed). */
    boolean canAccess(Principal who, SiteData.Project p) {
        if (who.isRobot()) {
            SiteData.Robot robot = site.robots.get(who.robotId());
            if (robot.level.equals("project")) return robot.projectId == p.id;
            for (JsonNode perm : robot.permissions) {
                String ns = perm.path("namespace").asText();
                if (perm.path("kind").asText().equals("project") && (ns.equals("*") || ns.equals(p.name))) return true;
            }
            return false;
        }
        for (SiteData.Member m : site.members.viewOf(p.id)) {
            if (m.entityType.equals("u") && m.entityId == who.userId()) return true;
        }
        return false;
    }
}
