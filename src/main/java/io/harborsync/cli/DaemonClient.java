package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.web.AdminToken;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The commands' way to a running daemon's admin API (a picocli mixin): where it is ({@code --url}), the admin
 * token ({@code --token}, else HARBOR_SYNC_ADMIN_TOKEN / harbor-sync.admin-token, else the file a demo daemon
 * writes), and how to print its answers ({@code --output table|json}). Every failure becomes a {@link Failed}
 * with a message for the operator; the token never appears in one.
 */
public class DaemonClient {
    public enum Output { table, json }

    @Option(names = "--url", defaultValue = "http://localhost:8080", converter = DaemonUrl.class, paramLabel = "URL",
            description = "The daemon's base URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Admin token (default: HARBOR_SYNC_ADMIN_TOKEN /"
            + " harbor-sync.admin-token, else the file <harbor-sync.store.path>/admin-token a demo daemon writes).")
    String token;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "table (readable, default) or json (the API's answer, pretty-printed).")
    Output output;

    /** A failure already explained to the user, with the exit code it means. */
    public static final class Failed extends Exception {
        final int exit;

        Failed(String message) {
            this(message, ExitCode.FAILED);
        }

        Failed(String message, int exit) {
            super(message, null, false, false);
            this.exit = exit;
        }
    }

    /**
     * --url: an http(s) URL with a host. Credentials in it are refused (they would be shown in messages; the token
     * is the way in), and so are a query or fragment (the API paths are appended).
     */
    static final class DaemonUrl implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            URI uri;
            try {
                uri = new URI(value.strip());
            } catch (URISyntaxException e) {
                throw new CommandLine.TypeConversionException("not a URL");
            }
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || uri.getPort() > 65535) {
                throw new CommandLine.TypeConversionException("not an http(s) URL with a host");
            }
            return uri;
        }
    }

    boolean json() {
        return output == Output.json;
    }

    Optional<String> token() {
        if (token != null && !token.isBlank()) {
            return Optional.of(token.strip()); // the configuration is not even read (it costs a noticeable start-up)
        }
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
    JsonNode call(String method, String path, Map<String, String> body, Duration timeout) throws Failed {
        return send(method, path, body == null ? null : Json.object(body), timeout);
    }

    /** One admin call with a JSON body of any shape; the answer's JSON when it is a 2xx. */
    JsonNode callJson(String method, String path, JsonNode body, Duration timeout) throws Failed {
        return send(method, path, body == null ? null : Json.compact(body), timeout);
    }

    private JsonNode send(String method, String path, String body, Duration timeout) throws Failed {
        String t = token().orElseThrow(() -> new Failed("no admin token: pass --token, set"
                + " HARBOR_SYNC_ADMIN_TOKEN, or run where <harbor-sync.store.path>/admin-token is readable"));
        if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new Failed("the admin token holds spaces or characters that cannot be sent in a header", ExitCode.USAGE);
        }
        URI uri = URI.create(url.toString().replaceAll("/+$", "") + path); // url is checked (DaemonUrl), path is ours
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        // HttpURLConnection rather than java.net.http: a one-shot command starts noticeably faster without the
        // HTTP/2 client and the TLS set-up it does even for http:// URLs
        int status;
        String text;
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setRequestMethod(method);
            c.setRequestProperty("Authorization", "Bearer " + t);
            c.setRequestProperty("Accept", "application/json");
            c.setInstanceFollowRedirects(false);
            if (payload != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.setFixedLengthStreamingMode(payload.length);
                try (var os = c.getOutputStream()) {
                    os.write(payload);
                }
            } else if (!method.equals("GET")) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(0);
                c.getOutputStream().close();
            }
            status = c.getResponseCode();
            var in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            c.disconnect();
        } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
            throw new Failed("cannot reach the harbor-sync daemon at " + url + " (is it running? --url)");
        } catch (SocketTimeoutException e) {
            throw new Failed(e.getMessage() != null && e.getMessage().contains("connect")
                    ? "cannot reach the harbor-sync daemon at " + url + " (no answer to connect within 5 s; --url)"
                    : "the harbor-sync daemon at " + url + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new Failed("talking to the harbor-sync daemon at " + url + " failed ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage())) + ")");
        }
        JsonNode json;
        try {
            json = text.isBlank() ? null : Json.read(text);
        } catch (IOException e) {
            json = null;
        }
        if (status == 401 || status == 403) {
            throw new Failed("the daemon at " + url + " refused the admin token (HTTP " + status + ")");
        }
        if (json == null || !json.isContainerNode()) {
            throw new Failed("the answer from " + url + " (HTTP " + status + ") is not JSON: is --url the harbor-sync"
                    + " daemon's address?");
        }
        boolean success = status / 100 == 2; // 200, and 201 for a created robot
        if (!success && !json.hasNonNull("detail")) {
            // the daemon answers every error with a problem (RFC 9457) that says what is wrong
            throw new Failed("the answer from " + url + " is HTTP " + status + " without a problem detail: is --url the"
                    + " harbor-sync daemon's address?");
        }
        if (!success) {
            throw new Failed("the daemon answered HTTP " + status + ": " + oneLine(json.get("detail").asText()),
                    argumentRefused(status) ? ExitCode.USAGE : ExitCode.FAILED);
        }
        return json;
    }

    /**
     * The answers that mean "this argument is wrong" (an unknown site, a bad project name, no such project): the
     * command exits {@link Cli#USAGE} like any other wrong argument. Any other failure of the daemon is
     * {@link Cli#FAILED}.
     */
    static boolean argumentRefused(int status) {
        return status == 400 || status == 404 || status == 422;
    }

    /** Text from elsewhere (the daemon, the JDK) kept to one line for stderr. */
    static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    /** A request to the daemon, for {@link #answer}. */
    @FunctionalInterface
    interface Request {
        JsonNode send() throws Failed;
    }

    /**
     * What every daemon command does with an answer: prints it as JSON with --output json, else as the
     * command's table; a failure is one line on stderr naming the command, and its exit code ({@link Failed}).
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
            spec.commandLine().getErr().flush();
            return e.exit;
        }
    }

    /** The answer as pretty JSON (for --output json). */
    static void printJson(PrintWriter out, JsonNode answer) {
        out.println(Json.pretty(answer));
        out.flush();
    }
}
