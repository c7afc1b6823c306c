package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Artifacts and their tags (api-notes 6; observations §1, §11), with labels and immutability shown on request, and
 * the push as the registry records it ({@link #push}): every push and deletion fires its webhook and audit row.
 */
final class ArtifactsApi {
    /** A tag as the distribution reference grammar has it: at most 128 word characters, dots and dashes. */
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SiteData site;
    private final AuditLog audit;
    private final Lookup lookup;
    private final LabelsApi labels;
    private final ImmutableRulesApi immutableRules;
    private final ProjectWebhooksApi webhooks;

    ArtifactsApi(SiteData site, AuditLog audit, Lookup lookup, LabelsApi labels, ImmutableRulesApi immutableRules,
                 ProjectWebhooksApi webhooks) {
        this.site = site;
        this.audit = audit;
        this.lookup = lookup;
        this.labels = labels;
        this.immutableRules = immutableRules;
        this.webhooks = webhooks;
    }

    void routes(Router router) {
        router.add("GET", "projects/{p}/repositories/{r}/artifacts", (r, p) -> listArtifacts(r, p));
        router.add("GET", "projects/{p}/repositories/{r}/artifacts/{ref}", (r, p) -> {
            SiteData.Repository repo = lookup.repository(r, p);
            SiteData.Artifact a = lookup.artifact(repo, p.get("ref"));
            return Response.ok(decorated(r, artifactJson(a, repo, !Boolean.FALSE.equals(r.boolParam("with_tag"))), a, repo));
        });
        router.add("DELETE", "projects/{p}/repositories/{r}/artifacts/{ref}", (r, p) -> deleteArtifact(r, p));
        router.add("GET", "projects/{p}/repositories/{r}/artifacts/{ref}/tags", (r, p) -> {
            SiteData.Repository repo = lookup.repository(r, p);
            SiteData.Artifact a = lookup.artifact(repo, p.get("ref"));
            boolean immutable = Boolean.TRUE.equals(r.boolParam("with_immutable_status"));
            return Paging.page(r, newestFirst(a.tags), t -> immutable ? immutableRules.decorateTag(tagJson(t, a, repo), repo) : tagJson(t, a, repo));
        });
        router.add("POST", "projects/{p}/repositories/{r}/artifacts/{ref}/tags", (r, p) -> createTag(r, p));
        router.add("DELETE", "projects/{p}/repositories/{r}/artifacts/{ref}/tags/{tag}", (r, p) -> deleteTag(r, p));
    }

    private static String randomDigest() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        StringBuilder sb = new StringBuilder("sha256:");
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    private ObjectNode tagJson(SiteData.Tag t, SiteData.Artifact a, SiteData.Repository repo) {
        return Json.obj().put("id", t.id).put("repository_id", repo.id).put("artifact_id", a.id).put("name", t.name)
                .put("push_time", Json.time(t.pushTime)).put("pull_time", Json.time(Json.ZERO_TIME)).put("immutable", false);
    }

    private ObjectNode artifactJson(SiteData.Artifact a, SiteData.Repository repo, boolean withTag) {
        ObjectNode o = Json.obj().put("id", a.id).put("type", "IMAGE")
                .put("media_type", "application/vnd.oci.image.config.v1+json")
                .put("manifest_media_type", "application/vnd.oci.image.manifest.v1+json")
                .put("project_id", repo.projectId).put("repository_id", repo.id).put("repository_name", repo.name)
                .put("digest", a.digest).put("size", 0).put("icon", "sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06")
                .put("push_time", Json.time(a.pushTime)).put("pull_time", Json.time(Json.ZERO_TIME));
        // fields Harbor adds to every artifact (observations §1 "field shapes", steps art.*), with its Go nil slices as
        // JSON null (accessories, labels, references, and tags when not asked for or none) and the extra_attrs of an
        // image config without those fields: both outside the spec, see testsupport.HarborSpec's whitelist.
        o.putNull("accessories").putNull("labels");
        o.putObject("extra_attrs").put("architecture", "").put("author", "").put("created", "0001-01-01T00:00:00Z")
                .put("os", "").putObject("config");
        o.put("artifact_type", "application/vnd.oci.image.config.v1+json");
        o.putObject("addition_links").putObject("build_history").put("absolute", false).put("href", EmulatorRoutes.BASE + "/projects/"
                + repo.name.substring(0, repo.name.indexOf('/')) + "/repositories/"
                + repo.name.substring(repo.name.indexOf('/') + 1).replace("/", "%252F") + "/artifacts/" + a.digest
                + "/additions/build_history");
        o.putNull("references");
        if (withTag && !a.tags.isEmpty()) {
            ArrayNode tags = o.putArray("tags");
            newestFirst(a.tags).forEach(t -> tags.add(tagJson(t, a, repo)));
        } else {
            o.putNull("tags"); // step art.get.digest.notag
        }
        return o;
    }

    /** Tags newest first, as Harbor lists them (steps tag.list.tagc, tag.list.after). */
    private static List<SiteData.Tag> newestFirst(List<SiteData.Tag> tags) {
        return tags.stream().sorted(Comparator.comparing((SiteData.Tag t) -> t.pushTime).thenComparingLong(t -> t.id)
                .reversed()).toList();
    }

    /** Artifacts newest push first, as Harbor lists them (observations §1 "list order", step art.list). */
    private Response listArtifacts(Request r, Map<String, String> params) {
        SiteData.Project p = lookup.projectByName(r, params.get("p"));
        SiteData.Repository repo = site.repository(p.id, p.name + "/" + Request.pathUnescape(params.get("r")));
        if (repo == null) return Paging.page(r, List.<SiteData.Artifact>of(), a -> Json.obj()); // 200 [], not 404 (step art.get.missingrepo)
        boolean withTag = !Boolean.FALSE.equals(r.boolParam("with_tag"));
        List<SiteData.Artifact> list = site.artifactsOf(repo.id).stream()
                .sorted(Comparator.comparing((SiteData.Artifact a) -> a.pushTime).thenComparingLong(a -> a.id).reversed())
                .toList();
        return Paging.page(r, list, a -> decorated(r, artifactJson(a, repo, withTag), a, repo));
    }

    /** {@code with_label} and {@code with_immutable_status} (observations §4, §5). */
    private ObjectNode decorated(Request r, ObjectNode o, SiteData.Artifact a, SiteData.Repository repo) {
        if (Boolean.TRUE.equals(r.boolParam("with_label"))) labels.decorate(o, a);
        if (Boolean.TRUE.equals(r.boolParam("with_immutable_status"))) immutableRules.decorate(o, repo);
        return o;
    }

    private Response deleteArtifact(Request r, Map<String, String> params) {
        SiteData.Repository repo = lookup.repository(r, params);
        SiteData.Artifact a = lookup.artifact(repo, params.get("ref"));
        immutableRules.refuseDelete(repo, a.tags.stream().map(t -> t.name).toList());
        removeArtifact(r.username(), r.requestId, repo, a, true);
        return Response.empty();
    }

    /** Deletes the whole artifact with its tags: one DELETE_ARTIFACT (first tag) and one artifact/delete row. */
    void removeArtifact(String operator, String requestId, SiteData.Repository repo, SiteData.Artifact a, boolean repoStays) {
        site.artifacts.remove(a.id);
        repo.touch();
        audit.record(operator, "artifact", "delete", repo.name + "@" + a.digest, repo.projectId);
        String tag = a.tags.isEmpty() ? null : a.tags.get(0).name;
        webhooks.fireArtifactEvent("DELETE_ARTIFACT", repo, a.digest, tag, repoStays, operator, requestId);
    }

    /**
     * A tag is unique in its repository: one on another artifact is a 409 as on this one, never moved (a push moves
     * tags, the API does not). 201 without Location; an invalid name 400 (observations §11, steps tag.create.*).
     */
    private Response createTag(Request r, Map<String, String> params) {
        SiteData.Repository repo = lookup.repository(r, params);
        SiteData.Artifact a = lookup.artifact(repo, params.get("ref"));
        ObjectNode body = Json.requireObject(r.json(), "tag");
        String name = Json.str(body, "tag", "name");
        if (name == null || !TAG.matcher(name).matches()) {
            throw ApiError.badRequest("bad request: invalid tag name: " + (name == null ? "" : name));
        }
        for (SiteData.Artifact any : site.artifactsOf(repo.id)) {
            if (any.tags.stream().anyMatch(t -> t.name.equals(name))) {
                throw ApiError.conflict("tag " + name + " already exists under the repository " + repo.id);
            }
        }
        moveTag(repo, a, name);
        repo.touch();
        audit.record(r.username(), "tag", "create", repo.name + ":" + name, repo.projectId); // no webhook (api-notes 0)
        return Response.status(201);
    }

    private void moveTag(SiteData.Repository repo, SiteData.Artifact target, String name) {
        for (SiteData.Artifact other : site.artifactsOf(repo.id)) {
            if (other != target) other.tags.removeIf(t -> t.name.equals(name));
        }
        if (target.tags.stream().noneMatch(t -> t.name.equals(name))) {
            SiteData.Tag t = new SiteData.Tag();
            t.id = site.next("tag");
            t.name = name;
            t.pushTime = Instant.now();
            target.tags.add(t);
        }
    }

    private Response deleteTag(Request r, Map<String, String> params) {
        SiteData.Repository repo = lookup.repository(r, params);
        SiteData.Artifact a = lookup.artifact(repo, params.get("ref"));
        String name = params.get("tag");
        if (a.tags.stream().noneMatch(t -> t.name.equals(name))) {
            throw ApiError.notFound("tag " + name + " attached to artifact " + a.id + " not found");
        }
        immutableRules.refuseDelete(repo, List.of(name));
        a.tags.removeIf(t -> t.name.equals(name));
        repo.touch();
        audit.record(r.username(), "tag", "delete", repo.name + ":" + name, repo.projectId); // no webhook
        return Response.empty();
    }

    /** A pull as the registry would record it: the repository's pull count and update time move (issue 18). */
    void pull(String projectName, String repository, String reference) {
        SiteData.Project p = site.projectByName(projectName);
        SiteData.Repository repo = p == null ? null : site.repository(p.id, p.name + "/" + repository);
        if (repo == null) throw ApiError.notFound("repository " + projectName + "/" + repository + " not found");
        boolean found = site.artifactsOf(repo.id).stream().anyMatch(a -> a.digest.equals(reference)
                || a.tags.stream().anyMatch(t -> t.name.equals(reference)));
        if (!found) throw ApiError.notFound("artifact " + reference + " not found");
        repo.pulls++;
        repo.touch();
    }

    /** A push as the registry would record it: repository created on demand, tags moved, one PUSH_ARTIFACT. */
    String push(String operator, String requestId, String projectName, String repository, String digest, List<String> tags) {
        SiteData.Project p = site.projectByName(projectName);
        if (p == null) throw ApiError.notFound("project " + projectName + " not found");
        if (repository == null || repository.isEmpty()) throw ApiError.badRequest("repository is required");
        String d = digest == null || digest.isEmpty() ? randomDigest() : digest;
        if (!d.matches("sha256:[0-9a-f]{64}")) throw ApiError.badRequest("invalid digest " + d);
        Instant now = Instant.now();
        String full = p.name + "/" + repository;
        SiteData.Repository repo = site.repository(p.id, full);
        if (repo != null) immutableRules.refusePush(repo, d, tags);
        if (repo == null) {
            repo = new SiteData.Repository();
            repo.id = site.next("repository");
            repo.projectId = p.id;
            repo.name = full;
            repo.created = now;
            site.repositories.put(repo.id, repo);
        }
        repo.touch();
        SiteData.Artifact a = site.artifact(repo.id, d);
        if (a == null) {
            a = new SiteData.Artifact();
            a.id = site.next("artifact");
            a.repoId = repo.id;
            a.digest = d;
            site.artifacts.put(a.id, a);
        }
        a.pushTime = now;
        for (String t : tags) moveTag(repo, a, t);
        String tag = tags.isEmpty() ? null : tags.get(0);
        // resource repo:tag, description by digest (observations §10)
        audit.record(operator, "artifact", "create", tag == null ? full + "@" + d : full + ":" + tag, p.id,
                "push artifact: " + full + "@" + d);
        webhooks.fireArtifactEvent("PUSH_ARTIFACT", repo, d, tag, true, operator, requestId);
        return d;
    }
}
