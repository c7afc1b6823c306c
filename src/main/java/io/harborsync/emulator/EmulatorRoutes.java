package io.harborsync.emulator;

import java.util.List;

/**
 * The /api/v2.0 of one emulated site: its state ({@link SiteData}), audit log and webhook sender, one handler per
 * Harbor resource, and the route list that registers them. Every handler runs under the site lock
 * ({@link #handle}). Section numbers in the handlers name the section of the team's notes on Harbor v2.15.2's
 * behaviour that a rule came from (see package-info). What the handlers share is one class each: {@link Paging},
 * {@link Access} (who the caller is, which project it may see), {@link Lookup} (path parameters), {@link Docs},
 * {@link Json} and {@link ApiError}.
 */
final class EmulatorRoutes {
    static final String BASE = "/api/v2.0";

    final SiteData site = new SiteData();
    final AuditLog audit;
    final WebhookSender webhooks;
    final Access access = new Access(site);
    private final Lookup lookup = new Lookup(site, access);
    private final Router router = new Router();
    private final RoutePermissions permissions = new RoutePermissions(site);

    final SystemApi system;
    final UsersApi users;
    final MembersApi members;
    final ProjectsApi projects;
    final ArtifactsApi artifacts;

    /** @param faults the emulator's, asked when each webhook job may start ({@link Faults#webhookDelay}) */
    EmulatorRoutes(EmulatorOptions options, Faults faults) {
        this.audit = new AuditLog(options.auditLogEnabled());
        this.webhooks = new WebhookSender(options.name(), options.webhookRetryDelay(), faults::webhookDelay);
        users = new UsersApi(site, audit);
        users.addAdmin(options.adminUsername(), options.adminPassword());
        members = new MembersApi(options, site, audit, lookup);
        projects = new ProjectsApi(options, site, audit, access, lookup, members, users);
        LabelsApi labels = new LabelsApi(site, lookup);
        ImmutableRulesApi immutableRules = new ImmutableRulesApi(site, lookup);
        WebhookExecutionsApi webhookExecutions = new WebhookExecutionsApi(site, lookup);
        ProjectWebhooksApi projectWebhooks = new ProjectWebhooksApi(options, site, lookup, webhooks, webhookExecutions);
        artifacts = new ArtifactsApi(site, audit, lookup, labels, immutableRules, projectWebhooks);
        RegistriesApi registries = new RegistriesApi(site);

        // the route list
        system = new SystemApi(options);
        system.routes(router);                         // ping, health, systeminfo
        projects.routes(router);                                       // projects, their metadata, _deletable
        new QuotasApi(site).routes(router);
        members.routes(router);
        new RepositoriesApi(site, audit, lookup, artifacts).routes(router);
        artifacts.routes(router);                                      // artifacts and their tags
        new RobotsApi(site, audit, access).routes(router);             // robots, permissions
        registries.routes(router);
        new ReplicationApi(site, registries).routes(router);           // policies, executions
        projectWebhooks.routes(router);                                // policies, events, lasttrigger
        new AuditLogsApi(options, site, audit).routes(router);         // auditlog-exts, audit-logs
        users.routes(router);                                          // users, users/current, users/search
        labels.routes(router);                                         // labels, artifact labels
        immutableRules.routes(router);
        new RetentionsApi(site).routes(router);
        new SystemCveAllowlistApi(site).routes(router);                // system/CVEAllowlist
        webhookExecutions.routes(router);
    }

    // ------------------------------------------------------------------ dispatch, auth

    Response handle(Request r) {
        // CSRF (api-notes 1) was checked by the server before: only when a session cookie is present (HarborEmulator)
        synchronized (site) {
            Principal who = access.authenticate(r);
            // bad credentials are anonymous, not 401: each route's rule decides (observations §2, steps auth.*)
            r.principal = who == null ? Principal.ANONYMOUS : who;
            List<String> segs = r.segments.subList(2, r.segments.size());
            if (r.method.equals("GET")) Paging.params(r); // go-swagger binds and checks paging before the handler
            return router.dispatch(r, segs, permissions::check);
        }
    }

    /** "METHOD template" of every registered route (RoutePermissions must have a rule for each). */
    List<String> routeKeys() {
        return router.keys();
    }
}
