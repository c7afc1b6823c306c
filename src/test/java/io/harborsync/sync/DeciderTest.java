package io.harborsync.sync;

import io.harborsync.model.Kind;
import io.harborsync.sync.Decision.Case;
import io.harborsync.sync.Decision.OpType;
import io.harborsync.sync.Values.ArtifactValue;
import io.harborsync.sync.Values.MemberValue;
import io.harborsync.sync.Values.Value;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Every row of sync-model.md's decision table, for two sites and for three. */
class DeciderTest {
    static final ConflictPolicy ACTIVE_H1 = ConflictPolicy.parse("active-site", "h1");
    static final Value X = new MemberValue(2);
    static final Value Y = new MemberValue(4);
    static final Value Z = new MemberValue(3);

    private static KeyState member(Map<String, Value> present, Set<String> absent, Value base, Set<String> baseSites) {
        return new KeyState(Kind.MEMBER, "team-a/u:alice", present, absent, Set.of(),
                base == null ? Optional.empty() : Optional.of(new KeyState.Base(base, baseSites)), Set.of(), Map.of());
    }

    private static Decision decide(KeyState s) {
        return Decider.decide(s, ACTIVE_H1, true);
    }

    @Test
    void equalEverywhereIsInSyncAndRecordsTheBase() {
        Decision d = decide(member(Map.of("h1", X, "h2", X), Set.of(), null, null));
        assertThat(d.kase()).isEqualTo(Case.IN_SYNC);
        assertThat(d.ops()).isEmpty();
        assertThat(d.target()).isEqualTo(X);
    }

