package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.OverallHealth;
import io.harborsync.harbor.HarborModel.SystemInfo;

/**
 * What harbor-sync may ask of one Harbor site: one thin repository per resource ({@link #projects()},
 * {@link #members()}, ...) over the site's {@link HarborTransport}, which adds to the raw {@link HarborApi} a bound
 * on the requests in flight, the site's {@link CircuitBreaker}, complete listings, typed errors and Harbor's
 * encoding rules. Every request goes through that transport, so URLs are built in one place; a repository only
 * shapes a request and its answer, and refuses before sending what Harbor would store or drop without saying so,
 * so that a 2xx means the write took effect and nothing is read back.
 */
public final class HarborClient {
    private final HarborTransport t;
    private final Projects projects;
    private final Quotas quotas;
    private final Members members;
    private final Repositories repositories;
    private final Artifacts artifacts;
    private final Robots robots;
    private final Registries registries;
    private final Replications replications;
    private final WebhookPolicyRepository webhookPolicies;
    private final AuditLogs auditLogs;
    private final ImmutableRules immutableRules;
    private final Retentions retentions;
    private final SystemCveAllowlist systemCveAllowlist;
    private final Labels labels;

    HarborClient(HarborTransport transport) {
        this.t = transport;
        projects = new Projects(t);
        quotas = new Quotas(t, projects);
        members = new Members(t);
        repositories = new Repositories(t);
        artifacts = new Artifacts(t);
        robots = new Robots(t);
        registries = new Registries(t);
        replications = new Replications(t);
        webhookPolicies = new WebhookPolicyRepository(t);
        auditLogs = new AuditLogs(t);
        immutableRules = new ImmutableRules(t);
        retentions = new Retentions(t);
        systemCveAllowlist = new SystemCveAllowlist(t);
        labels = new Labels(t);
    }

    /** True when this client logs in once and sends Harbor's session cookie instead of Basic auth on each request. */
    public boolean usesSession() {
        return t.session() != null;
    }

    /** Successful logins to this site so far (0 with Basic auth). */
    public long logins() {
        return t.logins();
    }

    /**
     * Login sessions Harbor refused or forgot while the client used them. Harbor answers an unknown session as
     * anonymous (public projects only, no 401): a read during which this number moved is not to be trusted.
     */
    public long sessionsLost() {
        return t.sessionsLost();
    }

    /** The transport, for test support in this package. */
    HarborTransport transport() {
        return t;
    }

    /** Requests that may be in flight to this site at once. */
    public int maxConcurrency() {
        return t.maxConcurrency();
    }

    /** Requests waiting for a free slot right now (a sign the bound is too low for the work). */
    public int waitingForSlot() {
        return t.waitingForSlot();
    }

    public String site() {
        return t.site();
    }

    /** This site's circuit breaker: closed, open or half-open, and the failures in a row. */
    public CircuitBreaker.Snapshot breakerState() {
        return t.breakerState();
    }

    // ---------------------------------------------------------------- resources

    public Projects projects() {
        return projects;
    }

    public Quotas quotas() {
        return quotas;
    }

    public Members members() {
        return members;
    }

    public Repositories repositories() {
        return repositories;
    }

    /** Artifacts and their tags. */
    public Artifacts artifacts() {
        return artifacts;
    }

    public Robots robots() {
        return robots;
    }

    public Registries registries() {
        return registries;
    }

    /** Replication policies and their executions. */
    public Replications replications() {
        return replications;
    }

    public WebhookPolicyRepository webhookPolicies() {
        return webhookPolicies;
    }

    public AuditLogs auditLogs() {
        return auditLogs;
    }

    /** A project's tag immutability rules. */
    public ImmutableRules immutableRules() {
        return immutableRules;
    }

    /** Tag retention policies. */
    public Retentions retentions() {
        return retentions;
    }

    /** The system-level CVE allowlist. */
    public SystemCveAllowlist systemCveAllowlist() {
        return systemCveAllowlist;
    }

    /** Global and project labels, and their attachment to artifacts. */
    public Labels labels() {
        return labels;
    }

    // ---------------------------------------------------------------- system

    /** The site's own health, for readiness: a property of the site rather than of a resource. */
    public OverallHealth health() {
        return t.call("get health", HarborApi::health);
    }

    public SystemInfo systemInfo() {
        return t.call("get systeminfo", HarborApi::systemInfo);
    }

    /** How long the Harbor version, once read, is taken as it was (an upgrade is seen within this time). */
    static final long VERSION_TTL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    /**
     * A value read from this Harbor and kept {@link #VERSION_TTL_NANOS}: an answer without it, or a failure to read
     * it, is not kept (asked again next time) and gives empty.
     */
    private static final class Cached<T> {
        private volatile T value;
        private volatile long readAt;

        java.util.Optional<T> get(java.util.function.Supplier<T> read) {
            T v = value;
            long now = System.nanoTime();
            if (v != null && now - readAt < VERSION_TTL_NANOS) {
                return java.util.Optional.of(v);
            }
            try {
                v = read.get();
            } catch (HarborException e) {
                return java.util.Optional.empty();
            }
            if (v != null) {
                value = v;
                readAt = now;
            }
            return java.util.Optional.ofNullable(v);
        }
    }

    private final Cached<String> version = new Cached<>();
    private final Cached<java.util.List<String>> auditEventTypes = new Cached<>();

    /**
     * The site's Harbor version as {@code /systeminfo} shows it to logged-in callers (e.g. "v2.15.2-1a2b3c"), read
     * at most once per ten minutes; empty when it cannot be read now (not kept: asked again next time).
     */
    public java.util.Optional<String> harborVersion() {
        return version.get(() -> systemInfo().harborVersion());
    }

    /**
     * The audit-log event types this Harbor records ({@code GET /auditlog-exts/events}: releases after v2.15.2 add
     * {@code create_member}, {@code update_member}, {@code delete_member}, {@code update_project}), read at most once
     * per ten minutes like {@link #harborVersion()}; empty when they cannot be read now (not kept: asked again).
     */
    public java.util.Optional<java.util.List<String>> auditEventTypes() {
        return auditEventTypes.get(() -> java.util.List.copyOf(auditLogs.eventTypes()));
    }

    /**
     * Why a site whose credentials failed is unknown, in the report, /status and readiness: real Harbor treats
     * bad credentials as anonymous, not 401 (observations §2), so a listing alone proves nothing.
     */
    public static final String NOT_AUTHENTICATED = "the credentials were not accepted (Harbor answered as anonymous)";

}
