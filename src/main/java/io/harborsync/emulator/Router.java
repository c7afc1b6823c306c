package io.harborsync.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches already-decoded path segments against patterns like {@code projects/{p}/members/{mid}}.
 * The path was split before it was decoded, so a single-encoded "app%2Fweb" and a double-encoded "app%252Fweb"
 * are both one segment; the repository handlers unescape it once more, which resolves both as real Harbor
 * does (observations §2, steps repo.get.nested1, repo.get.nested2).
 */
final class Router {
    interface Handler {
        Response handle(Request r, Map<String, String> p);
    }

    /** Runs after routing and before the handler, as Harbor's handlers check access first (RoutePermissions). */
    interface Guard {
        void check(Request r, String method, String template, Map<String, String> p);
    }

    private record Route(String method, String template, String[] pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    void add(String method, String pattern, Handler h) {
        routes.add(new Route(method, pattern, pattern.split("/", -1), h));
    }

    /** "METHOD template" of every registered route, in registration order. */
    List<String> keys() {
        return routes.stream().map(rt -> rt.method + " " + rt.template).toList();
    }

    Response dispatch(Request r, List<String> segments) {
        return dispatch(r, segments, (req, method, template, p) -> { });
    }

    Response dispatch(Request r, List<String> segments, Guard guard) {
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> params = match(route.pattern, segments);
            if (params == null) continue;
            if (route.method.equals(r.method)) {
                guard.check(r, route.method, route.template, params);
                return route.handler.handle(r, params);
            }
            pathKnown = true;
        }
        if (pathKnown) throw new ApiError(405, "METHOD_NOT_ALLOWED", "method " + r.method + " is not allowed");
        throw ApiError.notFound("path " + r.path + " was not found");
    }

    private static Map<String, String> match(String[] pattern, List<String> segs) {
        if (pattern.length != segs.size()) return null;
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            String s = segs.get(i);
            if (p.startsWith("{") && p.endsWith("}")) {
                if (s.isEmpty()) return null;
                params.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return null;
            }
        }
        return params;
    }
}
