package io.harborsync.config;

import io.harborsync.sites.Sites;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code harbor-sync.*}. The property names are a contract (operators' files and
 * the lab tooling use them): rename nothing. Checks that need more than one property, or the file
 * system, live in {@link SiteResolver} so that a bad value yields one clear message.
 */
@ConfigMapping(prefix = "harbor-sync")
public interface HarborSyncConfig {

    /** Sites by free-form name (h1, h2, ...). None at all means demo mode. */
    Map<String, SiteConfig> sites();

    /** Bearer token guarding the admin API (/sync, /status, /proxy). */
    @WithName("admin-token")
    Optional<String> adminToken();

    Store store();

    Http http();

    Demo demo();

    /** active-site (default), newest, site:NAME or report-only. */
    @WithName("conflict-policy")
    @WithDefault("active-site")
    String conflictPolicy();

    /** The site users write to (where the proxy points); default: the first site by name. */
    @WithName("active-site")
    Optional<String> activeSite();

    Guard guard();

    Deletion deletion();

    Webhook webhook();

    Reconcile reconcile();

    Audit audit();

    Members members();

    @WithName("proxy-cache")
    ProxyCache proxyCache();

    Inbox inbox();

    Daemon daemon();

    interface Daemon {
        /**
         * false: no workers, schedules, demo emulators or admin-token file. One-shot CLI commands
         * ({@code harbor-sync lab up}, ...) run this way; see {@code io.harborsync.cli.Cli}.
         */
        @WithDefault("true")
        boolean enabled();
    }

    interface Inbox {
        /** Attempts before a webhook event is set aside as a dead letter (see /status, /inbox/dead). */
        @WithName("max-attempts")
        @WithDefault("8")
        int maxAttempts();

        /** First retry delay; doubled per attempt, with +-20% jitter, up to retry-max. */
        @WithName("retry-base")
        @WithDefault("2s")
        Duration retryBase();

        @WithName("retry-max")
        @WithDefault("5m")
        Duration retryMax();

        /** How often due retries are looked for ("off" disables). */
        @WithName("retry-interval")
        @WithDefault("5s")
        String retryInterval();

        /** Pending events beyond which webhooks are refused with 503 (Harbor retries them later). */
        @WithName("max-pending")
        @WithDefault("10000")
        long maxPending();

        /** How long settled (done) events are kept before they are removed from the store. */
        @WithName("keep-done")
        @WithDefault("1h")
        Duration keepDone();
    }

    interface ProxyCache {
        /**
         * Registry endpoints (by name) configured alike on every site: proxy-cache projects in front of
         * them are synced; any other proxy-cache project is skipped and reported.
         */
        Optional<java.util.List<String>> registries();
    }

    interface Guard {
        /** Share of a kind's keys on a site that one run may delete without force=true. */
        @WithName("max-delete-fraction")
        @WithDefault("0.25")
        double maxDeleteFraction();
    }

    interface Deletion {
        /** Kinds whose deletions are not propagated: any of project, member, repository, artifact. */
        @WithName("disabled-kinds")
        Optional<java.util.List<String>> disabledKinds();
    }

    interface Webhook {
        /** How Harbor reaches this daemon, e.g. https://harbor-sync.example; /webhooks/{site} is appended. */
        Optional<String> url();
    }

    interface Reconcile {
        /** Period of the full reconcile ("off" disables it). */
        @WithDefault("5m")
        String interval();

        /**
         * The quick check (issue 18): a repository whose update_time and artifact_count a site lists unchanged since
         * the sites last agreed on it is not listed artifact by artifact there (Harbor v2.15 and later).
         */
        @WithName("quick-check")
        @WithDefault("true")
        boolean quickCheck();

        /**
         * The quick check's member part: on a Harbor that logs member changes ({@code create_member},
         * {@code update_member}, {@code delete_member} in {@code GET /auditlog-exts/events}; releases after v2.15.2),
         * a project whose audit log shows no member row since the sites last agreed on its members is not listed
         * member by member there. Only with {@code quick-check} on.
         */
        @WithName("quick-check-audit")
        @WithDefault("true")
        boolean quickCheckAudit();

        /** How often a full reconcile reads everything without the quick check (the verify pass); the first is one. */
        @WithName("verify-interval")
        @WithDefault("24h")
        Duration verifyInterval();

        /**
         * The most projects a full reconcile reads, plans, sends and settles at once (issue 18): it lists every
         * site's projects once, then works through them in parts of this many, so that what the daemon holds of
         * the sites stays about this many projects' content whatever their number.
         */
        @WithName("part-projects")
        @WithDefault("200")
        int partProjects();
    }

    interface Audit {
        /** Period of the audit-log tail per site ("off" disables it). */
        @WithDefault("30s")
        String interval();
    }

    interface Members {
        /** Group type used when adding a group member on a peer: 1 LDAP, 2 HTTP, 3 OIDC. */
        @WithName("group-type")
        @WithDefault("1")
        int groupType();
    }

    interface SiteConfig {
        /** Base URL of the Harbor, e.g. https://core.h1.harbor.domain (no /api/v2.0). */
        Optional<String> url();

        Optional<String> username();

        Optional<String> password();

        /** PEM bundle to trust for this site instead of the JVM's default trust store. */
        @WithName("ca-file")
        Optional<String> caFile();

        /** What this site's webhook policies send in the Authorization header. */
        @WithName("webhook-secret")
        Optional<String> webhookSecret();

        /**
         * How the daemon logs in: {@code auto} (a login session for a user account, Basic auth for a
         * {@code robot$} account), {@code basic} or {@code session}. See {@link Site.Auth}.
         */
        @WithDefault("auto")
        String auth();
    }

    interface Store {
        /** Directory of the embedded store. */
        @WithDefault("./data")
        String path();
    }

    interface Http {
        @WithName("connect-timeout")
        @WithDefault("5s")
        Duration connectTimeout();

        @WithName("read-timeout")
        @WithDefault("30s")
        Duration readTimeout();

        /** Items per page when listing (Harbor's maximum is 100). */
        @WithName("page-size")
        @WithDefault("100")
        int pageSize();

        /**
         * Requests in flight to one site at a time, from all of the daemon's work together (webhook
         * worker, reconcile, audit poll, health checks): the registries we watch are someone's
         * production and must not be swamped. Further requests wait for a free slot.
         */
        @WithName("max-concurrency")
        @WithDefault("4")
        int maxConcurrency();

        /**
         * A site logged in with a session (a user account) logs in again before a request when its session
         * was idle longer than this: Harbor forgets a session after its session_timeout (60 min by default,
         * renewed by each request) and then answers as to anonymous, not with 401.
         */
        @WithName("session-idle-timeout")
        @WithDefault("30m")
        Duration sessionIdleTimeout();

        Breaker breaker();
    }

    /** Per-site circuit breaker: a site that keeps failing is left alone for a while instead of hammered. */
    interface Breaker {
        /** Unknown-state failures in a row (401/403, 5xx, timeouts, dropped connections) that open it; 0 = off. */
        @WithName("failure-threshold")
        @WithDefault("5")
        int failureThreshold();

        /** How long it stays open before one trial call is let through. */
        @WithName("open-for")
        @WithDefault("30s")
        Duration openFor();
    }

    interface Demo {
        /** Ports of the two emulated Harbors started when no site is configured (0 = any free port). */
        @WithName("h1-port")
        @WithDefault("18081")
        int h1Port();

        @WithName("h2-port")
        @WithDefault("18082")
        int h2Port();
    }
}
