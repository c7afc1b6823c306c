package io.harborsync.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.emulator.HarborEmulator;
import io.harborsync.fidelity.RealExchanges.Answer;
import io.harborsync.fidelity.RealExchanges.Recording;
import io.harborsync.fidelity.RealExchanges.Step;
import io.harborsync.testsupport.HarborSpec;
import io.harborsync.testsupport.PlainHarborHttp;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends the recorded requests, in order, to one fresh emulator, as the real run sent them to the real Harbor: ids
 * translated ({@link IdMap}), each account's credentials known to the replay (the recording names only the account),
 * and the real run's registry-client pushes done through the emulator's own {@code POST /emulator/artifacts} with the
 * real digest, so that digests need no translation.
 */
final class Replay {
    /** {@code push p1/team/web:1.0 (nested)}: project alias, repository, tag. */
    private static final Pattern PUSH = Pattern.compile("push (\\w+)/(\\S+):(\\S+).*");
    private static final String WRONG_PASSWORD = "Wrong-password-1";
    private static final String WRONG_SECRET = "Wrong-secret-1";

    /** What one action step did in the replay. */
    record ActionResult(String id, String desc, String done) {
    }

    private final HarborEmulator emulator;
    private final Recording recording;
    private final PlainHarborHttp http;
    private final IdMap ids = new IdMap();
    private final Map<String, String> passwords = new HashMap<>();
    /** Robot name -> current and previous secret, from the replay's own create and PATCH answers. */
    private final Map<String, String> secrets = new HashMap<>();
    private final Map<String, String> previousSecrets = new HashMap<>();
    /** Emulator robot id -> name. */
    private final Map<Long, String> robotNames = new HashMap<>();
    private JsonNode lastCtx;

    Replay(HarborEmulator emulator, Recording recording) {
        this.emulator = emulator;
        this.http = new PlainHarborHttp(emulator);
        this.recording = recording;
        passwords.put(emulator.options().adminUsername(), emulator.options().adminPassword());
    }

    IdMap ids() { return ids; }

    // ------------------------------------------------------------------ action steps

    ActionResult act(Step step) {
        JsonNode before = lastCtx;
        lastCtx = step.ctx();
        Matcher push = PUSH.matcher(step.desc());
        if ((step.id().startsWith("push.") || step.id().startsWith("dsync.push")) && push.matches()) {
            String project = recording.globals().get(push.group(1));
            String digest = newValue(before, step.ctx().path("real"));
            if (project == null || digest == null || !digest.startsWith("sha256:")) {
                throw new IllegalStateException(step.id() + ": cannot tell project or digest of '" + step.desc() + "'");
            }
            Map<String, Object> body = Map.of("project", project, "repository", push.group(2), "digest", digest,
                    "tags", List.of(push.group(3)));
            HttpResponse<String> r = send("POST", "/emulator/artifacts", Map.of("Authorization",
                    emulator.adminAuthorization(), "Content-Type", "application/json"), PlainHarborHttp.toJson(body));
            if (r.statusCode() != 201) throw new IllegalStateException(step.id() + ": push answered " + r.statusCode() + " " + r.body());
            return new ActionResult(step.id(), step.desc(), "POST /emulator/artifacts " + project + "/" + push.group(2)
                    + ":" + push.group(3) + " with the real digest");
        }
        if (step.id().equals("setup.audit")) {
            long realNewest = step.ctx().path("real").path("audit0").asLong();
            HttpResponse<String> r = send("GET", HarborSpec.BASE_PATH + "/auditlog-exts?page_size=1",
                    Map.of("Authorization", emulator.adminAuthorization()), null);
            JsonNode rows = Comparison.parse(r.body());
            long newest = rows != null && rows.isArray() && !rows.isEmpty() ? rows.get(0).path("id").asLong() : 0;
            // The recorded value is the id of the run's first row, not the newest before it: audit.qrange
            // (q=id=[1701~1701]) answered the row of user.create. Its counterpart is the emulator's next row.
            ids.learn(realNewest, newest + 1);
            return new ActionResult(step.id(), step.desc(), "took the emulator's newest audit-log id + 1 (" + (newest + 1)
                    + ") as the counterpart of the real " + realNewest + ", the id of the run's first row (audit.qrange)");
        }
        if (step.id().contains(".settle")) {
            return new ActionResult(step.id(), step.desc(), "nothing: the replay has one emulator and no peer site, so"
                    + " no replication runs; the real run waited for replication to its peer here");
        }
        if (step.id().contains(".mark")) {
            return new ActionResult(step.id(), step.desc(), "nothing: the real run noted the time for its audit and"
                    + " webhook checks; nothing the replay compares depends on it");
        }
        throw new IllegalStateException("action step " + step.id() + " (" + step.desc() + ") has no replay rule");
    }

