package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.web.AdminToken;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code harbor-sync proxy status|switch <site>}: asks a running daemon (its admin API) which site
 * core.harbor.domain points at, or switches it. The daemon is the one that knows and logs the switch;
 * this command only talks to it.
 */
@Command(name = "proxy", description = "Shows or switches the active site behind core.harbor.domain (via a running daemon).",
        mixinStandardHelpOptions = true, subcommands = {ProxyCommand.Status.class, ProxyCommand.Switch.class})
public class ProxyCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the daemon is and how to authenticate. */
    public static class Daemon {
        @Option(names = "--url", defaultValue = "http://localhost:8080",
                description = "The daemon's base URL (default: ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--token", description = "Admin token (default: HARBOR_SYNC_ADMIN_TOKEN / harbor-sync.admin-token,"
                + " else the file <harbor-sync.store.path>/admin-token a demo daemon writes).")
        String token;

        Optional<String> token() {
            var config = ConfigProvider.getConfig();
            return resolveToken(Optional.ofNullable(token), config.getOptionalValue("harbor-sync.admin-token", String.class),
                    Path.of(config.getOptionalValue("harbor-sync.store.path", String.class).orElse("./data")));
        }
    }

    /** --token, else the configured token (the environment included), else the demo daemon's token file. */
    static Optional<String> resolveToken(Optional<String> option, Optional<String> configured, Path storeDir) {
        Optional<String> t = option.or(() -> configured).map(String::strip).filter(s -> !s.isEmpty());
        if (t.isPresent()) {
            return t;
        }
        Path file = storeDir.resolve(AdminToken.FILE_NAME);
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A failure already explained to the user. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    static JsonNode call(Daemon d, String method, String path, String body) throws Failed {
        String token = d.token().orElseThrow(() -> new Failed("no admin token: pass --token, set"
                + " HARBOR_SYNC_ADMIN_TOKEN, or run where <harbor-sync.store.path>/admin-token is readable"));
        URI uri;
        try {
            uri = URI.create(d.url.replaceAll("/+$", "") + path);
        } catch (IllegalArgumentException e) {
            throw new Failed("--url '" + d.url + "' is not a URL");
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        req = body == null ? req.GET() : req.method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        HttpResponse<String> r;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Failed("cannot reach the harbor-sync daemon at " + d.url + " (is it running? --url)");
        } catch (IOException e) {
            throw new Failed("talking to the harbor-sync daemon at " + d.url + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        } catch (IllegalArgumentException e) {
            throw new Failed("--url '" + d.url + "' is not an http(s) URL");
        }
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            json = null;
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new Failed("the daemon at " + d.url + " refused the admin token (HTTP " + r.statusCode() + ")");
        }
        if (r.statusCode() != 200 || json == null) {
            String detail = json != null && json.hasNonNull("detail") ? json.get("detail").asText() : "no details";
            throw new Failed("the daemon answered HTTP " + r.statusCode() + ": " + detail);
        }
        return json;
    }

    static void print(PrintWriter out, JsonNode state) {
        out.printf("active site: %s%n", state.path("active").asText());
        StringBuilder sites = new StringBuilder();
        state.path("sites").forEach(s -> sites.append(sites.isEmpty() ? "" : ", ").append(s.asText()));
        out.printf("sites:       %s%n", sites);
        out.printf("backend:     %s%s%n", state.path("backend").asText(),
                state.hasNonNull("object") ? " (" + state.get("object").asText() + ")" : "");
        JsonNode f = state.path("failover");
        out.printf("failover:    %s%n", !f.path("enabled").asBoolean() ? "off"
                : "on (after " + f.path("threshold").asInt() + " failed checks, min-dwell " + f.path("minDwell").asText()
                + ", failback " + (f.path("failback").asBoolean() ? "on" : "off") + ")");
        JsonNode switches = state.path("lastSwitches");
        if (switches.isEmpty()) {
            out.println("no switches since the daemon started");
        } else {
            out.println("last switches:");
            switches.forEach(s -> out.printf("  %s  %s -> %s  %s  (%s)%n", s.path("at").asText(), s.path("from").asText(),
                    s.path("to").asText(), s.path("reason").asText(), s.path("by").asText()));
        }
        out.flush();
    }

    @Command(name = "status", description = "Shows the active site, the sites, and the last switches.",
            mixinStandardHelpOptions = true)
    static class Status implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Daemon daemon;

        @Override
        public Integer call() {
            try {
                print(spec.commandLine().getOut(), ProxyCommand.call(daemon, "GET", "/proxy", null));
                return 0;
            } catch (Failed e) {
                spec.commandLine().getErr().println("harbor-sync proxy status: " + e.getMessage());
                return Cli.FAILED;
            }
        }
    }

    @Command(name = "switch", description = "Points core.harbor.domain at the site (a manual failover).",
            mixinStandardHelpOptions = true)
    static class Switch implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Daemon daemon;
        @Parameters(index = "0", paramLabel = "SITE", description = "The site to make active, e.g. h2.")
        String site;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                String before = ProxyCommand.call(daemon, "GET", "/proxy", null).path("active").asText();
                JsonNode after = ProxyCommand.call(daemon, "PUT", "/proxy/active", JSON.writeValueAsString(Map.of("site", site)));
                String now = after.path("active").asText();
                out.println(now.equals(before) ? site + " was already the active site"
                        : "switched: the active site is now " + now + " (was " + before + ")");
                print(out, after);
                return 0;
            } catch (Failed e) {
                spec.commandLine().getErr().println("harbor-sync proxy switch: " + e.getMessage());
                return Cli.FAILED;
            } catch (IOException e) {
                spec.commandLine().getErr().println("harbor-sync proxy switch: " + e.getMessage());
                return Cli.FAILED;
            }
        }
    }
}
