package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.time.Instant;
import java.util.List;

/** {@code /ping}, {@code /health} and {@code /systeminfo} as Harbor v2.15.2 answers them (steps sys.*). */
final class SystemApi {
    private final EmulatorOptions options;

    SystemApi(EmulatorOptions options) {
        this.options = options;
    }

    void routes(Router router) {
        router.add("GET", "ping", (r, p) -> Response.ok(TextNode.valueOf("Pong"))); // a JSON string, not the spec's text/plain (step sys.ping)
        router.add("GET", "health", (r, p) -> health());
        router.add("GET", "systeminfo", (r, p) -> systemInfo(r));
    }

    private Response health() {
        ObjectNode root = Json.obj().put("status", "healthy");
        ArrayNode comps = root.putArray("components");
        for (String c : List.of("core", "database", "jobservice", "portal", "redis", "registry", "registryctl")) {
            comps.addObject().put("name", c).put("status", "healthy");
        }
        return Response.ok(root);
    }

    /** The version /systeminfo shows logged-in callers (a test may make the site an older Harbor). */
    volatile String version = "v2.15.2-emulator";

    private Response systemInfo(Request r) {
        ObjectNode o = Json.obj().put("auth_mode", "db_auth").put("primary_auth_mode", false)
                .put("self_registration", false).put("banner_message", "").put("oidc_provider_name", "");
        if (!r.principal.isAnonymous()) { // sys.systeminfo.anon, auth.wrongpw.sysinfo: no version for anonymous
            o.put("harbor_version", version).put("external_url", "https://" + options.externalHost())
                    .put("registry_url", options.externalHost()).put("current_time", Json.time(Instant.now()))
                    .put("read_only", false).put("notification_enable", true)
                    .put("project_creation_restriction", "everyone").put("has_ca_root", false)
                    .put("registry_storage_provider_name", "filesystem");
        }
        return Response.ok(o);
    }
}