    /** The value that appeared in {@code now} (a ctx's real side) since {@code before}. */
    private static String newValue(JsonNode before, JsonNode now) {
        String found = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (before == null || !before.path("real").has(f.getKey())) found = f.getValue().asText();
        }
        return found;
    }

    // ------------------------------------------------------------------ request steps

    /** The request as the emulator gets it (for the report and the spec check) and its answer. */
    record Exchange(String method, String pathAndQuery, Answer answer) {
    }

    Exchange send(Step step) {
        RealExchanges.Sent sent = step.request();
        String path = ids.pathAndQuery(sent.path());
        Map<String, String> headers = new LinkedHashMap<>(sent.headers());
        if (sent.auth() != null) headers.put("Authorization", PlainHarborHttp.basic(sent.auth(), credentials(step)));
        String body = null;
        JsonNode b = ids.body(sent.body());
        if (b != null && !b.isNull()) {
            // "b''" is how the recorder wrote "no body at all" (robot.patch.nobody)
            body = b.isTextual() && b.asText().equals("b''") ? "" : b.isTextual() ? b.asText() : PlainHarborHttp.toJson(b);
            if (!body.isEmpty()) headers.put("Content-Type", "application/json");
        }
        Answer answer = sendAny(sent.method(), path, headers, body);
        learn(step, answer);
        return new Exchange(sent.method(), path, answer);
    }

    /** The credentials of the step's account; which steps used wrong ones is {@link FidelityRules#CREDENTIALS}. */
    private String credentials(Step step) {
        String account = step.request().auth();
        FidelityRules.Credential rule = FidelityRules.CREDENTIALS.getOrDefault(step.id(), FidelityRules.Credential.CURRENT);
        return switch (rule) {
            case WRONG_PASSWORD -> WRONG_PASSWORD;
            case WRONG_SECRET -> WRONG_SECRET;
            case PREVIOUS_SECRET -> required(previousSecrets, account, step);
            case CURRENT -> account.startsWith("robot$") ? required(secrets, account, step) : required(passwords, account, step);
        };
    }

    private static String required(Map<String, String> m, String account, Step step) {
        String v = m.get(account);
        if (v == null) throw new IllegalStateException(step.id() + ": the replay does not know the credentials of " + account);
        return v;
    }

    /** Ids, users' passwords and robots' secrets, from what was sent and the emulator's answer. */
    private void learn(Step step, Answer emu) {
        ids.learnLocation(step.real().header("location"), emu.header("location"));
        JsonNode real = Comparison.parse(step.real().body());
        JsonNode mine = Comparison.parse(emu.body());
        if (!step.request().path().contains("/auditlog-exts")) ids.learnBodies(real, mine); // audit ids are rows of everyone
        String method = step.request().method();
        String path = step.request().path();
        JsonNode body = step.request().body();
        if (method.equals("POST") && path.endsWith("/users") && emu.status() == 201) {
            passwords.put(body.path("username").asText(), body.path("password").asText());
        }
        if (method.equals("POST") && path.endsWith("/robots") && emu.status() == 201 && mine != null) {
            robotNames.put(mine.path("id").asLong(), mine.path("name").asText());
            secrets.put(mine.path("name").asText(), mine.path("secret").asText());
        }
        if (method.equals("PATCH") && path.matches(".*/robots/\\d+") && emu.status() == 200) {
            String name = robotNames.get(ids.toEmu(Long.parseLong(path.substring(path.lastIndexOf('/') + 1))));
            String fresh = mine != null && !mine.path("secret").asText("").isEmpty() ? mine.path("secret").asText()
                    : body != null && !body.path("secret").asText("").isEmpty() ? body.path("secret").asText() : null;
            if (name != null && fresh != null) {
                previousSecrets.put(name, secrets.get(name));
                secrets.put(name, fresh);
            }
        }
    }

    private Answer sendAny(String method, String pathAndQuery, Map<String, String> headers, String body) {
        HttpResponse<String> r;
        try {
            URI.create(emulator.baseUrl() + pathAndQuery);
        } catch (IllegalArgumentException notAUri) {
            return RawHttp.send(emulator.baseUrl(), method, pathAndQuery, headers, body); // query.badescape: "%zz"
        }
        r = send(method, pathAndQuery, headers, body);
        Map<String, String> h = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
        return new Answer(r.statusCode(), h, r.body() == null ? "" : r.body());
    }

    private HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        HttpRequest.BodyPublisher pub = body == null || body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).method(method, pub);
        headers.forEach(b::header);
        return http.send(b);
    }
}
