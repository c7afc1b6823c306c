package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for one Harbor v2.15.2 site (see package-info): the REST API under
 * /api/v2.0, webhooks, audit log, plus control endpoints under /emulator/ and fault injection.
 * Plain JDK HttpServer + Jackson, no Quarkus/CDI, so demo mode and tests can start as many as they like.
 */
public final class HarborEmulator implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed
        // ACK: ~40 ms per request instead of ~1 ms. Read once, when the JDK's ServerConfig loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final EmulatorOptions options;
    private volatile HttpServer server;
    private volatile int boundPort;
    private final ExecutorService pool;
    private volatile EmulatorRoutes routes;
    private final Faults faults = new Faults();
    /** Login sessions and CSRF secrets: kept across {@link #reset()}, like the modelled Harbor CPU. */
    private final Sessions sessions;
    private final HarborCpu cpu = new HarborCpu();
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(HarborEmulator.class);
    private final List<ExchangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Object idleLock = new Object();
    private int inFlight; // exchanges whose listeners have not run yet
    /** Requests received and not yet answered (the client is still waiting), and the most at once. */
    private final AtomicInteger answering = new AtomicInteger();
    private final AtomicInteger peakAnswering = new AtomicInteger();

    private HarborEmulator(EmulatorOptions options) throws IOException {
        this.options = options;
        this.sessions = new Sessions(options.sessionTimeout());
        this.routes = new EmulatorRoutes(options, faults);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "harbor-emulator-" + options.name() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = bind(options.port());
        } catch (IOException e) {
            pool.shutdownNow(); // a busy port: nothing of this emulator is left behind
            routes.webhooks.close();
            throw e;
        }
    }

    private HttpServer bind(int port) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        HttpServer s;
        if (options.tls() == null) {
            s = HttpServer.create(address, 64);
        } else {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext(options.tls())));
            s = https;
        }
        s.setExecutor(pool);
        s.createContext("/", this::exchange);
        return s;
    }

    /**
     * A site outage: the port stops answering (connections are refused) while every project, member
     * and artifact stays as it was, as when a Harbor's ingress or core pods are down.
     */
    public synchronized void goDown() {
        server.stop(0);
    }

    /** The outage ends: the same site, on the same port, with the same content. */
    public synchronized void comeBack() {
        int port = boundPort;
        try {
            server = bind(port);
        } catch (IOException e) {
            throw new UncheckedIOException("emulator " + options.name() + " cannot listen on port " + port + " again", e);
        }
        server.start();
    }

    /** The factory named by {@value ExchangeListenerFactory#PROPERTY}. */
    private static ExchangeListenerFactory listenerFactory(String className) {
        try {
            return (ExchangeListenerFactory) Class.forName(className, true, HarborEmulator.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(ExchangeListenerFactory.PROPERTY + ": cannot use " + className + " (" + e + ")");
        }
    }

    public static HarborEmulator start(EmulatorOptions options) {
        try {
            HarborEmulator e = new HarborEmulator(options);
            String factory = System.getProperty(ExchangeListenerFactory.PROPERTY);
            if (factory != null && !factory.isBlank()) {
                e.addExchangeListener(listenerFactory(factory).listenerFor(options.name()));
            }
            e.server.start();
            e.boundPort = e.server.getAddress().getPort();
            return e;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start Harbor emulator " + options.name(), ex);
        }
    }

    private static SSLContext sslContext(EmulatorOptions.Tls tls) throws IOException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(tls.keyStore(), tls.password());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS key store: " + e.getMessage(), e);
        }
    }

    public String name() { return options.name(); }

    /** Forgets every project, user, robot, policy and log row, as a freshly installed Harbor (for generated-history tests). */
    public void reset() {
        faults.clear();
        EmulatorRoutes old = routes;
        routes = new EmulatorRoutes(options, faults);
        old.webhooks.close();
    }

    public EmulatorOptions options() { return options; }

    /** The API behind the server, for tests in this package (its routes, its site). */
    EmulatorRoutes routes() { return routes; }

    /**
     * e.g. http://127.0.0.1:41234 (the API lives under /api/v2.0); with TLS https://localhost:41234, the name
     * the test certificates carry, so that clients verify the host as they would for a real Harbor.
     */
    public URI baseUrl() {
        int port = boundPort;
        return URI.create(options.tls() == null ? "http://127.0.0.1:" + port : "https://localhost:" + port);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        routes.webhooks.close();
    }

    // ------------------------------------------------------------------ things outside Harbor's REST API

    /** A db_auth user that exists (e.g. logged in once); members can then be added by username. No password. */
    public void addUser(String username) {
        synchronized (routes.site) {
            if (routes.site.userByName(username) == null) routes.users.addUserRow(username, null);
        }
    }

    /** A user that can also log in with basic auth. */
    public void addUser(String username, String password) {
        synchronized (routes.site) {
            SiteData.User u = routes.site.userByName(username);
            if (u == null) routes.users.addUserRow(username, password);
            else u.password = password;
        }
    }

    /**
     * A user deleted by an administrator (Harbor's UI): the user and every membership of it are gone, and Harbor
     * writes a {@code delete user} row but no member rows, also on Harbors that log member changes.
     */
    public void deleteUser(String username) {
        synchronized (routes.site) {
            SiteData.User u = routes.site.userByName(username);
            if (u == null) return;
            routes.site.users.remove(u.id);
            routes.site.members.removeRows(m -> "u".equals(m.entityType) && m.entityId == u.id);
            routes.audit.record(options.adminUsername(), "user", "delete", username, 0,
                    "delete user with name: " + username);
        }
    }

    /** A user group as LDAP/HTTP/OIDC would provide it (1 LDAP, 2 HTTP, 3 OIDC); an LDAP group's DN is its name. */
    public void addGroup(String groupName, int groupType) {
        synchronized (routes.site) {
            routes.members.addGroupRow(groupName, groupType, groupType == 1 ? groupName : null);
        }
    }

    /**
     * A push as docker push would do it: creates the repository if needed, moves the tags, fires PUSH_ARTIFACT and
     * writes the artifact/create audit row (operator = the admin account).
     *
     * @param repository without the project, may contain '/'
     * @param digest     sha256:&lt;64 hex&gt;, or null to generate one
     * @return the digest
     */
    public String pushArtifact(String project, String repository, String digest, String... tags) {
        synchronized (routes.site) {
            try {
                return routes.artifacts.push(options.adminUsername(), UUID.randomUUID().toString(), project, repository, digest, Arrays.asList(tags));
            } catch (ApiError e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** From now on /systeminfo shows logged-in callers this {@code harbor_version} (e.g. an older Harbor's). */
    public void reportVersion(String harborVersion) {
        routes.system.version = java.util.Objects.requireNonNull(harborVersion, "harborVersion");
    }

    /**
     * A pull as docker pull would do it: the repository's pull count and update time move (Harbor v2.15 moves
     * update_time on pulls too); no webhook, no audit row here.
     *
     * @param reference a digest or a tag
     */
    public void pullArtifact(String project, String repository, String reference) {
        synchronized (routes.site) {
            try {
                routes.artifacts.pull(project, repository, reference);
            } catch (ApiError e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /**
     * Loads a whole project at once, for benchmarks with thousands of projects: as if the admin had created it
     * (owner = admin, a projectAdmin member as Harbor adds), with {@code members} (username -> role id; users are
     * created when missing) and {@code repositories} (name -> digest -> tags). Straight into the site, so no
     * audit rows and no webhooks; the REST API then serves it like anything else.
     */
    public void seedProject(String project, Map<String, String> metadata, Map<String, Integer> members,
                            Map<String, Map<String, List<String>>> repositories) {
        synchronized (routes.site) {
            routes.projects.seed(project, metadata, members, repositories);
        }
    }

    public Faults faults() { return faults; }

    public void addExchangeListener(ExchangeListener listener) { listeners.add(listener); }

    public void removeExchangeListener(ExchangeListener listener) { listeners.remove(listener); }

    /** Finished webhook jobs (delivered, or dropped after 3 attempts), in completion order. */
    public List<WebhookDelivery> webhookDeliveries() { return routes.webhooks.deliveries(); }

    /** Deletes all audit rows, like Harbor's purge job. */
    public void purgeAuditLog() { routes.audit.purge(); }

    // ------------------------------------------------------------------ HTTP

    /**
     * Waits until every exchange that has started has also been handed to the listeners. A client can read its
     * response before the listeners ran, so checks on recorded exchanges call this first.
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idleLock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    idleLock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The most requests this emulator had received and not yet answered at the same time (since start or the
     * last reset): what a client's bound on requests in flight limits.
     */
    public int peakConcurrency() {
        return peakAnswering.get();
    }

    public void resetPeakConcurrency() {
        peakAnswering.set(answering.get());
    }

    private void exchange(HttpExchange ex) {
        synchronized (idleLock) {
            inFlight++;
        }
        try {
            handleExchange(ex);
        } catch (Throwable t) {
            ex.close();
        } finally {
            synchronized (idleLock) {
                inFlight--;
                idleLock.notifyAll();
            }
        }
    }

    private void handleExchange(HttpExchange ex) throws IOException {
        peakAnswering.accumulateAndGet(answering.incrementAndGet(), Math::max);
        boolean[] waiting = {true};
        Runnable answered = () -> {
            if (waiting[0]) {
                waiting[0] = false;
                answering.decrementAndGet();
            }
        };
        try {
            handleCounted(ex, answered);
        } finally {
            answered.run();
        }
    }

    private void handleCounted(HttpExchange ex, Runnable answered) throws IOException {
        String method = ex.getRequestMethod().toUpperCase();
        String rawPath = ex.getRequestURI().getRawPath();
        String rawQuery = ex.getRequestURI().getRawQuery();
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> reqHeaders = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> reqHeaders.put(k, List.copyOf(v)));
        Map<String, List<String>> lower = Request.lowerCaseHeaders(reqHeaders);
        String requestId = lower.containsKey("x-request-id") ? lower.get("x-request-id").get(0) : UUID.randomUUID().toString();

        Response resp = null;
        boolean control = rawPath.startsWith("/emulator/");
        if (!control) {
            sleep(faults.latency());
            Fault fault = faults.take(method, rawPath, rawQuery);
            if (fault != null) {
                if (fault.before != null) {
                    fault.before.run();
                }
                sleep(fault.delay);
                if (fault.drop) {
                    answered.run();
                    ex.close(); // no response headers were sent: the JDK server just closes the connection
                    notifyListeners(new RecordedExchange(method, rawPath, rawQuery, reqHeaders, body, 0, Map.of(), new byte[0]));
                    return;
                }
                if (fault.status > 0) resp = Response.error(new ApiError(fault.status, codeFor(fault.status), "injected fault"));
            }
        }
        if (resp == null) {
            try {
                Request r = new Request(method, rawPath, rawQuery, lower, body, requestId);
                boolean api = r.segments.size() >= 2 && r.segments.get(0).equals("api") && r.segments.get(1).equals("v2.0");
                if (api || rawPath.equals(LoginApi.PATH)) {
                    resp = harbor(r, !api);
                } else if (control) {
                    resp = control(r);
                } else {
                    throw ApiError.notFound("path " + rawPath + " was not found");
                }
            } catch (ApiError e) {
                resp = Response.error(e);
            } catch (RuntimeException e) {
                resp = Response.error(new ApiError(500, "UNKNOWN", "internal server error"));
            }
        }
        resp.header("X-Request-Id", requestId);
        if (!resp.headers.containsKey(SESSION_SET)) {
            // outside Harbor's middleware (a fault, a control call): a new session's sid, as for any request without one
            resp.header("Set-Cookie", Sessions.SID + "=" + sessions.anonymousSid() + "; Path=/; HttpOnly");
        }
        resp.headers.remove(SESSION_SET);
        resp.headers.forEach((k, v) -> ex.getResponseHeaders().put(k, new ArrayList<>(v)));
        // Listeners (the tests' spec checks) see the exchange before the client gets its answer, so
        // whatever they record belongs to the request that caused it.
        Map<String, List<String>> respHeaders = new LinkedHashMap<>();
        ex.getResponseHeaders().forEach((k, v) -> respHeaders.put(k, List.copyOf(v)));
        notifyListeners(new RecordedExchange(method, rawPath, rawQuery, reqHeaders, body, resp.status, respHeaders,
                method.equals("HEAD") ? new byte[0] : resp.body));
        if (method.equals("HEAD") && resp.body.length > 0) {
            // a HEAD error says the length of the body it does not send (step proj.head.missing)
            ex.getResponseHeaders().set("Content-Length", String.valueOf(resp.body.length));
        }
        boolean noBody = method.equals("HEAD") || resp.body.length == 0;
        answered.run(); // from here on the client may have its answer and send the next request
        ex.sendResponseHeaders(resp.status, noBody ? -1 : resp.body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(resp.body);
            }
        }
        ex.close();
    }

    /** Marks a response whose cookies Harbor's middleware already set (removed before it is sent). */
    private static final String SESSION_SET = "X-Emulator-Session-Set";
    private static final java.util.Set<String> UNSAFE = java.util.Set.of("POST", "PUT", "PATCH", "DELETE");

    /**
     * A request to Harbor's core (the API or {@code /c/login}) through the middleware real Harbor runs before any
     * handler: CSRF (src/server/middleware/csrf: every {@code /c/login} request, and an API request only when it
     * carries a {@code sid} cookie; an unsafe method needs a token valid for its {@code _gorilla_csrf} cookie, else
     * 403), then the session (a live {@code sid} is its user and is renewed; otherwise a new {@code sid} is set), and
     * the modelled CPU of the request by how it authenticated ({@link HarborCpu}).
     */
    private Response harbor(Request r, boolean login) {
        String sentSid = Sessions.cookie(r.headers, Sessions.SID);
        String user = sessions.user(sentSid);
        r.sessionUser = user;
        HarborCpu.Account account = account(r, login, user != null);
        cpu.count(account);
        LatencyProfile profile = faults.profile();
        if (profile != null) {
            sleep(profile.latency(r.method, r.rawPath, r.rawQuery, account)); // outside the site lock, as the flat latency
        }
        List<String> setCookies = new ArrayList<>();
        boolean csrf = login || sentSid != null;
        byte[] secret = null;
        Response resp = null;
        if (csrf) {
            byte[] sent = Sessions.secretOf(Sessions.cookie(r.headers, Sessions.CSRF_COOKIE));
            secret = sent;
            if (secret == null) {
                String fresh = sessions.newCsrfCookie();
                secret = Sessions.secretOf(fresh);
                setCookies.add(Sessions.CSRF_COOKIE + "=" + fresh + "; Path=/; HttpOnly; SameSite=Strict");
            }
            if (UNSAFE.contains(r.method) && !Sessions.valid(sent, r.header(Sessions.CSRF_HEADER))) {
                resp = Response.error(ApiError.forbidden("CSRF token invalid"));
                csrf = false; // refused before a token is attached
            }
        }
        String newSid = null;
        if (resp == null) {
            try {
                if (login) {
                    LoginApi.Result res = new LoginApi(routes.site, sessions).handle(r);
                    resp = res.response();
                    newSid = res.sid();
                } else {
                    resp = routes.handle(r);
                }
            } catch (ApiError e) {
                resp = Response.error(e);
            }
        }
        if (csrf) {
            String token = sessions.token(secret);
            resp.header(Sessions.CSRF_HEADER, token);
            setCookies.add(Sessions.UI_CSRF_COOKIE + "=" + token + "; Path=/");
        }
        if (newSid != null) {
            setCookies.add(Sessions.SID + "=" + newSid + "; Path=/; HttpOnly");
        } else if (user == null) {
            setCookies.add(Sessions.SID + "=" + sessions.anonymousSid() + "; Path=/; HttpOnly");
        } // a live session keeps its sid: nothing set
        for (String c : setCookies) resp.header("Set-Cookie", c);
        resp.header(SESSION_SET, "1");
        return resp;
    }

    private static HarborCpu.Account account(Request r, boolean login, boolean session) {
        if (login && r.method.equals("POST")) return HarborCpu.Account.LOGIN;
        String auth = r.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String name;
            try {
                name = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                name = "";
            }
            return name.startsWith("robot$") ? HarborCpu.Account.BASIC_ROBOT : HarborCpu.Account.BASIC_USER;
        }
        return session ? HarborCpu.Account.SESSION : HarborCpu.Account.ANONYMOUS;
    }

    /**
     * The modelled CPU a real Harbor would have spent on the requests this emulator answered (the API and
     * {@code /c/login}; not the control endpoints, not injected faults), by how each authenticated.
     */
    public HarborCpu.Totals harborCpu() {
        return cpu.totals();
    }

    public void resetHarborCpu() {
        cpu.reset();
    }

    /** Successful logins at {@code /c/login} so far: each one the only time a session's password was sent. */
    public long logins() {
        return sessions.logins();
    }

    /** Every login session is forgotten, as when Harbor's session store (Redis) is lost: their next request is anonymous. */
    public void forgetSessions() {
        sessions.forgetAll();
    }

    /** Login sessions as if {@code idle} had passed without a request (Harbor forgets one after its session timeout). */
    public void ageSessions(Duration idle) {
        sessions.age(idle);
    }

    private void notifyListeners(RecordedExchange rec) {
        for (ExchangeListener l : listeners) {
            try {
                l.onExchange(rec);
            } catch (RuntimeException e) {
                // A listener must not break the server, but its failure must not pass unseen either (a test's spec
                // check that cannot run would otherwise check nothing). Method and path only: no headers, no body.
                LOG.errorf(e, "Harbor emulator %s: exchange listener %s failed on %s %s: %s", options.name(),
                        l.getClass().getName(), rec.method(), rec.rawPath(), e);
            }
        }
    }

    private static void sleep(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) return;
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000)); // a profile's 2.75 ms is not 2 ms
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 409 -> "CONFLICT";
            case 412 -> "PRECONDITION";
            case 422 -> "UNPROCESSABLE_ENTITY";
            case 429 -> "TOO_MANY_REQUEST";
            default -> "UNKNOWN";
        };
    }

    // ------------------------------------------------------------------ /emulator control endpoints (for curl users)

    private Response control(Request r) {
        synchronized (routes.site) {
            r.principal = routes.access.authenticate(r);
        }
        if (r.principal == null) throw ApiError.unauthorized();
        String path = r.path;
        JsonNode body = r.json();
        switch (r.method + " " + path) {
            case "POST /emulator/artifacts" -> {
                ObjectNode b = Json.requireObject(body, "artifact");
                List<String> tags = new ArrayList<>();
                if (b.has("tags")) Json.array(b, "artifact", "tags").forEach(t -> tags.add(t.asText()));
                String digest;
                synchronized (routes.site) {
                    digest = routes.artifacts.push(r.username(), r.requestId, Json.str(b, "artifact", "project"),
                            Json.str(b, "artifact", "repository"), Json.str(b, "artifact", "digest"), tags);
                }
                return Response.json(201, Json.obj().put("digest", digest));
            }
            case "POST /emulator/users" -> {
                ObjectNode b = Json.requireObject(body, "user");
                String username = Json.str(b, "user", "username");
                if (username == null || username.isEmpty()) throw ApiError.badRequest("username is required");
                String password = Json.str(b, "user", "password");
                if (password == null) addUser(username);
                else addUser(username, password);
                return Response.status(201);
            }
            case "POST /emulator/faults" -> {
                ObjectNode b = Json.requireObject(body, "fault");
                Long latency = Json.lng(b, "fault", "latency_ms");
                if (latency != null) faults.latency(Duration.ofMillis(latency));
                String p = Json.str(b, "fault", "path");
                if (p != null) {
                    Fault f = Fault.on(Json.str(b, "fault", "method"), p);
                    Long status = Json.lng(b, "fault", "status");
                    Long delay = Json.lng(b, "fault", "delay_ms");
                    Long times = Json.lng(b, "fault", "times");
                    if (status != null) f = f.status(status.intValue());
                    if (delay != null) f = f.delay(Duration.ofMillis(delay));
                    if (Boolean.TRUE.equals(Json.bool(b, "fault", "drop"))) f = f.dropConnection();
                    if (times != null) f = f.times(times.intValue());
                    faults.add(f);
                }
                return Response.status(201);
            }
            case "DELETE /emulator/faults" -> {
                faults.clear();
                return Response.empty();
            }
            default -> throw ApiError.notFound("path " + path + " was not found");
        }
    }

    /** Basic auth header value for the admin account, handy for clients and tests. */
    public String adminAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString(
                (options.adminUsername() + ":" + options.adminPassword()).getBytes(StandardCharsets.UTF_8));
    }
}