    @Test
    void missingWithoutBaseIsACreation() {
        Decision d = decide(member(Map.of("h1", X), Set.of("h2"), null, null));
        assertThat(d.kase()).isEqualTo(Case.CREATED);
        assertThat(d.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h2");
            assertThat(op.type()).isEqualTo(OpType.CREATE);
            assertThat(op.value()).isEqualTo(X);
            assertThat(op.reason()).contains("created on [h1]");
        });
    }

    @Test
    void missingWithAnEqualBaseIsADeletion() {
        Decision d = decide(member(Map.of("h1", X), Set.of("h2"), X, Set.of("h1", "h2")));
        assertThat(d.kase()).isEqualTo(Case.DELETED);
        assertThat(d.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h1");
            assertThat(op.type()).isEqualTo(OpType.DELETE);
        });
    }

    @Test
    void deletionPropagationCanBeSwitchedOff() {
        Decision d = Decider.decide(member(Map.of("h1", X), Set.of("h2"), X, Set.of("h1", "h2")), ACTIVE_H1, false);
        assertThat(d.kase()).isEqualTo(Case.DELETION_DISABLED);
        assertThat(d.ops()).isEmpty();
    }

    @Test
    void changedOnOneSiteDeletedOnTheOtherKeepsTheChange() {
        Decision d = decide(member(Map.of("h1", Y), Set.of("h2"), X, Set.of("h1", "h2")));
        assertThat(d.kase()).isEqualTo(Case.CONFLICT_CHANGED_DELETED);
        assertThat(d.conflict()).isTrue();
        assertThat(d.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h2");
            assertThat(op.type()).isEqualTo(OpType.CREATE);
            assertThat(op.value()).isEqualTo(Y);
        });
    }

    @Test
    void changedOnOneSiteIsAppliedToTheOther() {
        Decision onB = decide(member(Map.of("h1", X, "h2", Y), Set.of(), X, Set.of("h1", "h2")));
        assertThat(onB.kase()).isEqualTo(Case.CHANGED);
        assertThat(onB.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h1");
            assertThat(op.type()).isEqualTo(OpType.UPDATE);
            assertThat(op.value()).isEqualTo(Y);
            assertThat(op.from()).isEqualTo(X);
        });
        Decision onA = decide(member(Map.of("h1", X, "h2", Y), Set.of(), Y, Set.of("h1", "h2")));
        assertThat(onA.ops()).singleElement().satisfies(op -> assertThat(op.site()).isEqualTo("h2"));
    }

    @Test
    void changedOnBothGoesToThePolicy() {
        KeyState s = member(Map.of("h1", X, "h2", Y), Set.of(), Z, Set.of("h1", "h2"));
        Decision active = Decider.decide(s, ACTIVE_H1, true);
        assertThat(active.kase()).isEqualTo(Case.CONFLICT_CHANGED_BOTH);
        assertThat(active.conflict()).isTrue();
        assertThat(active.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h2");
            assertThat(op.value()).isEqualTo(X);
        });
        Decision fixed = Decider.decide(s, ConflictPolicy.parse("site:h2", "h1"), true);
        assertThat(fixed.ops()).singleElement().satisfies(op -> assertThat(op.value()).isEqualTo(Y));
        Decision reportOnly = Decider.decide(s, ConflictPolicy.parse("report-only", "h1"), true);
        assertThat(reportOnly.kase()).isEqualTo(Case.CONFLICT_UNRESOLVED);
        assertThat(reportOnly.ops()).isEmpty();
        assertThat(reportOnly.conflict()).isTrue();
    }

    @Test
    void newestUsesChangeTimesWhenEverySiteHasOneAndTheActiveSiteOtherwise() {
        Map<String, Instant> times = Map.of("h1", Instant.parse("2026-01-01T10:00:00Z"),
                "h2", Instant.parse("2026-01-01T11:00:00Z"));
        KeyState s = new KeyState(Kind.MEMBER, "k", Map.of("h1", X, "h2", Y), Set.of(), Set.of(),
                Optional.of(new KeyState.Base(Z, Set.of("h1", "h2"))), Set.of(), times);
        ConflictPolicy newest = ConflictPolicy.parse("newest", "h1");
        assertThat(Decider.decide(s, newest, true).ops()).singleElement()
                .satisfies(op -> assertThat(op.value()).isEqualTo(Y));
        KeyState noTimes = new KeyState(Kind.MEMBER, "k", Map.of("h1", X, "h2", Y), Set.of(), Set.of(),
                s.base(), Set.of(), Map.of("h2", times.get("h2")));
        assertThat(Decider.decide(noTimes, newest, true).ops()).singleElement()
                .satisfies(op -> assertThat(op.value()).isEqualTo(X));
    }

    @Test
    void deletedEverywhereForgetsTheBase() {
        Decision d = decide(member(Map.of(), Set.of("h1", "h2"), X, Set.of("h1", "h2")));
        assertThat(d.kase()).isEqualTo(Case.DELETED_EVERYWHERE);
        assertThat(d.ops()).isEmpty();
        assertThat(d.target()).isNull();
    }

    @Test
    void anUnknownSiteStopsEveryDecisionForTheKey() {
        KeyState s = new KeyState(Kind.MEMBER, "k", Map.of("h1", X), Set.of(), Set.of("h2"),
                Optional.of(new KeyState.Base(X, Set.of("h1", "h2"))), Set.of(), Map.of());
        Decision d = decide(s);
        assertThat(d.kase()).isEqualTo(Case.UNKNOWN);
        assertThat(d.ops()).isEmpty();
    }

    @Test
    void firstContactIsAUnionThatNeverDeletes() {
        // No base at all: differing values go to the policy, missing ones are created.
        Decision d = decide(member(Map.of("h1", X, "h2", Y), Set.of("h3"), null, null));
        assertThat(d.kase()).isEqualTo(Case.CONFLICT_CHANGED_BOTH);
        assertThat(d.ops()).extracting(Decision.Op::type).containsOnly(OpType.CREATE, OpType.UPDATE);
        assertThat(d.ops()).noneMatch(op -> op.type() == OpType.DELETE);
    }

    @Test
    void aSiteThatNeverHadTheKeyIsNotADeletion() {
        // h3 joined after the base was written: it gets a copy, nothing is deleted.
        Decision d = decide(member(Map.of("h1", X, "h2", X), Set.of("h3"), X, Set.of("h1", "h2")));
        assertThat(d.kase()).isEqualTo(Case.CREATED);
        assertThat(d.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h3");
            assertThat(op.type()).isEqualTo(OpType.CREATE);
        });
    }

    @Test
    void aChildOfAProjectBeingRecreatedIsCreatedNotDeleted() {
        KeyState s = new KeyState(Kind.MEMBER, "k", Map.of("h1", X), Set.of("h2"), Set.of(),
                Optional.of(new KeyState.Base(X, Set.of("h1", "h2"))), Set.of("h2"), Map.of());
        Decision d = decide(s);
        assertThat(d.ops()).singleElement().satisfies(op -> assertThat(op.type()).isEqualTo(OpType.CREATE));
    }

    @Test
    void threeSitesOneDeletionDeletesOnBothOthers() {
        Decision d = decide(member(Map.of("h1", X, "h3", X), Set.of("h2"), X, Set.of("h1", "h2", "h3")));
        assertThat(d.kase()).isEqualTo(Case.DELETED);
        assertThat(d.ops()).extracting(Decision.Op::site).containsExactlyInAnyOrder("h1", "h3");
    }

    @Test
    void threeSitesOneChangeReachesBothOthers() {
        Decision d = decide(member(Map.of("h1", X, "h2", X, "h3", Y), Set.of(), X, Set.of("h1", "h2", "h3")));
        assertThat(d.kase()).isEqualTo(Case.CHANGED);
        assertThat(d.ops()).extracting(Decision.Op::site).containsExactlyInAnyOrder("h1", "h2");
    }

    @Test
    void artifactsMissingOnAPeerArePendingNotCopied() {
        Value tags = new ArtifactValue(new TreeSet<>(Set.of("1.0")));
        KeyState s = new KeyState(Kind.ARTIFACT, "team-a/app@sha256:1", Map.of("h1", tags), Set.of("h2"), Set.of(),
                Optional.empty(), Set.of(), Map.of());
        Decision d = decide(s);
        assertThat(d.kase()).isEqualTo(Case.PENDING_REPLICATION);
        assertThat(d.ops()).isEmpty();
        assertThat(d.target()).as("no base until every site has it").isNull();
    }

    @Test
    void artifactTagChangesReachThePeerWhereTheArtifactExists() {
        Value one = new ArtifactValue(new TreeSet<>(Set.of("1.0")));
        Value two = new ArtifactValue(new TreeSet<>(Set.of("1.0", "latest")));
        Map<String, Value> present = new HashMap<>(Map.of("h1", two, "h2", one));
        KeyState s = new KeyState(Kind.ARTIFACT, "team-a/app@sha256:1", present, Set.of(), Set.of(),
                Optional.of(new KeyState.Base(one, Set.of("h1", "h2"))), Set.of(), Map.of());
        Decision d = decide(s);
        assertThat(d.kase()).isEqualTo(Case.CHANGED);
        assertThat(d.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h2");
            assertThat(op.value()).isEqualTo(two);
        });
    }

    @Test
    void whenTheActiveSiteLacksTheKeyTheOthersStillGetOneWinner() {
        // created differently on h2 and h3, h1 (active) has nothing: the first site by name wins, no stalemate
        KeyState s = new KeyState(Kind.MEMBER, "k", Map.of("h2", X, "h3", Y), Set.of("h1"), Set.of(),
                Optional.empty(), Set.of(), Map.of());
        Decision d = decide(s);
        assertThat(d.kase()).isEqualTo(Case.CONFLICT_CHANGED_BOTH);
        assertThat(d.ops()).extracting(Decision.Op::value).containsOnly(X);
        assertThat(d.ops()).extracting(Decision.Op::site).containsExactlyInAnyOrder("h1", "h3");
    }

    @Test
    void aRetaggedArtifactWhoseOtherCopyIsNotThereYetIsPending() {
        // the project is being recreated on h2 (fresh): the artifact's copy there is replication's to make
        Value one = new ArtifactValue(new TreeSet<>(Set.of("1.0")));
        Value two = new ArtifactValue(new TreeSet<>(Set.of("1.0", "latest")));
        KeyState s = new KeyState(Kind.ARTIFACT, "team-a/app@sha256:1", Map.of("h1", two), Set.of("h2"), Set.of(),
                Optional.of(new KeyState.Base(one, Set.of("h1", "h2"))), Set.of("h2"), Map.of());
        Decision d = decide(s);
        assertThat(d.kase()).isEqualTo(Case.PENDING_REPLICATION);
        assertThat(d.ops()).isEmpty();
        assertThat(d.target()).as("no base move while a copy is missing").isNull();
    }

    // ------------------------------------------------------------------ a project's settings merge attribute by attribute

    static final ConflictPolicy REPORT_ONLY = ConflictPolicy.parse("report-only", "h1");

    private static Values.ProjectValue settings(String preventVul, String severity, long quota, List<String> cves) {
        java.util.SortedMap<String, String> meta = new java.util.TreeMap<>();
        if (preventVul != null) {
            meta.put("prevent_vul", preventVul);
        }
        if (severity != null) {
            meta.put("severity", severity);
        }
        return new Values.ProjectValue(false, meta, quota, cves, null);
    }

    private static final Values.ProjectValue AGREED = settings("false", "low", 1_000, List.of("CVE-1"));

    private static KeyState project(Value h1, Value h2) {
        return new KeyState(Kind.PROJECT, "team-a", Map.of("h1", h1, "h2", h2), Set.of(), Set.of(),
                Optional.of(new KeyState.Base(AGREED, Set.of("h1", "h2"))), Set.of(), Map.of());
    }

    @Test
    void changesToDifferentAttributesOnDifferentSitesBothSurvive() {
        Decision d = decide(project(settings("true", "low", 1_000, List.of("CVE-1")),
                settings("false", "high", 1_000, List.of("CVE-1"))));
        Values.ProjectValue both = settings("true", "high", 1_000, List.of("CVE-1"));
        assertThat(d.kase()).isEqualTo(Case.CHANGED);
        assertThat(d.conflict()).as("different attributes: no conflict").isFalse();
        assertThat(d.fieldConflicts()).isEmpty();
        assertThat(d.target()).isEqualTo(both);
        // the merged value is neither site's: both get an update, each with exactly the other's change
        assertThat(d.ops()).hasSize(2).allSatisfy(op -> {
            assertThat(op.type()).isEqualTo(OpType.UPDATE);
            assertThat(op.value()).isEqualTo(both);
        });
        assertThat(d.ops()).extracting(Decision.Op::site).containsExactlyInAnyOrder("h1", "h2");
        assertThat(d.ops()).allSatisfy(op -> assertThat(op.reason()).contains("changed on [h1, h2]"));
    }

    @Test
    void anAttributeChangedDifferentlyIsAFieldConflictWhileAnotherAttributesChangeStillGoesThrough() {
        // h1: severity high and prevent_vul true; h2: severity critical
        KeyState s = project(settings("true", "high", 1_000, List.of("CVE-1")),
                settings("false", "critical", 1_000, List.of("CVE-1")));

        Decision active = decide(s);
        assertThat(active.kase()).isEqualTo(Case.CONFLICT_CHANGED_BOTH);
        assertThat(active.conflict()).isTrue();
        assertThat(active.fieldConflicts()).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo("severity");
            assertThat(c.values()).containsExactly(Map.entry("h1", "high"), Map.entry("h2", "critical"));
            assertThat(c.base()).isEqualTo("low");
            assertThat(c.winner()).isEqualTo("h1");
        });
        assertThat(active.target()).isEqualTo(settings("true", "high", 1_000, List.of("CVE-1")));
        assertThat(active.ops()).singleElement().satisfies(op -> assertThat(op.site()).isEqualTo("h2"));

        // h2 wins severity, and h1's prevent_vul still reaches h2: a value no site held
        Decision fixed = Decider.decide(s, ConflictPolicy.parse("site:h2", "h1"), true);
        Values.ProjectValue merged = settings("true", "critical", 1_000, List.of("CVE-1"));
        assertThat(fixed.kase()).isEqualTo(Case.CONFLICT_CHANGED_BOTH);
        assertThat(fixed.target()).isEqualTo(merged);
        assertThat(fixed.fieldConflicts()).singleElement().satisfies(c -> assertThat(c.winner()).isEqualTo("h2"));
        assertThat(fixed.ops()).extracting(Decision.Op::site).containsExactlyInAnyOrder("h1", "h2");
        assertThat(fixed.ops()).extracting(Decision.Op::value).containsOnly(merged);
    }

    @Test
    void reportOnlyLeavesOnlyTheConflictingAttributeAsIs() {
        KeyState s = project(settings("true", "high", 1_000, List.of("CVE-1")),
                settings("false", "critical", 1_000, List.of("CVE-1")));
        Decision d = Decider.decide(s, REPORT_ONLY, true);
        assertThat(d.kase()).isEqualTo(Case.CONFLICT_UNRESOLVED);
        assertThat(d.conflict()).isTrue();
        assertThat(d.target()).as("no one value for every site").isNull();
        assertThat(d.fieldConflicts()).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo("severity");
            assertThat(c.winner()).isNull();
        });
        // prevent_vul reaches h2, h2 keeps its own severity; h1 needs nothing
        assertThat(d.ops()).singleElement().satisfies(op -> {
            assertThat(op.site()).isEqualTo("h2");
            assertThat(op.type()).isEqualTo(OpType.UPDATE);
            assertThat(op.value()).isEqualTo(settings("true", "critical", 1_000, List.of("CVE-1")));
            assertThat(op.from()).isEqualTo(s.present().get("h2"));
            assertThat(Case.CONFLICT_UNRESOLVED.explains(op.reason())).isTrue();
            assertThat(op.reason()).contains("[severity]");
        });
    }

    @Test
    void theStorageQuotaAndTheAllowlistEachMergeOnTheirOwn() {
        // h1 changes the quota, h2 the allowlist: both survive
        Decision d = decide(project(settings("false", "low", 5_000, List.of("CVE-1")),
                settings("false", "low", 1_000, List.of("CVE-1", "CVE-2"))));
        assertThat(d.kase()).isEqualTo(Case.CHANGED);
        assertThat(d.target()).isEqualTo(settings("false", "low", 5_000, List.of("CVE-1", "CVE-2")));
        assertThat(d.fieldConflicts()).isEmpty();

        // both change the allowlist differently: one conflict for the allowlist as a whole (ids and expiry), the
        // quota change on h2 goes through
        Decision both = decide(project(settings("false", "low", 1_000, List.of("CVE-3")),
                settings("false", "low", 9_000, List.of("CVE-1", "CVE-2"))));
        assertThat(both.kase()).isEqualTo(Case.CONFLICT_CHANGED_BOTH);
        assertThat(both.fieldConflicts()).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo(Values.CVE_ALLOWLIST);
            assertThat(c.values()).containsEntry("h1", new Values.CveAllowlistField(List.of("CVE-3"), null))
                    .containsEntry("h2", new Values.CveAllowlistField(List.of("CVE-1", "CVE-2"), null));
        });
        assertThat(both.target()).isEqualTo(settings("false", "low", 9_000, List.of("CVE-3")));

        // both change the quota differently: a storage_limit conflict; h1 adding a metadata key goes through
        Decision quota = decide(project(settings("false", "low", 2_000, List.of("CVE-1")),
                settings(null, "low", 3_000, List.of("CVE-1"))));
        assertThat(quota.fieldConflicts()).extracting(Decision.FieldConflict::field)
                .containsExactly(Values.STORAGE_LIMIT);
        assertThat(quota.target()).as("prevent_vul removed on h2 is removed everywhere")
                .isEqualTo(settings(null, "low", 2_000, List.of("CVE-1")));
    }

    @Test
    void withoutABaseEveryDifferingAttributeIsAConflictAndTheAgreedOnesStay() {
        KeyState s = new KeyState(Kind.PROJECT, "team-a",
                Map.of("h1", settings("true", "low", 1_000, List.of()), "h2", settings("true", "high", 2_000, List.of())),
                Set.of("h3"), Set.of(), Optional.empty(), Set.of(), Map.of());
        Decision d = decide(s);
        assertThat(d.kase()).isEqualTo(Case.CONFLICT_CHANGED_BOTH);
        assertThat(d.fieldConflicts()).extracting(Decision.FieldConflict::field)
                .containsExactly("severity", Values.STORAGE_LIMIT);
        assertThat(d.target()).as("one winner for every attribute, as for a whole key").isEqualTo(s.present().get("h1"));
        assertThat(d.ops()).extracting(Decision.Op::type).containsExactlyInAnyOrder(OpType.CREATE, OpType.UPDATE);
        // report-only with a site to create on: nothing can be created, so nothing is written
        Decision reportOnly = Decider.decide(s, REPORT_ONLY, true);
        assertThat(reportOnly.kase()).isEqualTo(Case.CONFLICT_UNRESOLVED);
        assertThat(reportOnly.ops()).isEmpty();
        assertThat(reportOnly.fieldConflicts()).hasSize(2);
    }

    @Test
    void fieldsAndWithFieldsAreInverses() {
        Values.ProjectValue v = new Values.ProjectValue(true, new java.util.TreeMap<>(Map.of("severity", "low",
                "auto_scan", "true")), null, List.of("CVE-1"), 1_700_000_000L, "dockerhub");
        assertThat(v.fields()).containsExactly(Map.entry("public", true), Map.entry("auto_scan", "true"),
                Map.entry("severity", "low"), new java.util.AbstractMap.SimpleEntry<>("storage_limit", null),
                Map.entry("cve_allowlist", new Values.CveAllowlistField(List.of("CVE-1"), 1_700_000_000L)),
                Map.entry("proxy_cache_registry", "dockerhub"));
        assertThat(v.withFields(v.fields())).isEqualTo(v);
        assertThat(new BaseView(null, KindRegistry.standard(), new BaseView.Cache()).written(v)).as("the base's JSON has no attribute map").doesNotContain("fields");
    }
}
