package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.harborsync.testsupport.PlainHarborHttp.json;
import static io.harborsync.testsupport.PlainHarborHttp.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator answers projects, members, repositories, artifacts, tags, paging, replication policies and errors as
 * a real Harbor v2.15.2 was observed to (real-harbor-observations.md §1, §2, §11; step ids of
 * real-exchanges-v2.15.2.json in the comments).
 */
@io.harborsync.testsupport.SpecViolationsExpected
class DataPathFidelityTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1");

    private PlainHarborHttp c() { return h1.client(); }

    private static List<String> names(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    /** mem.list.entity, mem.list.entitypart, mem.list.afterrole9, mem.get.afterrole9. */
    @Test
    void theMemberCountIgnoresTheNameFilterAndCountsHiddenMembers() {
        c().createProject("mcount", false);
        h1.emulator().addUser("u1");
        String base = "projects/mcount/members";
        HttpResponse<String> added = c().post(base, Map.of("role_id", 2, "member_user", Map.of("username", "u1")));
        String loc = added.headers().firstValue("Location").orElseThrow();
        String mid = loc.substring(loc.lastIndexOf('/') + 1);

        HttpResponse<String> one = c().get(base + "?entityname=u1");
        assertThat(json(one)).hasSize(1);
        assertThat(one.headers().firstValue("X-Total-Count")).hasValue("2");
        HttpResponse<String> prefix = c().get(base + "?entityname=u");
        assertThat(json(prefix)).isEmpty();
        assertThat(prefix.headers().firstValue("X-Total-Count")).hasValue("2");

        assertThat(c().put(base + "/" + mid, Map.of("role_id", 9)).statusCode()).isEqualTo(200);
        HttpResponse<String> all = c().get(base);
        assertThat(names(json(all), "entity_name")).containsExactly("admin");
        assertThat(all.headers().firstValue("X-Total-Count")).as("the hidden member still counts").hasValue("2");
        HttpResponse<String> hidden = c().get(base + "/" + mid);
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(message(hidden)).startsWith("the project member is not found, project id ");
    }

    /** mem.add.nouser. */
    @Test
    void aMemberWithoutUserOrGroupIsAnInternalError() {
        c().createProject("mnouser", false);
        HttpResponse<String> r = c().post("projects/mnouser/members", Map.of("role_id", 2));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r).get("errors").get(0).get("code").asText()).isEqualTo("UNKNOWN");
        assertThat(message(r)).isEqualTo("internal server error");
    }

    /** tag.create, tag.create.dup, tag.create.other, tag.create.bad, tag.create.long, tag.list.after. */
    @Test
    void aTagIsUniqueInItsRepositoryAndNeverMovedByTheApi() {
        c().createProject("tagc", false);
        String a = h1.emulator().pushArtifact("tagc", "r", null, "a");
        String b = h1.emulator().pushArtifact("tagc", "r", null, "b");
        String base = "projects/tagc/repositories/r/artifacts/";

        HttpResponse<String> created = c().post(base + a + "/tags", Map.of("name", "extra"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).as("no Location").isEmpty();
        HttpResponse<String> other = c().post(base + a + "/tags", Map.of("name", "b"));
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(message(other)).startsWith("tag b already exists under the repository ");
        assertThat(names(json(c().get(base + b + "/tags")), "name")).as("b stays where it was").containsExactly("b");
        assertThat(c().post(base + a + "/tags", Map.of("name", "extra")).statusCode()).isEqualTo(409);

        HttpResponse<String> bad = c().post(base + a + "/tags", Map.of("name", "Bad Tag!"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(message(bad)).isEqualTo("bad request: invalid tag name: Bad Tag!");
        assertThat(c().post(base + a + "/tags", Map.of("name", "t".repeat(200))).statusCode()).isEqualTo(400);

        assertThat(names(json(c().get(base + a + "/tags")), "name")).as("newest first").containsExactly("extra", "a");
        HttpResponse<String> wrong = c().delete(base + a + "/tags/b");
        assertThat(wrong.statusCode()).isEqualTo(404);
        assertThat(message(wrong)).matches("tag b attached to artifact \\d+ not found");
    }

    /** art.get.missingrepo, repo.list, art.list: lists newest first; repo.get.nested1. */
    @Test
    void repositoriesAndArtifactsListNewestFirstAndAMissingRepositoryHasNoArtifacts() {
        c().createProject("order", false);
        String first = h1.emulator().pushArtifact("order", "app", null, "v1");
        String second = h1.emulator().pushArtifact("order", "app", null, "v2");
        h1.emulator().pushArtifact("order", "team/web", null, "v1");

        assertThat(names(json(c().get("projects/order/repositories")), "name"))
                .containsExactly("order/team/web", "order/app");
        assertThat(names(json(c().get("projects/order/repositories/app/artifacts")), "digest"))
                .containsExactly(second, first);

        HttpResponse<String> missing = c().get("projects/order/repositories/nope/artifacts");
        assertThat(missing.statusCode()).isEqualTo(200);
        assertThat(json(missing)).isEmpty();
        assertThat(missing.headers().firstValue("X-Total-Count")).hasValue("0");
        assertThat(c().get("projects/order/repositories/nope").statusCode()).isEqualTo(404);

        assertThat(c().get("projects/order/repositories/team%2Fweb").statusCode()).as("single-encoded").isEqualTo(200);
        assertThat(c().get("projects/order/repositories/team%252Fweb").statusCode()).isEqualTo(200);
    }

    /** page.size0, page.sizeneg, page.page0, page.pageneg, page.beyond, page.size101, page.pageabc. */
    @Test
    void pagingAsHarborDoesIt() {
        for (String n : List.of("pg-a", "pg-b", "pg-c")) c().createProject(n, false);
        String q = "projects?name=pg-";

        HttpResponse<String> size0 = c().get(q + "&page_size=0");
        assertThat(json(size0)).hasSize(3);
        assertThat(size0.headers().firstValue("Link")).isEmpty();
        HttpResponse<String> sizeNeg = c().get(q + "&page_size=-1");
        assertThat(json(sizeNeg)).hasSize(3);
        assertThat(sizeNeg.headers().firstValue("Link"))
                .hasValue("</api/v2.0/projects?name=pg-&page=2&page_size=-1>; rel=\"next\"");
        HttpResponse<String> page0 = c().get(q + "&page=0&page_size=1");
        assertThat(names(json(page0), "name")).containsExactly("pg-a");
        assertThat(page0.headers().firstValue("Link"))
                .hasValue("</api/v2.0/projects?name=pg-&page=1&page_size=1>; rel=\"next\"");
        HttpResponse<String> pageNeg = c().get(q + "&page=-3&page_size=1");
        assertThat(names(json(pageNeg), "name")).containsExactly("pg-a");
        assertThat(pageNeg.headers().firstValue("Link"))
                .hasValue("</api/v2.0/projects?name=pg-&page=-2&page_size=1>; rel=\"next\"");
        HttpResponse<String> beyond = c().get(q + "&page=50&page_size=2");
        assertThat(json(beyond)).isEmpty();
        assertThat(beyond.headers().firstValue("X-Total-Count")).hasValue("3");
        assertThat(beyond.headers().firstValue("Link")).isEmpty();
        assertThat(c().get(q + "&page_size=101").statusCode()).isEqualTo(422);
        h1.guard().expectViolation("maximum: 100");
        assertThat(c().get(q + "&page=abc").statusCode()).isEqualTo(422);
        h1.guard().expectViolation("page=abc");
    }

    /** query.qgarbage, query.publicbad, query.withdetailbad, query.headerbad. */
    @Test
    void queryValuesAsHarborReadsThem() {
        c().createProject("qv-private", false);
        c().createProject("qv-public", true);
        HttpResponse<String> garbage = c().get("projects?name=qv-&q=garbage");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(message(garbage)).isEqualTo("the query string must contain \"=\" and the key/value cannot be empty");
        assertThat(names(json(c().get("projects?name=qv-&public=notbool")), "name")).containsExactly("qv-private");
        assertThat(json(c().get("projects?name=qv-&with_detail=maybe")).get(0).has("metadata")).isFalse();
        HttpResponse<String> header = c().send(c().request("GET", "projects/qv-public", null)
                .header("X-Is-Resource-Name", "maybe"));
        assertThat(header.statusCode()).isEqualTo(200);
        h1.guard().expectViolation("public=notbool");
        h1.guard().expectViolation("with_detail=maybe");
        h1.guard().expectViolation("maybe");
    }

    /** proj.update.badpublic, meta.get.missing, proj.deletable.withrepos. */
    @Test
    void projectSettingsAsObserved() {
        c().createProject("meta", false);
        assertThat(c().put("projects/meta", Map.of("metadata", Map.of("public", "yes"))).statusCode()).isEqualTo(200);
        assertThat(json(c().get("projects/meta/metadatas/")).get("public").asText()).isEqualTo("yes");
        HttpResponse<String> absent = c().get("projects/meta/metadatas/reuse_sys_cve_allowlist");
        assertThat(absent.statusCode()).isEqualTo(200);
        assertThat(json(absent)).isEmpty();

        h1.emulator().pushArtifact("meta", "app", null, "v1");
        JsonNode deletable = json(c().get("projects/meta/_deletable"));
        assertThat(deletable.has("deletable")).isFalse();
        assertThat(deletable.get("message").asText()).isEqualTo("the project contains repositories, can not be deleted");
    }

    /** repl.list, repl.get.afterupdate, repl.get.rdonly: the policy as Harbor shows it. */
    @Test
    void replicationPoliciesAsObserved() {
        HttpResponse<String> reg = c().post("registries", Map.of("name", "rp-reg", "type", "harbor",
                "url", "http://127.0.0.1:29080", "insecure", true));
        String rl = reg.headers().firstValue("Location").orElseThrow();
        long regId = Long.parseLong(rl.substring(rl.lastIndexOf('/') + 1));
        Map<String, Object> policy = new java.util.HashMap<>(Map.of("name", "rp-pol", "dest_registry", Map.of("id", regId),
                "dest_namespace", "", "trigger", Map.of("type", "manual"), "deletion", false, "override", true,
                "enabled", true));
        assertThat(c().post("replication/policies", policy).statusCode()).isEqualTo(201);
        policy.put("name", "rp-pol-rd");
        policy.put("deletion", true);
        assertThat(c().post("replication/policies", policy).statusCode()).isEqualTo(201);

        JsonNode listed = json(c().get("replication/policies?name=rp-pol"));
        assertThat(names(listed, "name")).as("substring match, newest first").containsExactly("rp-pol-rd", "rp-pol");
        JsonNode withDeletion = listed.get(0);
        assertThat(withDeletion.get("deletion").asBoolean()).isTrue();
        assertThat(withDeletion.get("replicate_deletion").asBoolean()).isTrue();
        JsonNode without = listed.get(1);
        assertThat(without.has("deletion")).isFalse();
        assertThat(without.has("replicate_deletion")).isFalse();
        assertThat(without.has("dest_namespace")).isFalse();
        assertThat(without.get("src_registry").get("name").asText()).isEqualTo("Local");
        assertThat(without.get("src_registry").get("id").asLong()).isZero();
        assertThat(without.get("copy_by_chunk").asBoolean()).isFalse();
        assertThat(without.get("single_active_replication").asBoolean()).isFalse();
        assertThat(without.get("dest_registry").has("ca_certificate")).isFalse();
    }

    /** proj.get.missing, proj.head.missing: the headers of errors. */
    @Test
    void errorsSayTheirCharsetAndHeadErrorsTheirLength() {
        HttpResponse<String> missing = c().get("projects/no-such-project");
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(c().get("projects").headers().firstValue("Content-Type")).hasValue("application/json");

        HttpResponse<String> head = c().head("projects?project_name=no-such-project");
        assertThat(head.statusCode()).isEqualTo(404);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(head.headers().firstValue("Content-Length"))
                .hasValue(String.valueOf("{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"project no-such-project not found\"}]}".length()));

    }
}
