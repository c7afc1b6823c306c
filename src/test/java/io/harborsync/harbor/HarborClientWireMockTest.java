package io.harborsync.harbor;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.harborsync.config.Site;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the client puts on the wire and how it reads Harbor's answers, including the failures a real
 * Harbor (or the network in front of it) produces. The emulator contract tests cover the happy paths.
 */
@QuarkusTest
class HarborClientWireMockTest {
    static WireMockServer wm;
    HarborClient client;

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(options().dynamicPort());
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void newClient() {
        wm.resetAll();
        client = HarborClientFactory.create(new Site("h1", URI.create(wm.baseUrl()), "robot$sync", "s3cret-Pw",
                Optional.empty(), Optional.empty()), Duration.ofSeconds(2), Duration.ofMillis(700), 2);
    }

    private static String json(String s) {
        return s.replace('\'', '"');
    }

    @Test
    void followsLinkHeadersUntilTheLastPage() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson(json("[{'project_id':1,'name':'a'},{'project_id':2,'name':'b'}]"))
                        .withHeader("X-Total-Count", "3")
                        .withHeader("Link", "</api/v2.0/projects?page=2&page_size=2>; rel=\"next\"")));
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson(json("[{'project_id':3,'name':'c'}]"))
                        .withHeader("X-Total-Count", "3")
                        .withHeader("Link", "</api/v2.0/projects?page=1&page_size=2>; rel=\"prev\"")));

        assertThat(client.projects().list()).extracting(HarborModel.Project::name).containsExactly("a", "b", "c");
        wm.verify(2, getRequestedFor(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("page_size", equalTo("2")));
    }

    @Test
    void withoutLinkHeaderPagingStopsAtTheTotalCount() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson(json("[{'name':'a'},{'name':'b'}]")).withHeader("X-Total-Count", "2")));
        assertThat(client.projects().list()).hasSize(2);
        wm.verify(1, getRequestedFor(urlPathEqualTo("/api/v2.0/projects")));
    }

    /** A client that waits for slow answers: these tests are about what it asks, not about timeouts. */
    private HarborClient patient() {
        return HarborClientFactory.create(new Site("h1", URI.create(wm.baseUrl()), "robot$sync", "s3cret-Pw",
                Optional.empty(), Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(10), 2);
    }

    /**
     * Real Harbor answers {@code page_size=-1} with every row and a next link to page 2 of the same, and
     * {@code page=0} with page 1 and a next link to page 1 (observations §2, steps page.sizeneg, page.page0): a
     * server whose next link does not lead on is not followed, nor is the listing paged on by the client's own
     * count forever. Here every page is the whole list with a next link to page 2.
     */
    @Test
    void aNextLinkThatDoesNotAdvanceIsNotFollowedAndTheListingIsUnknown() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects"))
                .willReturn(okJson(json("[{'project_id':1,'name':'a'},{'project_id':2,'name':'b'}]"))
                        .withHeader("X-Total-Count", "2")
                        .withHeader("Link", "</api/v2.0/projects?page=2&page_size=-1>; rel=\"next\"")));

        HarborException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(HarborException.class, patient().projects()::list));

        assertThat(e.isUnknownState()).as("an unfinished listing says nothing about what is missing").isTrue();
        assertThat(e.getMessage()).contains("after page 2 leads to page 2");
        // WireMock journals a request after answering it: wait for both, so none is counted in the next test
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                wm.verify(2, getRequestedFor(urlPathEqualTo("/api/v2.0/projects"))));
    }

    /** The member listing's next link is as good as any; one that points back (page=1 from page 1) is refused. */
    @Test
    void aNextLinkBackToTheSamePageIsRefusedAtOnce() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects/p/members"))
                .willReturn(okJson(json("[{'id':1,'entity_name':'admin','entity_type':'u','role_id':1}]"))
                        .withHeader("X-Total-Count", "3")
                        .withHeader("Link", "</api/v2.0/projects/p/members?page=1&page_size=1>; rel=\"next\"")));

        HarborException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(HarborException.class, () -> patient().members().list("p")));

        assertThat(e.isUnknownState()).isTrue();
        assertThat(e.getMessage()).contains("after page 1 leads to page 1");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                wm.verify(1, getRequestedFor(urlPathEqualTo("/api/v2.0/projects/p/members"))));
    }

    /** Paging values Harbor reads as "no paging" (0, -1) or refuses (over 100) never go out, whatever is configured. */
    @Test
    void pageSizesOutsideOneToAHundredAreNeverSent() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects"))
                .willReturn(okJson("[]").withHeader("X-Total-Count", "0")));
        for (int configured : new int[]{0, -1, 101, 1000}) {
            HarborClientFactory.create(new Site("h1", URI.create(wm.baseUrl()), "robot$sync", "s3cret-Pw",
                    Optional.empty(), Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(10), configured)
                    .projects().list();
        }
        List<String> sizes = wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2.0/projects"))).stream()
                .map(r -> r.queryParameter("page_size").firstValue()).toList();
        assertThat(sizes).containsExactly("1", "1", "100", "100");
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/api/v2.0/projects"))))
                .allSatisfy(r -> assertThat(r.queryParameter("page").firstValue()).isEqualTo("1"));
    }

    @Test
    void aListingThatShiftsWhileReadIsUnknownNotShort() {
        // Page 2 reports a smaller total: a project vanished between pages and one may have been skipped.
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson(json("[{'name':'a'},{'name':'b'}]")).withHeader("X-Total-Count", "4")));
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson(json("[{'name':'d'}]")).withHeader("X-Total-Count", "3")));
        HarborException e = assertThrows(HarborException.class, client.projects()::list);
        assertThat(e.isUnknownState()).isTrue();
        assertThat(e.code()).isEqualTo("INCOMPLETE_LISTING");
    }

    @Test
    void repositoryNamesAreEncodedTwiceAndReferencesOnce() {
        wm.stubFor(delete(anyUrl()).willReturn(ok()));
        client.repositories().delete("team-a", "app/web");
        client.artifacts().deleteTag("team-a", "app/web", "sha256:abc", "1.0");
        List<String> urls = wm.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList();
        assertThat(urls).contains("/api/v2.0/projects/team-a/repositories/app%252Fweb");
        assertThat(urls).anyMatch(u -> u.startsWith("/api/v2.0/projects/team-a/repositories/app%252Fweb/artifacts/sha256")
                && u.endsWith("/tags/1.0") && !u.contains("%253A"));
    }

    @Test
    void queryValuesAreEncodedTwice() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/robots")).willReturn(okJson("[]").withHeader("X-Total-Count", "0")));
        client.robots().listProject(7);
        String url = wm.getAllServeEvents().get(0).getRequest().getUrl();
        // Harbor decodes q once in the router and once more in parseKeywords.
        assertThat(url).contains("q=Level%253Dproject%252CProjectID%253D7");
    }

    @Test
    void projectsByNameCarryTheResourceNameHeaderAndBasicAuthWithTheRobotName() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects/123")).willReturn(okJson(json("{'name':'123'}"))));
        assertThat(client.projects().get("123").name()).isEqualTo("123");
        LoggedRequest r = wm.getAllServeEvents().get(0).getRequest();
        assertThat(r.getHeader("X-Is-Resource-Name")).isEqualTo("true");
        String expected = "Basic " + Base64.getEncoder().encodeToString("robot$sync:s3cret-Pw".getBytes(StandardCharsets.UTF_8));
        assertThat(r.getHeader("Authorization")).isEqualTo(expected);
        assertThat(r.getHeader("X-Request-Id")).startsWith(HarborClientFactory.REQUEST_ID_PREFIX);
    }

    @Test
    void neverSendsBackTheSessionCookie() {
        // A sid cookie switches on Harbor's CSRF check for every later write.
        wm.stubFor(get(anyUrl()).willReturn(okJson("[]").withHeader("Set-Cookie", "sid=abc123; Path=/; HttpOnly")
                .withHeader("X-Total-Count", "0")));
        wm.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(201)
                .withHeader("Location", "/api/v2.0/projects/team-a/members/9")));
        client.projects().list();
        client.members().add("team-a", new MemberReq(2, new UserEntity(null, "alice"), null));
        assertThat(wm.getAllServeEvents()).allSatisfy(e ->
                assertThat(e.getRequest().containsHeader("Cookie")).as("cookie on " + e.getRequest().getUrl()).isFalse());
    }

    @Test
    void harborErrorsBecomeTypedExceptionsWithHarborsCodeAndMessage() {
        wm.stubFor(delete(urlPathEqualTo("/api/v2.0/projects/team-a")).willReturn(aResponse().withStatus(412)
                .withHeader("Content-Type", "application/json")
                .withBody(json("{'errors':[{'code':'PRECONDITION','message':'the project contains repositories, can not be deleted'}]}"))));
        wm.stubFor(post(urlPathEqualTo("/api/v2.0/projects")).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json")
                .withBody(json("{'errors':[{'code':'CONFLICT','message':'The project named team-a already exists'}]}"))));
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).willReturn(aResponse().withStatus(500)
                .withBody("internal server error")));

        HarborException.PreconditionFailed pre = assertThrows(HarborException.PreconditionFailed.class,
                () -> client.projects().delete("team-a"));
        assertThat(pre.code()).isEqualTo("PRECONDITION");
        assertThat(pre.getMessage()).contains("h1", "delete project team-a", "412", "contains repositories");
        assertThat(pre.isUnknownState()).isFalse();

        assertThrows(HarborException.Conflict.class, () -> client.projects().create(
                new HarborModel.ProjectReq("team-a", false, null, null, null, null)));

        HarborException.ServerError err = assertThrows(HarborException.ServerError.class, client.projects()::list);
        assertThat(err.isUnknownState()).isTrue();
    }

    @Test
    void unauthorizedIsUnknownAndNeverCarriesTheSecret() {
        wm.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody(json("{'errors':[{'code':'UNAUTHORIZED','message':'unauthorized'}]}"))));
        HarborException e = assertThrows(HarborException.Unauthorized.class, client.projects()::list);
        assertThat(e.isUnknownState()).isTrue();
        assertThat(e.toString()).doesNotContain("s3cret-Pw");
    }

    @Test
    void slowAndDroppedAnswersAreUnreachableNotEmpty() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects")).willReturn(okJson("[]").withFixedDelay(3_000)));
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/health")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        HarborException slow = assertThrows(HarborException.Unreachable.class, client.projects()::list);
        assertThat(slow.isUnknownState()).isTrue();
        HarborException dropped = assertThrows(HarborException.Unreachable.class, client::health);
        assertThat(dropped.isUnknownState()).isTrue();
    }

    @Test
    void aRobotsForbiddenOnAMissingProjectIsResolvedWithHead() {
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects/gone")).willReturn(aResponse().withStatus(403)));
        wm.stubFor(head(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("project_name", equalTo("gone"))
                .willReturn(aResponse().withStatus(404)));
        wm.stubFor(get(urlPathEqualTo("/api/v2.0/projects/secret")).willReturn(aResponse().withStatus(403)));
        wm.stubFor(head(urlPathEqualTo("/api/v2.0/projects")).withQueryParam("project_name", equalTo("secret"))
                .willReturn(aResponse().withStatus(200)));

        assertThat(client.projects().find("gone")).isEmpty();
        assertThrows(HarborException.Forbidden.class, () -> client.projects().find("secret"));
    }

    /**
     * Each write is one request and is not read back: its answer is definitive, because what Harbor would take
     * without effect (a role outside 1..5, a metadata key outside ProjectMetadata) is refused before sending.
     */
    @Test
    void eachWriteIsOneRequestWithoutReadBack() {
        wm.stubFor(put(urlPathEqualTo("/api/v2.0/projects/team-a/members/5")).willReturn(ok()));
        wm.stubFor(delete(urlPathEqualTo("/api/v2.0/projects/team-a/members/6")).willReturn(ok()));
        wm.stubFor(put(urlPathEqualTo("/api/v2.0/projects/team-a")).willReturn(ok()));
        wm.stubFor(delete(urlPathEqualTo("/api/v2.0/projects/team-a/metadatas/severity")).willReturn(ok()));
        wm.stubFor(put(urlPathEqualTo("/api/v2.0/quotas/7")).willReturn(ok()));

        client.members().updateRole("team-a", 5, 4);
        client.members().remove("team-a", 6);
        client.projects().updateSettings("team-a", Map.of("auto_scan", "true"), HarborModel.CveAllowlist.portable(
                null, List.of(new HarborModel.CveItem("CVE-2026-0001"))));
        client.projects().removeMetadata("team-a", "severity");
        client.quotas().setStorageLimit("team-a", 1024, Optional.of(7L));

        List<LoggedRequest> sent = wm.findAll(anyRequestedFor(anyUrl()));
        assertThat(sent).extracting(r -> r.getMethod().getName() + " " + r.getUrl().replaceAll("\\?.*", ""))
                .containsExactly("PUT /api/v2.0/projects/team-a/members/5", "DELETE /api/v2.0/projects/team-a/members/6",
                        "PUT /api/v2.0/projects/team-a", "DELETE /api/v2.0/projects/team-a/metadatas/severity",
                        "PUT /api/v2.0/quotas/7");
        String projectPut = sent.get(2).getBodyAsString();
        assertThat(projectPut).as("metadata and allowlist in one PUT").contains("\"auto_scan\":\"true\"")
                .contains("CVE-2026-0001");
    }

    @Test
    void metadataKeysHarborWouldDropAreRefusedBeforeSending() {
        HarborException e = assertThrows(HarborException.BadRequest.class,
                () -> client.projects().updateSettings("team-a", Map.of("auto_scna", "true"), null));
        assertThat(e.getMessage()).contains("auto_scna");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void roleIdsOutsideHarborsRolesAreRefusedBeforeSending() {
        // Harbor would store role 9 and the member would vanish from listings.
        assertThrows(HarborException.BadRequest.class, () -> client.members().updateRole("team-a", 5, 9));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }
}
