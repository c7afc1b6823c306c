package io.harborsync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.WebhookPolicy;
import io.harborsync.harbor.HarborModel.WebhookTarget;
import io.harborsync.model.Keys;
import io.harborsync.model.Scope;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Users' webhook policies as a mirrored kind over two emulated Harbors (observations §7): copied by name with
 * description, enabled, event types and targets (auth header included, never stored or reported in plaintext),
 * changed and deleted three-way attribute by attribute; the daemon's own policy and nameless ones left alone.
 * Every request is spec-checked.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class WebhookPolicyKindTest extends TwoSitesKindTest {
    static final String SECRET = "Bearer team-a-hook-s3cret";
    static final String P = "team-a";


    private Reconciler sync(SyncSettings settings) {
        return new Reconciler(f.clients, f.store, settings, Clock.systemUTC(), f.ownWrites);
    }

    private Reconciler sync() {
        return sync(SyncSettings.defaults("h1"));
    }

    private static WebhookPolicy policy(String name, String description, boolean enabled, List<String> events,
                                        WebhookTarget... targets) {
        return new WebhookPolicy(null, name, description, null, List.of(targets), events, enabled);
    }

    private static WebhookTarget http(String address, String header, boolean skip, String format) {
        return new WebhookTarget("http", address, header, skip, format);
    }

    private static Optional<WebhookPolicy> find(HarborClient c, String name) {
        return c.webhookPolicies().find(P, name);
    }

    private static String json(Object o) throws Exception {
        return new ObjectMapper().registerModule(new JavaTimeModule()).writeValueAsString(o);
    }

    /** A policy with two targets made on h1, synced once: the state most tests start from. */
    private void deployHookOnBoth() {
        project(h1, P);
        h1.webhookPolicies().create(P, policy("deploy", "tells CD", true, List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"),
                http("https://cd.example.com/hook", SECRET, true, "CloudEvents"),
                new WebhookTarget("slack", "https://hooks.slack.example.com/T1", null, false, null)));
        SyncReport r = sync().run(Scope.ALL, false, false);
        assertThat(r.failed()).isEmpty();
    }

    @Test
    void aPolicyMadeOnOneSiteIsCopiedWithEveryFieldAndItsAuthHeader() throws Exception {
        deployHookOnBoth();

        WebhookPolicy copy = find(h2, "deploy").orElseThrow();
        assertThat(copy.description()).isEqualTo("tells CD");
        assertThat(copy.enabled()).isTrue();
        assertThat(copy.eventTypes()).containsExactlyInAnyOrder("PUSH_ARTIFACT", "DELETE_ARTIFACT");
        assertThat(copy.targets()).hasSize(2);
        WebhookTarget cd = copy.targets().get(0);
        assertThat(cd.address()).isEqualTo("https://cd.example.com/hook");
        assertThat(cd.authHeader()).as("the plaintext read on h1").isEqualTo(SECRET);
        assertThat(cd.skipCertVerify()).isTrue();
        assertThat(cd.payloadFormat()).isEqualTo("CloudEvents");
        assertThat(copy.targets().get(1).type()).isEqualTo("slack");
        assertThat(copy.targets().get(1).payloadFormat()).isNull();

        // the base holds a fingerprint of the header, never the header
        String base = f.store.get(WebhookPolicyKind.WEBHOOK_POLICY.id(), Keys.webhookPolicy(P, "deploy"))
                .orElseThrow().valueJson();
        assertThat(base).doesNotContain("s3cret").contains("sha256:");
        SyncReport again = sync().run(Scope.ALL, false, false);
        assertThat(again.planned()).as("the sites agree").isEmpty();
    }

    @Test
    void aChangeOnEitherSiteReachesTheOtherIncludingANewAuthHeader() {
        deployHookOnBoth();
        WebhookPolicy onH2 = find(h2, "deploy").orElseThrow();
        h2.webhookPolicies().update(P, onH2.id(), policy("deploy", "tells CD and QA", true, List.of("PUSH_ARTIFACT"),
                http("https://cd.example.com/hook", "Bearer rotated", false, "CloudEvents")));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        WebhookPolicy onH1 = find(h1, "deploy").orElseThrow();
        assertThat(onH1.description()).isEqualTo("tells CD and QA");
        assertThat(onH1.eventTypes()).containsExactly("PUSH_ARTIFACT");
        assertThat(onH1.targets()).singleElement().satisfies(t -> {
            assertThat(t.authHeader()).isEqualTo("Bearer rotated");
            assertThat(t.skipCertVerify()).as("false is omitted by Harbor").isNull();
        });
        assertThat(onH1.enabled()).as("a PUT sends enabled, else Harbor stores false").isTrue();
        assertThat(sync().run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void changesToDifferentFieldsOnEachSiteBothSurviveAndOneFieldChangedTwiceIsAConflictTheActiveSiteWins()
            throws Exception {
        deployHookOnBoth();
        WebhookPolicy onH1 = find(h1, "deploy").orElseThrow();
        WebhookPolicy onH2 = find(h2, "deploy").orElseThrow();
        h1.webhookPolicies().update(P, onH1.id(), new WebhookPolicy(null, "deploy", "from h1", null, onH1.targets(),
                onH1.eventTypes(), true));
        h2.webhookPolicies().update(P, onH2.id(), new WebhookPolicy(null, "deploy", onH2.description(), null,
                onH2.targets(), onH2.eventTypes(), false));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.conflicts()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            WebhookPolicy p = find(c, "deploy").orElseThrow();
            assertThat(p.description()).isEqualTo("from h1");
            assertThat(p.enabled()).isFalse();
            assertThat(p.targets().get(0).authHeader()).isEqualTo(SECRET);
        }

        // the same field (the targets, with a new header each) changed on both: h1, the active site, wins
        onH1 = find(h1, "deploy").orElseThrow();
        onH2 = find(h2, "deploy").orElseThrow();
        h1.webhookPolicies().update(P, onH1.id(), new WebhookPolicy(null, "deploy", onH1.description(), null,
                List.of(http("https://cd.example.com/hook", "Bearer from-h1", false, "Default")), onH1.eventTypes(), false));
        h2.webhookPolicies().update(P, onH2.id(), new WebhookPolicy(null, "deploy", onH2.description(), null,
                List.of(http("https://cd.example.com/hook", "Bearer from-h2", false, "Default")), onH2.eventTypes(), false));

        SyncReport c = sync().run(Scope.ALL, false, false);

        assertThat(c.conflicts()).singleElement().satisfies(x -> {
            assertThat(x.key()).isEqualTo(Keys.webhookPolicy(P, "deploy"));
            assertThat(x.fields()).extracting(SyncReport.Conflict.Field::field).containsExactly(Values.TARGETS);
        });
        assertThat(json(c)).as("a conflict shows fingerprints only").doesNotContain("from-h1").doesNotContain("from-h2");
        assertThat(find(h2, "deploy").orElseThrow().targets().get(0).authHeader()).isEqualTo("Bearer from-h1");
    }

    @Test
    void aDeletionOnEitherSiteSpreadsAndIsNotUndone() {
        deployHookOnBoth();
        h2.webhookPolicies().delete(P, find(h2, "deploy").orElseThrow().id());

        SyncReport r = sync().run(Scope.project(P), false, false);

        assertThat(r.done()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(WebhookPolicyKind.WEBHOOK_POLICY);
            assertThat(i.op()).isEqualTo(SyncReport.Action.DELETE);
            assertThat(i.site()).isEqualTo("h1");
        });
        assertThat(find(h1, "deploy")).isEmpty();
        assertThat(sync().run(Scope.ALL, false, false).planned()).as("not resurrected").isEmpty();

        // and the other way
        h2.webhookPolicies().create(P, policy("audit", "", true, List.of("DELETE_ARTIFACT"),
                http("http://audit.example.com", null, false, "Default")));
        sync().run(Scope.ALL, false, false);
        assertThat(find(h1, "audit")).isPresent();
        h1.webhookPolicies().delete(P, find(h1, "audit").orElseThrow().id());
        sync().run(Scope.ALL, false, false);
        assertThat(find(h2, "audit")).isEmpty();
    }

    @Test
    void theDaemonsOwnPolicyAndANamelessOneAreNeverMirrored() {
        project(h1, P);
        // an earlier version's policy, this installation's, and another installation's: none is a user's
        h1.webhookPolicies().create(P, policy(WebhookPolicies.LEGACY_NAME, "", true, List.of("PUSH_ARTIFACT"),
                http("http://daemon.example.com/webhooks/h1", "Bearer daemon", false, "Default")));
        h1.webhookPolicies().create(P, policy(WebhookPolicies.name("http://daemon.example.com"), "", true,
                List.of("PUSH_ARTIFACT"), http("http://daemon.example.com/webhooks/h1", "Bearer d", false, "Default")));
        h1.webhookPolicies().create(P, policy(WebhookPolicies.name("http://staging.example.com"), "", true,
                List.of("PUSH_ARTIFACT"), http("http://staging.example.com/webhooks/h1", "Bearer s", false, "Default")));
        h1.webhookPolicies().create(P, policy(null, "nameless", true, List.of("PUSH_ARTIFACT"),
                http("http://nameless.example.com", null, false, "Default")));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(h2.webhookPolicies().list(P)).isEmpty();
        assertThat(r.planned()).noneMatch(i -> i.kind().equals(WebhookPolicyKind.WEBHOOK_POLICY));
        assertThat(r.skipped()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(WebhookPolicyKind.WEBHOOK_POLICY);
            assertThat(i.reason()).contains(WebhookPolicyKind.NAMELESS);
        });
        assertThat(r.skipped()).noneMatch(i -> i.key().contains(WebhookPolicies.LEGACY_NAME));
    }

    @Test
    void aDryRunWritesNothing() {
        project(h1, P);
        h1.webhookPolicies().create(P, policy("deploy", "", true, List.of("PUSH_ARTIFACT"),
                http("http://cd.example.com", SECRET, false, "Default")));

        SyncReport r = sync().run(Scope.ALL, true, false);

        assertThat(r.planned()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(WebhookPolicyKind.WEBHOOK_POLICY);
            assertThat(i.op()).isEqualTo(SyncReport.Action.CREATE);
        });
        assertThat(h2.projects().find(P)).isEmpty();
        assertThat(f.store.list(WebhookPolicyKind.WEBHOOK_POLICY.id(), "")).isEmpty();
    }

    @Test
    void disabledKindsKeepsADeletionAndTheGuardHoldsAMassDeletion() {
        deployHookOnBoth();
        h1.webhookPolicies().create(P, policy("second", "", true, List.of("PUSH_ARTIFACT"),
                http("http://two.example.com", null, false, "Default")));
        sync().run(Scope.ALL, false, false);
        assertThat(KindRegistry.standard().named("webhook-policy")).containsExactly(WebhookPolicyKind.WEBHOOK_POLICY);
        h1.webhookPolicies().list(P).forEach(p -> h1.webhookPolicies().delete(P, p.id()));
        SyncSettings keep = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25,
                Set.of(WebhookPolicyKind.WEBHOOK_POLICY), Optional.empty(), Map.of(), 1);

        SyncReport kept = sync(keep).run(Scope.ALL, false, false);

        assertThat(kept.planned()).noneMatch(i -> i.op() == SyncReport.Action.DELETE);
        assertThat(h2.webhookPolicies().list(P)).hasSize(2);

        SyncReport held = sync().run(Scope.ALL, false, false);
        assertThat(h2.webhookPolicies().list(P)).as("two of two deleted: held by the guard").hasSize(2);
        assertThat(held.done()).noneMatch(i -> i.op() == SyncReport.Action.DELETE);
        sync().run(Scope.ALL, false, true);
        assertThat(h2.webhookPolicies().list(P)).as("forced").isEmpty();
    }

    @Test
    void aFailedListingMakesTheProjectsPoliciesUnknownNotAbsent() {
        deployHookOnBoth();
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/projects/team-a/webhook/policies.*").status(503));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.planned()).noneMatch(i -> i.kind().equals(WebhookPolicyKind.WEBHOOK_POLICY));
        assertThat(find(h1, "deploy")).isPresent();
    }
}
