package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code /users/current} and {@code /users/search} as a real Harbor v2.15.2 answered them (steps user.current,
 * user.search), and the user answer's shape and password rule that {@code /users} shares with them
 * (steps user.list.q, user.create.weakpw). Handlers run under the site lock ({@link EmulatorRoutes#handle}).
 */
final class UsersApi {
    static final String PASSWORD_RULE = "the password or secret must be 8-128, inclusively, characters long with at"
            + " least 1 uppercase letter, 1 lowercase letter and 1 number";

    private final SiteData site;

    UsersApi(SiteData site) {
        this.site = site;
    }

    void routes(Router router) {
        router.add("GET", "users/current", (r, p) -> current(r));
        router.add("GET", "users/search", (r, p) -> search(r));
    }

    /** UserResp: empty strings are left out (Go omitempty: user.list.q shows no {@code comment} for a user without one). */
    static ObjectNode userJson(SiteData.User u) {
        ObjectNode o = Json.obj().put("admin_role_in_auth", false);
        if (!u.comment.isEmpty()) o.put("comment", u.comment);
        o.put("creation_time", Json.time(u.created));
        if (!u.email.isEmpty()) o.put("email", u.email);
        if (!u.realname.isEmpty()) o.put("realname", u.realname);
        return o.put("sysadmin_flag", u.admin).put("update_time", Json.time(u.created)).put("user_id", u.id)
                .put("username", u.username);
    }

    /** Harbor's requireValidSecret, checked first on POST /users; a missing password fails it too (user.create.nopw). */
    static void requireValidPassword(String password) {
        if (password == null || !RobotsApi.validSecret(password)) throw ApiError.badRequest(PASSWORD_RULE);
    }

    /**
     * The logged-in user; a robot has no user behind it: Harbor answers 412 for any security context but the local
     * one (its GetCurrentUserInfo). Anonymous callers never get here (401 in {@link EmulatorRoutes#handle}).
     */
    private Response current(Request r) {
        if (r.principal.isRobot()) {
            throw ApiError.precondition("get current user not available for security context: robot");
        }
        return Response.ok(userJson(site.users.get(r.principal.userId())));
    }

    /** Any logged-in caller; {@code username} is a fuzzy match; items carry only id and name (step user.search). */
    private Response search(Request r) {
        String name = r.param("username");
        if (name == null) throw ApiError.unprocessable("validation failure list:\nusername in query is required"); // go-swagger
        List<SiteData.User> found = site.users.values().stream().filter(u -> u.username.contains(name)).toList();
        return EmulatorRoutes.page(r, found, u -> Json.obj().put("user_id", u.id).put("username", u.username));
    }
}
