package io.harborsync.sync;

import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborException;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.ImmutableRule;
import io.harborsync.harbor.HarborModel.MemberReq;
import io.harborsync.harbor.HarborModel.ProjectReq;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tag immutability rules as a mirrored kind over two emulated Harbors (observations §5): keyed by what they select,
 * copied with their disabled flag and priority, changed and deleted three-way attribute by attribute, and with their
 * effect on the copy (an immutable tag stays immutable on h2). Every request is spec-checked.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class ImmutableRuleKindTest extends TwoSitesKindTest {
    static final String P = "team-a";

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

    static ImmutableRule rule(String pattern, boolean disabled, long priority) {
        return new ImmutableRule(null, priority, disabled, "immutable", "immutable_template",
                List.of(new Selector("doublestar", "matches", pattern, null)),
                Map.of("repository", List.of(new Selector("doublestar", "repoMatches", "**", null))));
    }

    private static Optional<ImmutableRule> find(HarborClient c, String pattern) {
        return c.immutableRules().list(P).stream()
                .filter(r -> r.tagSelectors() != null && r.tagSelectors().get(0).pattern().equals(pattern)).findFirst();
    }

    private static void put(HarborClient c, ImmutableRule stored, boolean disabled, long priority) {
        // what a person does in two steps: Harbor changes only the flag when the flag differs (observations §5)
        c.immutableRules().update(P, stored.id(), new ImmutableRule(stored.id(), priority,
                Boolean.TRUE.equals(stored.disabled()), stored.action(), stored.template(), stored.tagSelectors(),
                stored.scopeSelectors()));
        c.immutableRules().update(P, stored.id(), new ImmutableRule(stored.id(), priority, disabled, stored.action(),
                stored.template(), stored.tagSelectors(), stored.scopeSelectors()));
    }

    private static String key(String pattern) {
        return Keys.immutableRule(P, ImmutableRuleKind.content(rule(pattern, false, 0)).canonicalText());
    }

    @Test
    void theKeyIsTheRulesReadableContent() {
        assertThat(key("v1*")).isEqualTo("team-a/immutable:tags[matches doublestar \"v1*\"]"
                + " repository[repoMatches doublestar \"**\"] immutable/immutable_template");
        assertThat(KindRegistry.standard().named("immutable-rule")).containsExactly(ImmutableRuleKind.IMMUTABLE_RULE);
    }

    @Test
    void aRuleMadeOnOneSiteIsCopiedAndItsTagStaysImmutableOnTheOther() {
        h1.immutableRules().create(P, rule("v1*", false, 3));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        ImmutableRule copy = find(h2, "v1*").orElseThrow();
        assertThat(copy.priority()).isEqualTo(3L);
        assertThat(copy.disabled()).as("omitted when false").isNull();
        assertThat(r.done()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(ImmutableRuleKind.IMMUTABLE_RULE);
            assertThat(i.key()).isEqualTo(key("v1*"));
            assertThat(i.site()).isEqualTo("h2");
        });
        // the failover: on h2 the tag cannot be deleted nor moved
        String digest = f.emulator("h2").pushArtifact(P, "app", null, "v1.0");
        assertThatThrownBy(() -> h2.artifacts().deleteTag(P, "app", digest, "v1.0"))
                .isInstanceOf(HarborException.class).hasMessageContaining("immutable");
        assertThat(sync().run(Scope.ALL, false, false).planned()).as("settled").isEmpty();
    }

    @Test
    void disabledAndPriorityChangedTogetherOnEitherSiteReachTheOther() {
        h1.immutableRules().create(P, rule("v1*", false, 1));
        sync().run(Scope.ALL, false, false);
        put(h2, find(h2, "v1*").orElseThrow(), true, 7);

        SyncReport r = sync().run(Scope.project(P), false, false);

        assertThat(r.failed()).isEmpty();
        ImmutableRule onH1 = find(h1, "v1*").orElseThrow();
        assertThat(onH1.disabled()).isTrue();
        assertThat(onH1.priority()).as("the priority went first, with the stored flag, then the flag").isEqualTo(7L);

        put(h1, onH1, false, 7);
        sync().run(Scope.project(P), false, false);
        assertThat(find(h2, "v1*").orElseThrow().disabled()).isNull();
        assertThat(find(h2, "v1*").orElseThrow().priority()).isEqualTo(7L);
        assertThat(sync().run(Scope.project(P), false, false).planned()).isEmpty();
    }

    @Test
    void aDeletionOnEitherSiteSpreadsAndAChangedPatternIsAnotherRule() {
        h1.immutableRules().create(P, rule("v1*", false, 0));
        h1.immutableRules().create(P, rule("rc*", false, 0));
        sync().run(Scope.ALL, false, false);

        h2.immutableRules().delete(P, find(h2, "v1*").orElseThrow().id());
        ImmutableRule rc = find(h1, "rc*").orElseThrow();
        h1.immutableRules().update(P, rc.id(), new ImmutableRule(rc.id(), 0L, false, rc.action(), rc.template(),
                List.of(new Selector("doublestar", "matches", "release-*", null)), rc.scopeSelectors()));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(find(h1, "v1*")).isEmpty();
        assertThat(find(h2, "rc*")).as("the old selectors are gone from every site").isEmpty();
        assertThat(find(h2, "release-*")).isPresent();
        assertThat(h2.immutableRules().list(P)).hasSize(1);
        assertThat(sync().run(Scope.ALL, false, false).planned()).as("not resurrected").isEmpty();
    }

    @Test
    void differentAttributesChangedOnEachSiteBothSurviveAndTheSameOneIsAConflictPerField() {
        h1.immutableRules().create(P, rule("v1*", false, 1));
        sync().run(Scope.ALL, false, false);
        put(h1, find(h1, "v1*").orElseThrow(), true, 1);
        put(h2, find(h2, "v1*").orElseThrow(), false, 5);

        SyncReport merged = sync().run(Scope.ALL, false, false);

        assertThat(merged.conflicts()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(find(c, "v1*").orElseThrow().disabled()).isTrue();
            assertThat(find(c, "v1*").orElseThrow().priority()).isEqualTo(5L);
        }

        put(h1, find(h1, "v1*").orElseThrow(), true, 8);
        put(h2, find(h2, "v1*").orElseThrow(), true, 9);
        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo(key("v1*"));
            assertThat(c.fields()).extracting(SyncReport.Conflict.Field::field).containsExactly(Values.PRIORITY);
            assertThat(c.winner()).isEqualTo("h1");
        });
        assertThat(find(h2, "v1*").orElseThrow().priority()).as("the active site's value").isEqualTo(8L);
    }

    @Test
    void aDryRunWritesNothing() {
        h1.immutableRules().create(P, rule("v1*", false, 0));

        SyncReport r = sync().run(Scope.ALL, true, false);

        assertThat(r.planned()).anySatisfy(i -> assertThat(i.kind()).isEqualTo(ImmutableRuleKind.IMMUTABLE_RULE));
        assertThat(h2.projects().find(P)).isEmpty();
        sync().run(Scope.ALL, false, false);
        h1.immutableRules().delete(P, find(h1, "v1*").orElseThrow().id());
        sync().run(Scope.ALL, true, false);
        assertThat(find(h2, "v1*")).isPresent();
    }

    @Test
    void withTheKindsDeletionDisabledADeletedRuleIsKept() {
        h1.immutableRules().create(P, rule("v1*", false, 0));
        sync().run(Scope.ALL, false, false);
        h1.immutableRules().delete(P, find(h1, "v1*").orElseThrow().id());
        SyncSettings keep = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25,
                Set.copyOf(KindRegistry.standard().named("immutable-rule")), Optional.empty(), Map.of(), 1);

        SyncReport r = sync(keep).run(Scope.ALL, false, false);

        assertThat(r.planned()).noneMatch(i -> i.op() == SyncReport.Action.DELETE);
        assertThat(find(h2, "v1*")).isPresent();
    }

    @Test
    void twoRulesThatDifferOnlyInPriorityMakeTheirKeyUnknownThereAndTheProjectSyncsOn() {
        h1.immutableRules().create(P, rule("v1*", false, 1));
        h1.immutableRules().create(P, rule("v1*", false, 2)); // Harbor takes it: its identity includes the priority
        f.emulators.values().forEach(e -> e.addUser("alice"));
        h1.members().add(P, new MemberReq(2, new UserEntity(null, "alice"), null));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(h2.members().find(P, "alice", false)).isPresent();
        assertThat(h2.immutableRules().list(P)).isEmpty();
        assertThat(r.skipped()).anySatisfy(i -> {
            assertThat(i.key()).isEqualTo(key("v1*"));
            assertThat(i.op()).isEqualTo(SyncReport.Action.SKIP);
        });
    }
}
