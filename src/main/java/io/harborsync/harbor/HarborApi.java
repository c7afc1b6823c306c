package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.*;
import jakarta.ws.rs.*;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.Map;

/**
 * The parts of Harbor's REST API v2.0 harbor-sync uses, as a Quarkus REST client. One instance per
 * site is built by {@link HarborClientFactory}; code talks to {@link HarborClient}, which adds paging,
 * name encoding, error mapping and read-back checks on top of this raw surface.
 *
 * <p>Encoding contract: {@code repo} path values arrive here already percent-encoded once; the client
 * encodes them a second time, which is what Harbor expects (api-notes §1). The same holds for {@code q}.
 * Project names are sent with {@code X-Is-Resource-Name: true} because a name may be all digits.
 */
@Path("/api/v2.0")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface HarborApi {
    String NAME = "X-Is-Resource-Name";

    // --- system ---
    @GET
    @Path("/health")
    OverallHealth health();

    @GET
    @Path("/systeminfo")
    SystemInfo systemInfo();

    // --- projects ---
    @GET
    @Path("/projects")
    RestResponse<List<Project>> listProjects(@QueryParam("page") int page, @QueryParam("page_size") int pageSize,
                                             @QueryParam("q") String q, @QueryParam("with_detail") Boolean withDetail);

    @HEAD
    @Path("/projects")
    RestResponse<Void> headProject(@QueryParam("project_name") String projectName);

    @POST
    @Path("/projects")
    RestResponse<Void> createProject(ProjectReq req);

    @GET
    @Path("/projects/{project}")
    Project getProject(@HeaderParam(NAME) String isName, @PathParam("project") String project);

    @PUT
    @Path("/projects/{project}")
    void updateProject(@HeaderParam(NAME) String isName, @PathParam("project") String project, ProjectReq req);

    @DELETE
    @Path("/projects/{project}")
    void deleteProject(@HeaderParam(NAME) String isName, @PathParam("project") String project);

    @GET
    @Path("/projects/{project}/metadatas/")
    Map<String, String> getMetadata(@HeaderParam(NAME) String isName, @PathParam("project") String project);

    @DELETE
    @Path("/projects/{project}/metadatas/{key}")
    void deleteMetadata(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                        @PathParam("key") String key);

    @GET
    @Path("/quotas")
    RestResponse<List<Quota>> listQuotaPage(@QueryParam("reference") String reference, @QueryParam("page") int page,
                                            @QueryParam("page_size") int pageSize);

    @GET
    @Path("/quotas")
    List<Quota> listQuotas(@QueryParam("reference") String reference, @QueryParam("reference_id") String referenceId);

    @PUT
    @Path("/quotas/{id}")
    void updateQuota(@PathParam("id") long id, QuotaUpdateReq req);

    // --- members ---
    @GET
    @Path("/projects/{project}/members")
    RestResponse<List<Member>> listMembers(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                                           @QueryParam("page") int page, @QueryParam("page_size") int pageSize,
                                           @QueryParam("entityname") String entityName);

    @POST
    @Path("/projects/{project}/members")
    RestResponse<Void> addMember(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                                 MemberReq req);

    @GET
    @Path("/projects/{project}/members/{mid}")
    Member getMember(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                     @PathParam("mid") long memberId);

    @PUT
    @Path("/projects/{project}/members/{mid}")
    void updateMember(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                      @PathParam("mid") long memberId, RoleRequest req);

    @DELETE
    @Path("/projects/{project}/members/{mid}")
    void deleteMember(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                      @PathParam("mid") long memberId);

    // --- repositories, artifacts, tags (project_name paths take a name, no header needed) ---
    @GET
    @Path("/projects/{project}/repositories")
    RestResponse<List<Repository>> listRepositories(@PathParam("project") String project,
                                                    @QueryParam("page") int page,
                                                    @QueryParam("page_size") int pageSize);

    @DELETE
    @Path("/projects/{project}/repositories/{repo}")
    void deleteRepository(@PathParam("project") String project, @PathParam("repo") String repo);

    @GET
    @Path("/projects/{project}/repositories/{repo}/artifacts")
    RestResponse<List<Artifact>> listArtifacts(@PathParam("project") String project, @PathParam("repo") String repo,
                                               @QueryParam("page") int page, @QueryParam("page_size") int pageSize,
                                               @QueryParam("with_tag") Boolean withTag,
                                               @QueryParam("with_label") Boolean withLabel);

    @GET
    @Path("/projects/{project}/repositories/{repo}/artifacts/{reference}")
    Artifact getArtifact(@PathParam("project") String project, @PathParam("repo") String repo,
                         @PathParam("reference") String reference);

    @DELETE
    @Path("/projects/{project}/repositories/{repo}/artifacts/{reference}")
    void deleteArtifact(@PathParam("project") String project, @PathParam("repo") String repo,
                        @PathParam("reference") String reference);

    @GET
    @Path("/projects/{project}/repositories/{repo}/artifacts/{reference}/tags")
    RestResponse<List<Tag>> listTags(@PathParam("project") String project, @PathParam("repo") String repo,
                                     @PathParam("reference") String reference, @QueryParam("page") int page,
                                     @QueryParam("page_size") int pageSize);

    @POST
    @Path("/projects/{project}/repositories/{repo}/artifacts/{reference}/tags")
    RestResponse<Void> createTag(@PathParam("project") String project, @PathParam("repo") String repo,
                                 @PathParam("reference") String reference, Tag tag);

    @DELETE
    @Path("/projects/{project}/repositories/{repo}/artifacts/{reference}/tags/{tag}")
    void deleteTag(@PathParam("project") String project, @PathParam("repo") String repo,
                   @PathParam("reference") String reference, @PathParam("tag") String tag);

    // --- robots ---
    @GET
    @Path("/robots")
    RestResponse<List<Robot>> listRobots(@QueryParam("page") int page, @QueryParam("page_size") int pageSize,
                                         @QueryParam("q") String q);

    @POST
    @Path("/robots")
    RobotCreated createRobot(RobotCreate req);

    @GET
    @Path("/robots/{id}")
    Robot getRobot(@PathParam("id") long id);

    @PUT
    @Path("/robots/{id}")
    void updateRobot(@PathParam("id") long id, Robot req);

    @PATCH
    @Path("/robots/{id}")
    RobotSec refreshRobotSecret(@PathParam("id") long id, RobotSec req);

    @DELETE
    @Path("/robots/{id}")
    void deleteRobot(@PathParam("id") long id);

    // --- registries and replication ---
    @GET
    @Path("/registries")
    RestResponse<List<Registry>> listRegistries(@QueryParam("page") int page, @QueryParam("page_size") int pageSize);

    @POST
    @Path("/registries")
    RestResponse<Void> createRegistry(Registry req);

    @GET
    @Path("/registries/{id}")
    Registry getRegistry(@PathParam("id") long id);

    @PUT
    @Path("/registries/{id}")
    void updateRegistry(@PathParam("id") long id, RegistryUpdate req);

    @DELETE
    @Path("/registries/{id}")
    void deleteRegistry(@PathParam("id") long id);

    @GET
    @Path("/replication/policies")
    RestResponse<List<ReplicationPolicy>> listReplicationPolicies(@QueryParam("page") int page,
                                                                  @QueryParam("page_size") int pageSize);

    @POST
    @Path("/replication/policies")
    RestResponse<Void> createReplicationPolicy(ReplicationPolicy req);

    @GET
    @Path("/replication/policies/{id}")
    ReplicationPolicy getReplicationPolicy(@PathParam("id") long id);

    @PUT
    @Path("/replication/policies/{id}")
    void updateReplicationPolicy(@PathParam("id") long id, ReplicationPolicy req);

    @DELETE
    @Path("/replication/policies/{id}")
    void deleteReplicationPolicy(@PathParam("id") long id);

    @POST
    @Path("/replication/executions")
    RestResponse<Void> startReplication(StartReplicationExecution req);

    @GET
    @Path("/replication/executions")
    RestResponse<List<ReplicationExecution>> listReplicationExecutions(@QueryParam("policy_id") Long policyId,
                                                                       @QueryParam("page") int page,
                                                                       @QueryParam("page_size") int pageSize);

    @GET
    @Path("/replication/executions/{id}")
    ReplicationExecution getReplicationExecution(@PathParam("id") long id);

    // --- webhook policies (per project in Harbor) ---
    @GET
    @Path("/projects/{project}/webhook/policies")
    RestResponse<List<WebhookPolicy>> listWebhookPolicies(@HeaderParam(NAME) String isName,
                                                          @PathParam("project") String project,
                                                          @QueryParam("page") int page,
                                                          @QueryParam("page_size") int pageSize);

    @POST
    @Path("/projects/{project}/webhook/policies")
    RestResponse<Void> createWebhookPolicy(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                                           WebhookPolicy req);

    @PUT
    @Path("/projects/{project}/webhook/policies/{id}")
    void updateWebhookPolicy(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                             @PathParam("id") long id, WebhookPolicy req);

    @DELETE
    @Path("/projects/{project}/webhook/policies/{id}")
    void deleteWebhookPolicy(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                             @PathParam("id") long id);

    // --- audit log (v2.13+) ---
    @GET
    @Path("/auditlog-exts")
    RestResponse<List<AuditLogExt>> listAuditLogs(@QueryParam("q") String q, @QueryParam("sort") String sort,
                                                  @QueryParam("page") int page, @QueryParam("page_size") int pageSize);

    @GET
    @Path("/auditlog-exts/events")
    List<AuditLogEventType> listAuditLogEventTypes();

    // --- tag immutability rules, tag retention policies, the system CVE allowlist (issue 16) ---
    @GET
    @Path("/projects/{project}/immutabletagrules")
    RestResponse<List<ImmutableRule>> listImmutableRules(@HeaderParam(NAME) String isName,
                                                         @PathParam("project") String project,
                                                         @QueryParam("page") int page,
                                                         @QueryParam("page_size") int pageSize);

    @POST
    @Path("/projects/{project}/immutabletagrules")
    RestResponse<Void> createImmutableRule(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                                           ImmutableRule rule);

    @PUT
    @Path("/projects/{project}/immutabletagrules/{id}")
    void updateImmutableRule(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                             @PathParam("id") long id, ImmutableRule rule);

    @DELETE
    @Path("/projects/{project}/immutabletagrules/{id}")
    void deleteImmutableRule(@HeaderParam(NAME) String isName, @PathParam("project") String project,
                             @PathParam("id") long id);

    @POST
    @Path("/retentions")
    RestResponse<Void> createRetention(RetentionPolicy policy);

    @GET
    @Path("/retentions/{id}")
    RetentionPolicy getRetention(@PathParam("id") long id);

    @PUT
    @Path("/retentions/{id}")
    void updateRetention(@PathParam("id") long id, RetentionPolicy policy);

    @DELETE
    @Path("/retentions/{id}")
    void deleteRetention(@PathParam("id") long id);

    @GET
    @Path("/system/CVEAllowlist")
    CveAllowlist getSystemCveAllowlist();

    @PUT
    @Path("/system/CVEAllowlist")
    void putSystemCveAllowlist(CveAllowlist allowlist);

    // --- labels and artifact labels (issue 16) ---
    @GET
    @Path("/labels")
    RestResponse<List<Label>> listLabels(@QueryParam("scope") String scope, @QueryParam("project_id") Long projectId,
                                         @QueryParam("name") String name, @QueryParam("page") int page,
                                         @QueryParam("page_size") int pageSize);

    @POST
    @Path("/labels")
    RestResponse<Void> createLabel(Label req);

    @PUT
    @Path("/labels/{id}")
    void updateLabel(@PathParam("id") long id, Label req);

    @DELETE
    @Path("/labels/{id}")
    void deleteLabel(@PathParam("id") long id);

    @POST
    @Path("/projects/{project}/repositories/{repo}/artifacts/{reference}/labels")
    void addArtifactLabel(@PathParam("project") String project, @PathParam("repo") String repo,
                          @PathParam("reference") String reference, Label label);

    @DELETE
    @Path("/projects/{project}/repositories/{repo}/artifacts/{reference}/labels/{id}")
    void removeArtifactLabel(@PathParam("project") String project, @PathParam("repo") String repo,
                             @PathParam("reference") String reference, @PathParam("id") long labelId);
}
