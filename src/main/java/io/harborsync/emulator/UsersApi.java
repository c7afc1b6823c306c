package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /users} (sysadmins only; creation audited), {@code /users/current} and {@code /users/search} as a real
 * Harbor v2.15.2 answered them (steps user.list.q, user.create.*, user.current, user.search), the user answer's
 * shape and password rule, and the site's admin account. Handlers run under the site lock ({@link EmulatorRoutes#handle}).
 */
final class UsersApi {
    static final String PASSWORD_RULE = "the password or secret must be 8-128, inclusively, characters long with at"
            + " least 1 uppercase letter, 1 lowercase letter and 1 number";

    private final SiteData site;
    private final AuditLog audit;

    UsersApi(SiteData site, AuditLog audit) {
        this.site = site;
        this.audit = audit;
    }

    void routes(Router router) {
        router.add("GET", "users", (r, p) -> listUsers(r));
        router.add("POST", "users", (r, p) -> createUser(r));
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
        return Paging.page(r, found, u -> Json.obj().put("user_id", u.id).put("username", u.username));
    }

    /** The sysadmin every Harbor is installed with (user id 1). */
    void addAdmin(String username, String password) {
        SiteData.User admin = new SiteData.User();
        admin.id = site.next("user");
        admin.username = username;
        admin.password = password;
        admin.admin = true;
        admin.created = Instant.now();
        admin.realname = "system admin";
        admin.comment = "admin user";
        site.users.put(admin.id, admin);
    }

    private Response listUsers(Request r) {
        if (!r.principal.admin()) throw ApiError.forbidden("forbidden");
        String name = null;
        for (Map.Entry<String, String> t : r.qTerms()) if (t.getKey().equals("username")) name = t.getValue();
        String n = name;
        List<SiteData.User> list = site.users.values().stream().filter(u -> n == null
                || Request.termMatches(n, u.username)).toList();
        return Paging.page(r, list, UsersApi::userJson);
    }

    private Response createUser(Request r) {
        if (!r.principal.admin()) throw ApiError.forbidden("forbidden");
        ObjectNode body = Json.requireObject(r.json(), "userReq");
        String username = Json.str(body, "userReq", "username");
        String password = Json.str(body, "userReq", "password");
        UsersApi.requireValidPassword(password); // before anything else (steps user.create.weakpw, user.create.nopw)
        if (username == null || username.isEmpty()) throw ApiError.badRequest("username is required");
        String email = Json.textOr(body, "email");
        if (site.userByName(username) != null
                || !email.isEmpty() && site.users.values().stream().anyMatch(u -> u.email.equals(email))) {
            throw ApiError.conflict("user " + username + " or email " + email + " already exists"); // user.create.dup
        }
        SiteData.User u = addUserRow(username, password);
        u.email = email;
        u.realname = Json.textOr(body, "realname");
        u.comment = Json.textOr(body, "comment");
        audit.record(r.username(), "user", "create", username, 0, "create user with name: " + username); // COMMON_API resolver; §10
        return Response.created(EmulatorRoutes.BASE + "/users/" + u.id);
    }

    SiteData.User addUserRow(String username, String password) {
        SiteData.User u = new SiteData.User();
        u.id = site.next("user");
        u.username = username;
        u.password = password;
        u.created = Instant.now();
        site.users.put(u.id, u);
        return u;
    }
}
