package io.harborsync.sync;

import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.harbor.HarborModel.RetentionPolicy;
import io.harborsync.harbor.HarborModel.RetentionRule;
import io.harborsync.harbor.HarborModel.RetentionScope;
import io.harborsync.harbor.HarborModel.RetentionTrigger;
import io.harborsync.harbor.HarborModel.Selector;
import io.harborsync.harbor.HarborModel.UserEntity;
import io.harborsync.model.Keys;
import io.harborsync.model.Scope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project's tag retention policy as a mirrored kind over two emulated Harbors (observations §6): found through the
 * project's retention_id (per site, never copied), created after its project with the site's own project id as
 * scope, replaced whole by PUT, deleted; merged attribute by attribute (algorithm, rules, trigger); a policy Harbor
 * cannot read is unknown on that site alone. Every request is spec-checked.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class RetentionPolicyKindTest extends TwoSitesKindTest {
    static final String P = "team-a";
    static final String KEY = Keys.retention(P);

    @BeforeEach
    void setUp() {
        project(h1, P);
    }

    private Reconciler sync(SyncSettings settings) {
        return f.reconciler(settings);
    }

    private Reconciler sync() {
        return sync(SyncSettings.defaults("h1"));
    }

    static RetentionRule rule(String template, int n, String tags) {
        return new RetentionRule(null, null, false, "retain", template, Map.of(template, n),
                List.of(new Selector("doublestar", "matches", tags, null)),
                Map.of("repository", List.of(new Selector("doublestar", "repoMatches", "**", null))));
    }

    private static long projectId(HarborClient c) {
        return c.projects().get(P).projectId();
    }

    private static RetentionPolicy policy(HarborClient c, String kind, String cron, RetentionRule... rules) {
        return new RetentionPolicy(null, "or", List.of(rules), new RetentionTrigger(kind, Map.of("cron", cron)),
                new RetentionScope("project", projectId(c)));
    }

    private static Optional<Long> policyId(HarborClient c) {
        return RetentionPolicyKind.policyId(c.projects().get(P));
    }

    private static RetentionPolicy read(HarborClient c) {
        return c.retentions().get(policyId(c).orElseThrow());
    }

    @Test
    void aPolicyIsCopiedAfterItsProjectWithTheSitesOwnProjectAndId() {
        h1.retentions().create(policy(h1, "Schedule", "0 0 3 * * *", rule("latestPushedK", 3, "**"),
                rule("nDaysSinceLastPush", 30, "release-*")));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        RetentionPolicy copy = read(h2);
        assertThat(copy.scope().ref()).isEqualTo(projectId(h2));
        assertThat(RetentionPolicyKind.value(copy)).isEqualTo(RetentionPolicyKind.value(read(h1)));
        assertThat(copy.rules()).extracting(RetentionRule::template).containsExactly("latestPushedK", "nDaysSinceLastPush");
        assertThat(copy.trigger().settings()).as("next_scheduled_time is each site's own")
                .containsEntry("cron", "0 0 3 * * *").containsKey("next_scheduled_time");
        // retention_id is neither copied nor compared as project metadata: nothing left to do
        assertThat(sync().run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void aReplacedRuleListAndAChangedScheduleTravelBothWays() {
        h1.retentions().create(policy(h1, "Schedule", "", rule("latestPushedK", 3, "**")));
        sync().run(Scope.ALL, false, false);
        h2.retentions().update(policyId(h2).orElseThrow(), policy(h2, "Schedule", "",
                rule("latestPulledN", 5, "**"), rule("always", 0, "keep-*")));

        sync().run(Scope.project(P), false, false);

        assertThat(read(h1).rules()).extracting(RetentionRule::template).containsExactly("latestPulledN", "always");

        h1.retentions().update(policyId(h1).orElseThrow(), policy(h1, "Schedule", "0 30 2 * * *",
                rule("latestPulledN", 5, "**"), rule("always", 0, "keep-*")));
        SyncReport r = sync().run(Scope.project(P), false, false);
        assertThat(r.failed()).isEmpty();
        assertThat(read(h2).trigger().settings()).containsEntry("cron", "0 30 2 * * *");
        assertThat(sync().run(Scope.project(P), false, false).planned()).isEmpty();
    }

    @Test
    void aManualPolicyBecomesScheduledWithoutACronThroughAYearlyStep() {
        h1.retentions().create(policy(h1, "Manual", "", rule("latestPushedK", 3, "**")));
        sync().run(Scope.ALL, false, false);
        assertThat(read(h2).trigger().kind()).isEqualTo("Manual");
        // what a person does on h1: Harbor refuses Manual -> Schedule with an empty cron (observations §6)
        long id = policyId(h1).orElseThrow();
        h1.retentions().update(id, policy(h1, "Schedule", "0 0 4 * * *", rule("latestPushedK", 3, "**")));
        h1.retentions().update(id, policy(h1, "Schedule", "", rule("latestPushedK", 3, "**")));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(read(h2).trigger().kind()).isEqualTo("Schedule");
        assertThat(read(h2).trigger().settings()).containsEntry("cron", "");
    }

    @Test
    void aDeletionOnEitherSiteSpreadsAndTheProjectsRetentionIdGoesWithIt() {
        h1.retentions().create(policy(h1, "Manual", "", rule("latestPushedK", 3, "**")));
        sync().run(Scope.ALL, false, false);
        h2.retentions().delete(policyId(h2).orElseThrow());

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(policyId(h1)).isEmpty();
        assertThat(h1.projects().metadata(P)).doesNotContainKey(RetentionPolicyKind.RETENTION_ID);
        assertThat(sync().run(Scope.ALL, false, false).planned()).as("not resurrected").isEmpty();
        h2.retentions().create(policy(h2, "Manual", "", rule("always", 0, "**")));
        sync().run(Scope.ALL, false, false);
        assertThat(read(h1).rules()).extracting(RetentionRule::template).containsExactly("always");
    }

    @Test
    void rulesAndTriggerChangedOnDifferentSitesBothSurviveAndOneAttributeTwiceIsAConflict() {
        h1.retentions().create(policy(h1, "Schedule", "0 0 1 * * *", rule("latestPushedK", 3, "**")));
        sync().run(Scope.ALL, false, false);
        h1.retentions().update(policyId(h1).orElseThrow(), policy(h1, "Schedule", "0 0 2 * * *",
                rule("latestPushedK", 3, "**")));
        h2.retentions().update(policyId(h2).orElseThrow(), policy(h2, "Schedule", "0 0 1 * * *",
                rule("latestPushedK", 9, "**")));

        SyncReport merged = sync().run(Scope.ALL, false, false);

        assertThat(merged.conflicts()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(read(c).trigger().settings()).containsEntry("cron", "0 0 2 * * *");
            assertThat(RetentionPolicyKind.value(read(c)).rules().get(0).params()).containsEntry("latestPushedK", 9L);
        }

        h1.retentions().update(policyId(h1).orElseThrow(), policy(h1, "Schedule", "0 0 5 * * *", rule("latestPushedK", 9, "**")));
        h2.retentions().update(policyId(h2).orElseThrow(), policy(h2, "Schedule", "0 0 6 * * *", rule("latestPushedK", 9, "**")));
        SyncReport r = sync().run(Scope.ALL, false, false);
        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo(KEY);
            assertThat(c.fields()).extracting(SyncReport.Conflict.Field::field).containsExactly(Values.TRIGGER);
            assertThat(c.winner()).isEqualTo("h1");
        });
        assertThat(read(h2).trigger().settings()).containsEntry("cron", "0 0 5 * * *");
    }

    @Test
    void aDryRunWritesNothingAndDisabledKindsKeepADeletedPolicy() {
        h1.retentions().create(policy(h1, "Manual", "", rule("latestPushedK", 3, "**")));
        sync().run(Scope.ALL, false, false);
        h1.retentions().update(policyId(h1).orElseThrow(), policy(h1, "Manual", "", rule("always", 0, "**")));

        SyncReport dry = sync().run(Scope.ALL, true, false);

        assertThat(dry.planned()).anySatisfy(i -> assertThat(i.kind()).isEqualTo(RetentionPolicyKind.RETENTION_POLICY));
        assertThat(read(h2).rules()).extracting(RetentionRule::template).containsExactly("latestPushedK");

        sync().run(Scope.ALL, false, false);
        h1.retentions().delete(policyId(h1).orElseThrow());
        SyncSettings keep = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25,
                Set.copyOf(KindRegistry.standard().named("retention-policy")), Optional.empty(), Map.of(), 1);
        SyncReport r = sync(keep).run(Scope.ALL, false, false);
        assertThat(r.planned()).noneMatch(i -> i.op() == SyncReport.Action.DELETE);
        assertThat(policyId(h2)).isPresent();
    }

    @Test
    void aPolicyHarborCannotReadIsUnknownOnThatSiteAloneAndTheProjectSyncsOn() {
        h1.retentions().create(policy(h1, "Manual", "", rule("latestPushedK", 3, "**")));
        sync().run(Scope.ALL, false, false);
        h1.retentions().delete(policyId(h1).orElseThrow());
        f.emulators.values().forEach(e -> e.addUser("alice"));
        h1.members().add(P, new MemberReq(2, new UserEntity(null, "alice"), null));
        // h2's retention_id now answers 500, as real Harbor does for a policy that no longer exists
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/retentions/.*").status(500));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(h2.members().find(P, "alice", false)).as("the rest of the project syncs").isPresent();
        assertThat(r.planned()).noneMatch(i -> i.kind().equals(RetentionPolicyKind.RETENTION_POLICY));
        assertThat(r.skipped()).anySatisfy(i -> assertThat(i.key()).isEqualTo(KEY));
        assertThat(r.unknownSites()).isEmpty();

        f.emulator("h2").faults().clear();
        sync().run(Scope.ALL, false, false);
        assertThat(policyId(h2)).as("the deletion reaches h2 once it reads again").isEmpty();
    }
}
