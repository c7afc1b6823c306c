package io.harborsync.web;

import io.harborsync.http.Problem;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAPI document's shared parts (served at /q/openapi, browsable at /q/swagger-ui): the two ways callers
 * authenticate and the 401 every admin endpoint answers. The endpoints describe themselves next to their code.
 * No {@code @ApplicationPath}: every resource stays where it is.
 */
@OpenAPIDefinition(
        info = @Info(title = "harbor-sync", version = "1",
                description = "Keeps two Harbor registries in step. Admin endpoints need the admin token; Harbor's"
                        + " webhooks authenticate with the site's webhook secret. Every error is an RFC 9457 problem"
                        + " (application/problem+json)."),
        tags = {
                @Tag(name = HarborSyncApi.SYNC, description = "On-demand reconciles, dry-run plans, the daemon's status and dead letters"),
                @Tag(name = HarborSyncApi.PROXY, description = "The active site behind core.harbor.domain; manual failover"),
                @Tag(name = HarborSyncApi.ROBOTS, description = "Robot accounts with one secret on every site, so that"
                        + " their clients survive a failover"),
                @Tag(name = HarborSyncApi.WEBHOOK_POLICIES, description = "Users' webhook policies: one auth header on"
                        + " every site"),
                @Tag(name = HarborSyncApi.ADMIN, description = "Effective configuration and the admin-token check"),
                @Tag(name = HarborSyncApi.WEBHOOKS, description = "Harbor's webhook deliveries, one URL per site")},
        components = @Components(
                securitySchemes = {
                        @SecurityScheme(securitySchemeName = HarborSyncApi.ADMIN_TOKEN, type = SecuritySchemeType.HTTP,
                                scheme = "bearer",
                                description = "Authorization: Bearer <harbor-sync.admin-token>. In demo mode without a"
                                        + " configured token, the daemon writes a generated one to"
                                        + " <harbor-sync.store.path>/admin-token."),
                        @SecurityScheme(securitySchemeName = HarborSyncApi.WEBHOOK_SECRET, type = SecuritySchemeType.APIKEY,
                                in = SecuritySchemeIn.HEADER, apiKeyName = "Authorization",
                                description = "The Authorization header carries harbor-sync.sites.<site>.webhook-secret"
                                        + " verbatim (the auth header of the site's webhook policy; no scheme prefix).")},
                responses = {
                        @APIResponse(name = HarborSyncApi.ADMIN_UNAUTHORIZED, responseCode = "401",
                                description = "No, a malformed or a wrong admin token (or harbor-sync.admin-token is not set)",
                                headers = @Header(name = "WWW-Authenticate", schema = @Schema(implementation = String.class)),
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = HarborSyncApi.UNKNOWN_QUERY_PARAMETER, responseCode = "400",
                                description = "A query parameter this endpoint does not take (names are case-sensitive)",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = HarborSyncApi.ROBOT_NOT_FOUND, responseCode = "404",
                                description = "No site has the robot",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = HarborSyncApi.ROBOT_ACCOUNT, responseCode = "409",
                                description = "The daemon logs in to a site as a robot: Harbor lets only users set"
                                        + " robot secrets. Nothing was sent.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = HarborSyncApi.ROBOT_UNANSWERED, responseCode = "503",
                                description = "No site that answered has the robot, and some did not answer",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))}))
public class HarborSyncApi extends Application {
    public static final String SYNC = "sync";
    public static final String PROXY = "proxy";
    public static final String ROBOTS = "robots";
    public static final String WEBHOOK_POLICIES = "webhook-policies";
    public static final String ADMIN = "admin";
    public static final String WEBHOOKS = "webhooks";
    /** Security scheme of the admin endpoints ({@link AdminOnly}). */
    public static final String ADMIN_TOKEN = "adminToken";
    /** Security scheme of POST /webhooks/{site}. */
    public static final String WEBHOOK_SECRET = "webhookSecret";
    /** Reference to the shared 401 of the admin endpoints. */
    public static final String ADMIN_UNAUTHORIZED = "AdminUnauthorized";
    public static final String ADMIN_UNAUTHORIZED_REF = "#/components/responses/" + ADMIN_UNAUTHORIZED;
    /** Reference to the shared 400 of an endpoint that takes no query parameter, refused by {@link QueryParameterFilter}. */
    public static final String UNKNOWN_QUERY_PARAMETER = "UnknownQueryParameter";
    public static final String UNKNOWN_QUERY_PARAMETER_REF = "#/components/responses/" + UNKNOWN_QUERY_PARAMETER;
    /** References to the answers the robot calls on an existing robot share (RobotsResource). */
    public static final String ROBOT_NOT_FOUND = "RobotNotFound";
    public static final String ROBOT_NOT_FOUND_REF = "#/components/responses/" + ROBOT_NOT_FOUND;
    public static final String ROBOT_ACCOUNT = "DaemonIsARobot";
    public static final String ROBOT_ACCOUNT_REF = "#/components/responses/" + ROBOT_ACCOUNT;
    public static final String ROBOT_UNANSWERED = "RobotUnanswered";
    public static final String ROBOT_UNANSWERED_REF = "#/components/responses/" + ROBOT_UNANSWERED;
}
