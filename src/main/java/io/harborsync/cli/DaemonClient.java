package io.harborsync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harborsync.web.AdminToken;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The commands' way to a running daemon's admin API (a picocli mixin): where it is ({@code --url}), the admin
 * token ({@code --token}, else HARBOR_SYNC_ADMIN_TOKEN / harbor-sync.admin-token, else the file a demo daemon
 * writes), and how to print its answers ({@code --output table|json}). Every failure becomes a {@link Failed}
 * with a message for the operator; the token never appears in one.
 */
public class DaemonClient {
    static final ObjectMapper JSON = new ObjectMapper();

    public enum Output { table, json }

    @Option(names = "--url", defaultValue = "http://localhost:8080",
            description = "The daemon's base URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", description = "Admin token (default: HARBOR_SYNC_ADMIN_TOKEN / harbor-sync.admin-token,"
            + " else the file <harbor-sync.store.path>/admin-token a demo daemon writes).")
    String token;

    @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table (readable, default) or json (the API's answer, pretty-printed).")
    Output output;

    /** A failure already explained to the user. */
    public static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    boolean json() {
        return output == Output.json;
    }

    Optional<String> token() {
        var config = ConfigProvider.getConfig();
        return resolveToken(Optional.ofNullable(token), config.getOptionalValue("harbor-sync.admin-token", String.class),
                Path.of(config.getOptionalValue("harbor-sync.store.path", String.class).orElse("./data")));
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

    JsonNode get(String path) throws Failed {
        return call("GET", path, null, Duration.ofSeconds(30));
    }

    /**
     * One admin call; the answer's JSON when it is a 200. {@code body} null sends none. A reconcile may take long:
     * the caller gives the time it is willing to wait.
     */
    JsonNode call(String method, String path, Object body, Duration timeout) throws Failed {
        String t = token().orElseThrow(() -> new Failed("no admin token: pass --token, set"
                + " HARBOR_SYNC_ADMIN_TOKEN, or run where <harbor-sync.store.path>/admin-token is readable"));
        URI uri;
        try {
            uri = URI.create(url.replaceAll("/+$", "") + path);
        } catch (IllegalArgumentException e) {
            throw new Failed("--url '" + url + "' is not a URL");
        }
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise the request body", e);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + t).header("Accept", "application/json")
                .method(method, publisher);
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        HttpResponse<String> r;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Failed("cannot reach the harbor-sync daemon at " + url + " (is it running? --url)");
        } catch (HttpTimeoutException e) {
            throw new Failed("the harbor-sync daemon at " + url + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new Failed("talking to the harbor-sync daemon at " + url + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        } catch (IllegalArgumentException e) {
            throw new Failed("--url '" + url + "' is not an http(s) URL");
        }
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            json = null;
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new Failed("the daemon at " + url + " refused the admin token (HTTP " + r.statusCode() + ")");
        }
        if (r.statusCode() != 200 || json == null) {
            String detail = json != null && json.hasNonNull("detail") ? json.get("detail").asText() : "no details";
            throw new Failed("the daemon answered HTTP " + r.statusCode() + ": " + detail);
        }
        return json;
    }

    /** A request to the daemon, for {@link #answer}. */
    @FunctionalInterface
    interface Request {
        JsonNode send() throws Failed;
    }

    /**
     * What every daemon command does with an answer: prints it as JSON with --output json, else as the
     * command's table; a failure is one line on stderr naming the command, and exit code {@link Cli#FAILED}.
     */
    int answer(CommandLine.Model.CommandSpec spec, String command, Request request,
               java.util.function.BiConsumer<PrintWriter, JsonNode> table) {
        PrintWriter out = spec.commandLine().getOut();
        try {
            JsonNode answer = request.send();
            if (json()) {
                printJson(out, answer);
            } else {
                table.accept(out, answer);
                out.flush();
            }
            return 0;
        } catch (Failed e) {
            spec.commandLine().getErr().println("harbor-sync " + command + ": " + e.getMessage());
            return Cli.FAILED;
        }
    }

    /** The answer as pretty JSON (for --output json). */
    static void printJson(PrintWriter out, JsonNode answer) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree read from JSON always writes back
        }
        out.flush();
    }
}
