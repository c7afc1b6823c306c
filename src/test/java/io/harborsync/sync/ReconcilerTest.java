package io.harborsync.sync;

import io.harborsync.model.Scope;
import io.harborsync.model.Kind;
import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.*;
import io.harborsync.testsupport.InMemoryBaseStore;
import io.harborsync.testsupport.SyncFixture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end over two (and three) emulated Harbors: every case of the decision table as users
 * would cause it, through the same reconcile the daemon runs. All Harbor traffic is spec-checked.
 */
@QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class ReconcilerTest {
    SyncFixture f;
    HarborClient h1;
    HarborClient h2;
    Reconciler sync;

    @BeforeEach
    void twoSites() {
        f = new SyncFixture(new InMemoryBaseStore(), "h1", "h2");
        h1 = f.client("h1");
        h2 = f.client("h2");
        sync = f.reconciler(SyncSettings.defaults("h1"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static ProjectReq project(String name) {
        return new ProjectReq(name, false, Map.of("auto_scan", "true", "severity", "high"),
                CveAllowlist.portable(null, List.of(new CveItem("CVE-2026-1111"))), 1_073_741_824L, null);
    }

    private void addUser(String name) {
        f.emulators.values().forEach(e -> e.addUser(name));
    }

    @Test
    void aProjectWithSettingsAndMembersCreatedOnOneSiteAppearsOnTheOther() {
        addUser("alice");
        h1.projects().create(project("team-a"));
        h1.members().add("team-a", new MemberReq(2, new UserEntity(null, "alice"), null));

        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        Project copy = h2.projects().get("team-a");
        assertThat(copy.metadata()).containsEntry("auto_scan", "true").containsEntry("severity", "high")
                .containsEntry("public", "false");
        assertThat(copy.cveAllowlist().items()).extracting(CveItem::cveId).containsExactly("CVE-2026-1111");
        assertThat(h2.quotas().ofProject(copy.projectId())).get().extracting(Quota::hardStorage).isEqualTo(1_073_741_824L);
        assertThat(h2.members().find("team-a", "alice", false)).get().extracting(Member::roleId).isEqualTo(2);
        assertThat(r.done()).anySatisfy(i -> {
            assertThat(i.site()).isEqualTo("h2");
            assertThat(i.kind()).isEqualTo(Kind.PROJECT);
            assertThat(i.op()).isEqualTo(SyncReport.Action.CREATE);
            assertThat(i.reason()).contains("created on [h1]");
        });
        // Writing moved the base: the next run finds nothing to do.
        assertThat(sync.run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void aChangeOnEitherSiteReachesTheOther() {
        addUser("alice");
        h1.projects().create(project("team-a"));
        h1.members().add("team-a", new MemberReq(2, new UserEntity(null, "alice"), null));
        sync.run(Scope.ALL, false, false);

        long mid = h2.members().find("team-a", "alice", false).orElseThrow().id();
        h2.members().updateRole("team-a", mid, 4);
        h2.projects().updateSettings("team-a", Map.of("prevent_vul", "true"), null);
        h1.quotas().setStorageLimit("team-a", 5_000_000_000L, java.util.Optional.empty());
        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        // The quota (h1) and the metadata (h2) are different attributes: both survive, on both sites, no conflict.
        assertThat(r.conflicts()).as("a project changed on h1 (quota) and on h2 (metadata) merges").isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            Project p = c.projects().get("team-a");
            assertThat(p.metadata()).containsEntry("prevent_vul", "true").containsEntry("severity", "high");
            assertThat(c.quotas().ofProject(p.projectId())).get().extracting(Quota::hardStorage).isEqualTo(5_000_000_000L);
        }
        assertThat(r.done()).anySatisfy(i -> assertThat(i.reason()).contains("changed on [h1, h2]"));
        assertThat(h1.members().find("team-a", "alice", false)).get().extracting(Member::roleId).isEqualTo(4);
        assertThat(r.done()).anySatisfy(i -> assertThat(i.reason()).contains("changed on [h2]"));
        assertThat(sync.run(Scope.ALL, false, false).planned()).as("the base moved to the merged value").isEmpty();
    }

    @Test
    void changesToDifferentMetadataKeysOnDifferentSitesBothSurvive() {
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);

        h1.projects().updateSettings("team-a", Map.of("prevent_vul", "true"), null);
        h2.projects().updateSettings("team-a", Map.of("severity", "critical"), null);
        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(r.conflicts()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(c.projects().get("team-a").metadata()).as(c.site())
                    .containsEntry("prevent_vul", "true").containsEntry("severity", "critical")
                    .containsEntry("auto_scan", "true");
        }
        assertThat(r.done()).extracting(SyncReport.Item::site).containsExactlyInAnyOrder("h1", "h2");
        assertThat(sync.run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void anAttributeChangedDifferentlyIsReportedPerFieldWithBothValuesWhileTheOthersMerge() {
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);

        h1.projects().updateSettings("team-a", Map.of("severity", "low", "prevent_vul", "true"), null);
        h2.projects().updateSettings("team-a", Map.of("severity", "critical"), null);
        SyncReport r = sync.run(Scope.ALL, false, false); // active-site h1

        assertThat(r.failed()).isEmpty();
        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo("team-a");
            assertThat(c.outcome()).isEqualTo(SyncReport.Conflict.RESOLVED);
            assertThat(c.winner()).isEqualTo("h1");
            assertThat(c.values()).containsOnlyKeys("h1", "h2"); // the whole key, as before
            assertThat(c.fields()).singleElement().satisfies(f -> {
                assertThat(f.field()).isEqualTo("severity");
                assertThat(f.values()).containsExactly(Map.entry("h1", "\"low\""), Map.entry("h2", "\"critical\""));
                assertThat(f.base()).isEqualTo("\"high\"");
                assertThat(f.winner()).isEqualTo("h1");
            });
        });
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(c.projects().get("team-a").metadata()).as(c.site())
                    .containsEntry("severity", "low").containsEntry("prevent_vul", "true");
        }

        // h2 wins the next such conflict, and h1's auto_scan change still reaches h2: a value neither site held
        h1.projects().updateSettings("team-a", Map.of("severity", "medium", "auto_scan", "false"), null);
        h2.projects().updateSettings("team-a", Map.of("severity", "critical"), null);
        SyncReport second = f.reconciler(new SyncSettings(ConflictPolicy.parse("site:h2", "h1"), 0.25, Set.of(),
                Optional.empty(), Map.of(), 1)).run(Scope.ALL, false, false);
        assertThat(second.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.winner()).isEqualTo("h2");
            assertThat(c.fields()).singleElement().satisfies(f -> assertThat(f.winner()).isEqualTo("h2"));
        });
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(c.projects().get("team-a").metadata()).as(c.site())
                    .containsEntry("severity", "critical").containsEntry("auto_scan", "false");
        }
        assertThat(sync.run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void reportOnlyLeavesOnlyTheConflictingAttributeAsIs() {
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);
        Reconciler reportOnly = f.reconciler(new SyncSettings(ConflictPolicy.parse("report-only", "h1"), 0.25,
                Set.of(), Optional.empty(), Map.of(), 1));

        h1.projects().updateSettings("team-a", Map.of("severity", "low", "prevent_vul", "true"), null);
        h2.projects().updateSettings("team-a", Map.of("severity", "critical"), null);
        h2.quotas().setStorageLimit("team-a", 7_000_000_000L, Optional.empty());
        SyncReport r = reportOnly.run(Scope.ALL, false, false);

        assertThat(r.failed()).as("the sites still differ in severity: not a failed verification").isEmpty();
        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(SyncReport.Conflict.UNRESOLVED);
            assertThat(c.winner()).isNull();
            assertThat(c.rule()).contains("report-only");
            assertThat(c.fields()).singleElement().satisfies(fc -> {
                assertThat(fc.field()).isEqualTo("severity");
                assertThat(fc.values()).containsExactly(Map.entry("h1", "\"low\""), Map.entry("h2", "\"critical\""));
                assertThat(fc.winner()).isNull();
            });
        });
        assertThat(h1.projects().get("team-a").metadata()).containsEntry("severity", "low").containsEntry("prevent_vul", "true");
        assertThat(h2.projects().get("team-a").metadata()).containsEntry("severity", "critical")
                .containsEntry("prevent_vul", "true");
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(c.quotas().ofProject(c.projects().get("team-a").projectId())).get().extracting(Quota::hardStorage)
                    .as(c.site()).isEqualTo(7_000_000_000L);
        }

        // The base moved for the attributes that agree now: h2 putting prevent_vul back is a change of its own
        // that reaches h1 (with the old base it would have looked like h1's change and been undone), while
        // severity stays in conflict.
        h2.projects().updateSettings("team-a", Map.of("prevent_vul", "false"), null);
        SyncReport again = reportOnly.run(Scope.ALL, false, false);
        assertThat(again.failed()).isEmpty();
        assertThat(h1.projects().get("team-a").metadata()).containsEntry("prevent_vul", "false").containsEntry("severity", "low");
        assertThat(again.conflicts()).singleElement().satisfies(c -> assertThat(c.fields())
                .extracting(SyncReport.Conflict.Field::field).containsExactly("severity"));
        // someone settles it: the sites agree and the conflict is gone
        h2.projects().updateSettings("team-a", Map.of("severity", "low"), null);
        SyncReport settled = reportOnly.run(Scope.ALL, false, false);
        assertThat(settled.conflicts()).isEmpty();
        assertThat(settled.planned()).isEmpty();
    }

    /**
     * Writes are not read back (their answers are definitive), and the one case where Harbor answers 200 without
     * effect, a role change of a member removed meanwhile, ends as the removal it is: a user removes alice on
     * h2 right after the daemon listed h2's members and before its role PUT. The next run sees her gone on h2
     * and removes her on h1 too, instead of bringing her back.
     */
    @Test
    void aRoleChangeRacingAMemberRemovalEndsAsTheRemoval() {
        addUser("alice");
        h1.projects().create(project("team-a"));
        h1.members().add("team-a", new MemberReq(2, new UserEntity(null, "alice"), null));
        sync.run(Scope.ALL, false, false);
        long onH2 = h2.members().find("team-a", "alice", false).orElseThrow().id();
        h1.members().updateRole("team-a", h1.members().find("team-a", "alice", false).orElseThrow().id(), 4);

        java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger memberReadsAfterWrite = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean written = new java.util.concurrent.atomic.AtomicBoolean();
        io.harborsync.emulator.ExchangeListener user = x -> {
            if (x.method().equals("GET") && x.rawPath().equals("/api/v2.0/projects/team-a/members")
                    && removed.compareAndSet(false, true)) {
                // the listing is already answered with alice in it; now a user removes her
                assertThat(f.http.get("h2").delete("/api/v2.0/projects/team-a/members/" + onH2).statusCode())
                        .isEqualTo(200);
            } else if (x.method().equals("PUT") && x.rawPath().contains("/members/")) {
                written.set(true);
            } else if (written.get() && x.method().equals("GET") && x.rawPath().contains("/members")) {
                memberReadsAfterWrite.incrementAndGet();
            }
        };
        f.emulator("h2").addExchangeListener(user);
        SyncReport raced = sync.run(Scope.ALL, false, false);
        f.emulator("h2").removeExchangeListener(user);

        assertThat(removed).isTrue();
        assertThat(written).as("the role change was sent").isTrue();
        assertThat(memberReadsAfterWrite).as("and not read back").hasValue(0);
        assertThat(raced.failed()).isEmpty();
        SyncReport next = sync.run(Scope.ALL, false, false);
        assertThat(h1.members().find("team-a", "alice", false)).as("the removal on h2 reached h1").isEmpty();
        assertThat(next.done()).anySatisfy(i -> {
            assertThat(i.key()).isEqualTo("team-a/u:alice");
            assertThat(i.op()).isEqualTo(SyncReport.Action.DELETE);
            assertThat(i.reason()).contains("deleted on [h2]");
        });
    }

    /**
     * A new webhook secret takes effect with a restart (configuration is read at start); the restarted daemon's
     * first reconcile corrects every project's policy, although policies in place are otherwise checked hourly.
     */
    @Test
    void aChangedWebhookSecretReachesThePoliciesOnTheFirstReconcileAfterARestart() {
        h1.projects().create(project("team-a"));
        SyncSettings d = SyncSettings.defaults("h1");
        java.util.function.Function<String, SyncSettings> withSecret = secret -> new SyncSettings(d.policy(),
                d.maxDeleteFraction(), d.deletionDisabled(), java.util.Optional.of("http://harbor-sync.example:8080"),
                Map.of("h1", secret + "-h1", "h2", secret + "-h2"), d.groupType());
        Reconciler before = f.reconciler(withSecret.apply("old-secret"));
        before.run(Scope.ALL, false, false);
        before.run(Scope.ALL, false, false);
        assertThat(h2.webhookPolicies().list("team-a")).singleElement()
                .satisfies(w -> assertThat(w.targets().get(0).authHeader()).isEqualTo("old-secret-h2"));

        SyncReport r = f.reconciler(withSecret.apply("new-secret")).run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(c.webhookPolicies().list("team-a")).as(c.site()).singleElement().satisfies(w -> {
                assertThat(w.targets().get(0).authHeader()).isEqualTo("new-secret-" + c.site());
                assertThat(w.targets().get(0).address()).isEqualTo("http://harbor-sync.example:8080/webhooks/" + c.site());
            });
        }
    }

    /**
     * Found by SyncModelTest (seed 20261266): a repository deleted on h1 while h2 got an artifact in it that no run
     * has agreed on yet. The new artifact is a change since the base, which beats the deletion: the repository and
     * that artifact stay on h2 (replication's to copy); the artifacts the sites had agreed on go with the deletion.
     */
    @Test
    void aRepositoryDeletedOnOneSiteStaysWhereItGotNewContentSinceTheBase() {
        String agreed = "sha256:" + "a".repeat(64);
        String fresh = "sha256:" + "b".repeat(64);
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);
        for (String site : List.of("h1", "h2")) {
            f.emulator(site).pushArtifact("team-a", "app", agreed, "1.0"); // pushed, and replicated
        }
        sync.run(Scope.ALL, false, false);
        f.emulator("h2").pushArtifact("team-a", "app", fresh, "2.0"); // its replication to h1 has not run yet
        h1.repositories().delete("team-a", "app");

        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(h2.artifacts().find("team-a", "app", fresh)).as("new content stays where it is").isPresent();
        assertThat(h2.artifacts().find("team-a", "app", agreed)).as("agreed content follows the deletion").isEmpty();
        assertThat(r.planned()).noneMatch(i -> i.kind().equals(Kind.REPOSITORY) && i.op() == SyncReport.Action.DELETE);
        assertThat(r.pending()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(Kind.REPOSITORY);
            assertThat(i.reason()).contains("content changed since the base");
        });
        assertThat(sync.run(Scope.ALL, false, false).planned()).as("and it stays so").isEmpty();
    }

    @Test
    void deletionsPropagateRepositoriesFirstThenTheProject() {
        h1.projects().create(project("team-a"));
        f.emulator("h1").pushArtifact("team-a", "app/web", "sha256:" + "a".repeat(64), "1.0");
        sync.run(Scope.ALL, false, false);
        f.emulator("h2").pushArtifact("team-a", "app/web", "sha256:" + "a".repeat(64), "1.0"); // replication
        sync.run(Scope.ALL, false, false);
        assertThat(h2.projects().exists("team-a")).isTrue();

        h2.repositories().delete("team-a", "app/web");
        h2.projects().delete("team-a");
        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(h1.projects().exists("team-a")).isFalse();
        assertThat(r.done()).extracting(SyncReport.Item::kind).containsSubsequence(Kind.ARTIFACT, Kind.REPOSITORY, Kind.PROJECT);
        assertThat(f.store.list("project", "")).isEmpty();
    }

    @Test
    void tagsFollowAndArtifactDeletionsPropagate() {
        String d = "sha256:" + "b".repeat(64);
        h1.projects().create(project("team-a"));
        f.emulator("h1").pushArtifact("team-a", "app", d, "1.0");
        SyncReport first = sync.run(Scope.ALL, false, false);
        assertThat(first.pending()).as("content is replication's job").anySatisfy(i ->
                assertThat(i.key()).isEqualTo("team-a/app@" + d));
        assertThat(h2.repositories().list("team-a")).isEmpty();

        f.emulator("h2").pushArtifact("team-a", "app", d, "1.0"); // replication arrives
        sync.run(Scope.ALL, false, false);
        h1.artifacts().addTag("team-a", "app", d, "stable");
        sync.run(Scope.ALL, false, false);
        assertThat(h2.artifacts().find("team-a", "app", d).orElseThrow().tagNames()).containsExactlyInAnyOrder("1.0", "stable");

        h2.artifacts().deleteTag("team-a", "app", d, "1.0");
        sync.run(Scope.ALL, false, false);
        assertThat(h1.artifacts().find("team-a", "app", d).orElseThrow().tagNames()).containsExactly("stable");

        h1.artifacts().delete("team-a", "app", d);
        sync.run(Scope.ALL, false, false);
        assertThat(h2.artifacts().find("team-a", "app", d)).isEmpty();
    }

    @Test
    void dryRunPlansWithReasonsAndChangesNothing() {
        h1.projects().create(project("team-a"));
        SyncReport plan = sync.run(Scope.ALL, true, false);
        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.planned()).allSatisfy(i -> {
            assertThat(i.site()).isEqualTo("h2");
            assertThat(i.op()).isEqualTo(SyncReport.Action.CREATE);
            assertThat(i.reason()).contains("created on [h1]");
        });
        assertThat(plan.planned()).extracting(SyncReport.Item::key).contains("team-a", "team-a/u:admin");
        assertThat(plan.done()).isEmpty();
        assertThat(h2.projects().exists("team-a")).isFalse();
        assertThat(f.store.list("project", "")).isEmpty();
    }

    @Test
    void aSiteThatComesBackEmptyTripsTheGuard() {
        for (int i = 0; i < 4; i++) {
            h1.projects().create(project("p" + i));
        }
        sync.run(Scope.ALL, false, false);
        for (int i = 0; i < 4; i++) {
            h2.projects().delete("p" + i); // a failed restore
        }
        SyncReport r = sync.run(Scope.ALL, false, false);
        assertThat(r.skipped()).anySatisfy(i -> assertThat(i.reason()).contains("mass-deletion guard"));
        assertThat(h1.projects().list()).hasSize(4);
        assertThat(r.planned()).allSatisfy(i -> assertThat(i.detail()).contains("blocked"));

        SyncReport forced = sync.run(Scope.ALL, false, true);
        assertThat(forced.failed()).isEmpty();
        assertThat(h1.projects().list()).isEmpty();
    }

    @Test
    void theMembersOfADeletedProjectGoWithItAndDoNotTripTheGuard() {
        for (int i = 0; i < 6; i++) {
            addUser("user" + i);
        }
        h1.projects().create(project("big"));
        h1.projects().create(project("small"));
        for (int i = 0; i < 6; i++) {
            h1.members().add("big", new MemberReq(2, new UserEntity(null, "user" + i), null));
        }
        sync.run(Scope.ALL, false, false);
        assertThat(h2.members().list("big")).hasSize(7); // and admin, Harbor's creator member

        h1.projects().delete("big"); // 1 of 2 projects, but 7 of the 8 members the base knows on h2
        SyncReport r = sync.run(Scope.ALL, false, false);

        assertThat(r.skipped()).noneSatisfy(i -> assertThat(i.op()).isEqualTo(SyncReport.Action.GUARD));
        assertThat(r.failed()).isEmpty();
        assertThat(h2.projects().exists("big")).as("mirrored without force").isFalse();
        assertThat(h2.projects().exists("small")).isTrue();
        assertThat(r.done()).filteredOn(i -> i.kind().equals(Kind.MEMBER)).hasSize(7);
    }

    @Test
    void membersOfProjectsTheGuardHoldsBackAreHeldBackWithThem() {
        for (int i = 0; i < 4; i++) {
            h1.projects().create(project("p" + i));
        }
        sync.run(Scope.ALL, false, false);
        for (int i = 0; i < 4; i++) {
            h2.projects().delete("p" + i);
        }
        SyncReport r = sync.run(Scope.ALL, false, false);
        // only the projects count; their members (Harbor's creator member, one each) go with them
        assertThat(r.skipped()).filteredOn(i -> i.op() == SyncReport.Action.GUARD).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(Kind.PROJECT);
            assertThat(i.site()).isEqualTo("h1");
            assertThat(i.detail()).isEqualTo(Reconciler.GUARD_HELD_BACK);
            assertThat(i.reason()).contains("4 of 4 projects on h1");
        });
        assertThat(r.planned()).filteredOn(i -> i.kind().equals(Kind.MEMBER)).hasSize(4)
                .allSatisfy(i -> assertThat(i.detail()).isEqualTo("blocked by the mass-deletion guard"));
        assertThat(h1.members().list("p0")).isNotEmpty();
        assertThat(r.done()).isEmpty();
    }

    @Test
    void anUnreachableSiteIsUnknownNotEmpty() {
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/projects.*").status(503));
        SyncReport r = sync.run(Scope.ALL, false, false);
        assertThat(r.unknownSites()).singleElement().satisfies(s -> assertThat(s).startsWith("h2"));
        assertThat(r.planned()).isEmpty();
        assertThat(h1.projects().exists("team-a")).isTrue();
        assertThat(f.store.get("project", "team-a")).isPresent();
    }

    @Test
    void aMemberThePeerCannotResolveIsPendingAndRetried() {
        f.emulator("h1").addUser("oidc-bob"); // never logged in on h2
        h1.projects().create(project("team-a"));
        h1.members().add("team-a", new MemberReq(3, new UserEntity(null, "oidc-bob"), null));
        SyncReport r = sync.run(Scope.ALL, false, false);
        assertThat(r.pending()).anySatisfy(i -> {
            assertThat(i.key()).isEqualTo("team-a/u:oidc-bob");
            assertThat(i.detail()).contains("not resolvable on h2");
        });
        assertThat(r.failed()).isEmpty();
        assertThat(f.store.get("member", "team-a/u:oidc-bob")).isEmpty();

        f.emulator("h2").addUser("oidc-bob"); // bob logs in on h2
        sync.run(Scope.ALL, false, false);
        assertThat(h2.members().find("team-a", "oidc-bob", false)).get().extracting(Member::roleId).isEqualTo(3);
    }

    @Test
    void conflictsFollowThePolicy() {
        addUser("alice");
        h1.projects().create(project("team-a"));
        h1.members().add("team-a", new MemberReq(2, new UserEntity(null, "alice"), null));
        sync.run(Scope.ALL, false, false);

        for (String policy : List.of("active-site", "site:h2", "newest", "report-only")) {
            // both sites move away from what they last agreed on, differently
            int agreed = h1.members().find("team-a", "alice", false).orElseThrow().roleId();
            int a = agreed == 3 ? 5 : 3;
            int b = agreed == 4 ? 1 : 4;
            setRole(h1, a);
            setRole(h2, b);
            Reconciler r = f.reconciler(new SyncSettings(ConflictPolicy.parse(policy, "h1"), 0.25, Set.of(),
                    Optional.empty(), Map.of(), 1));
            SyncReport report = r.run(Scope.ALL, false, false);
            assertThat(report.conflicts()).as(policy).anySatisfy(c -> {
                assertThat(c.key()).isEqualTo("team-a/u:alice");
                // every site's value, as it was before the run
                assertThat(c.values()).containsExactly(Map.entry("h1", "{\"roleId\":" + a + "}"),
                        Map.entry("h2", "{\"roleId\":" + b + "}"));
                if (!policy.equals("report-only")) {
                    assertThat(c.outcome()).isEqualTo("resolved");
                    assertThat(c.rule()).startsWith("conflict policy " + policy);
                    assertThat(c.winner()).isEqualTo(policy.equals("site:h2") ? "h2" : "h1");
                }
            });
            int role1 = h1.members().find("team-a", "alice", false).orElseThrow().roleId();
            int role2 = h2.members().find("team-a", "alice", false).orElseThrow().roleId();
            switch (policy) {
                case "active-site", "newest" -> assertThat(List.of(role1, role2)).as(policy).containsOnly(a);
                case "site:h2" -> assertThat(List.of(role1, role2)).as(policy).containsOnly(b);
                case "report-only" -> {
                    assertThat(List.of(role1, role2)).as(policy).containsExactly(a, b);
                    assertThat(report.conflicts()).singleElement().satisfies(c -> {
                        assertThat(c.outcome()).isEqualTo("unresolved");
                        assertThat(c.rule()).contains("report-only");
                        assertThat(c.winner()).isNull();
                    });
                }
                default -> throw new AssertionError(policy);
            }
        }
    }

    private static void setRole(HarborClient c, int role) {
        long id = c.members().find("team-a", "alice", false).orElseThrow().id();
        c.members().updateRole("team-a", id, role);
    }

    @Test
    void aRestartKeepsTheBaseSoNothingIsRecreatedOrDeleted() {
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);
        h1.projects().delete("team-a");
        // a new daemon process over the same store
        Reconciler restarted = f.reconciler(SyncSettings.defaults("h1"));
        SyncReport r = restarted.run(Scope.ALL, false, false);
        assertThat(r.done()).isNotEmpty().allSatisfy(i -> {
            assertThat(i.op()).isEqualTo(SyncReport.Action.DELETE);
            assertThat(i.site()).isEqualTo("h2");
        });
        assertThat(h2.projects().exists("team-a")).isFalse();
    }

    @Test
    void deletionPropagationCanBeOffPerKind() {
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);
        h2.projects().delete("team-a");
        Reconciler noProjectDeletes = f.reconciler(new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25,
                Set.of(Kind.PROJECT), Optional.empty(), Map.of(), 1));
        SyncReport r = noProjectDeletes.run(Scope.ALL, false, false);
        assertThat(h1.projects().exists("team-a")).isTrue();
        assertThat(h2.projects().exists("team-a")).as("and not resurrected either").isFalse();
        assertThat(r.skipped()).anySatisfy(i -> assertThat(i.reason()).contains("deletion propagation is off"));
    }

    @Test
    void aProjectDeletedOnOneSiteButWithNewContentOnTheOtherIsKept() {
        h1.projects().create(project("team-a"));
        sync.run(Scope.ALL, false, false);
        h2.projects().delete("team-a");
        f.emulator("h1").pushArtifact("team-a", "new", null, "1.0"); // pushed after the deletion
        SyncReport r = sync.run(Scope.ALL, false, false);
        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo("team-a");
            assertThat(c.rule()).as("named as such, not as the conflict policy").isEqualTo("a change beats a delete");
            assertThat(c.outcome()).isEqualTo("resolved");
            assertThat(c.winner()).isEqualTo("h1");
            assertThat(c.values().get("h2")).isEqualTo("(deleted)");
            assertThat(c.values().get("h1")).contains("\"auto_scan\":\"true\"");
        });
        assertThat(h1.projects().exists("team-a")).isTrue();
        assertThat(h2.projects().exists("team-a")).as("recreated: the change wins").isTrue();
    }

    @Test
    void oneProjectScopeTouchesOnlyThatProject() {
        h1.projects().create(project("team-a"));
        h1.projects().create(project("team-b"));
        sync.run(Scope.project("team-a"), false, false);
        assertThat(h2.projects().exists("team-a")).isTrue();
        assertThat(h2.projects().exists("team-b")).isFalse();
    }

    @Test
    void threeSitesConvergeOnCreateChangeAndDelete() {
        try (SyncFixture three = new SyncFixture(new InMemoryBaseStore(), "h1", "h2", "h3")) {
            three.emulators.values().forEach(e -> e.addUser("alice"));
            Reconciler r = three.reconciler(SyncSettings.defaults("h1"));
            three.client("h3").projects().create(project("team-c"));
            three.client("h3").members().add("team-c", new MemberReq(2, new UserEntity(null, "alice"), null));
            r.run(Scope.ALL, false, false);
            for (String s : List.of("h1", "h2")) {
                assertThat(three.client(s).members().find("team-c", "alice", false)).get()
                        .extracting(Member::roleId).isEqualTo(2);
            }
            long id = three.client("h2").members().find("team-c", "alice", false).orElseThrow().id();
            three.client("h2").members().updateRole("team-c", id, 4);
            r.run(Scope.ALL, false, false);
            for (String s : List.of("h1", "h3")) {
                assertThat(three.client(s).members().find("team-c", "alice", false)).get()
                        .extracting(Member::roleId).isEqualTo(4);
            }
            three.client("h1").projects().delete("team-c");
            SyncReport gone = r.run(Scope.ALL, false, false);
            assertThat(gone.failed()).isEmpty();
            assertThat(three.clients.values()).noneMatch(c -> c.projects().exists("team-c"));
        }
    }

    @Test
    void aRestartOverTheEmbeddedH2FileKeepsTheBase(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("harbor-sync") + ";AUTO_SERVER=FALSE";
        f.store = new io.harborsync.store.JdbcBaseStore(migrated(url));
        h1.projects().create(project("team-a"));
        h1.projects().create(project("team-b"));
        f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        h2.projects().delete("team-b");

        // a new process: new datasource, new store object, new reconciler, same file
        f.store = new io.harborsync.store.JdbcBaseStore(migrated(url));
        SyncReport r = f.reconciler(SyncSettings.defaults("h1")).run(Scope.ALL, false, false);
        assertThat(r.failed()).isEmpty();
        assertThat(h1.projects().exists("team-b")).as("the deletion on h2 is a deletion, not a new project on h1")
                .isFalse();
        assertThat(h2.projects().exists("team-a")).isTrue();
        assertThat(r.done()).noneMatch(i -> i.op() == SyncReport.Action.CREATE);
    }

    private static javax.sql.DataSource migrated(String url) {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        ds.setPassword("");
        org.flywaydb.core.Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }

    @Test
    void proxyCacheProjectsAreSkippedUnlessTheirRegistryIsMappedByName() {
        long dockerhubOnH1 = h1.registries().create(new Registry(null, "dockerhub", "https://hub.docker.com", "docker-hub",
                false, null, null, null));
        h1.registries().create(new Registry(null, "quay", "https://quay.io", "quay", false, null, null, null));
        h2.registries().create(new Registry(null, "other", "https://example.org", "docker-registry", false, null, null, null));
        long dockerhubOnH2 = h2.registries().create(new Registry(null, "dockerhub", "https://hub.docker.com", "docker-hub",
                false, null, null, null));
        assertThat(dockerhubOnH2).as("ids differ per site").isNotEqualTo(dockerhubOnH1);
        h1.projects().create(new ProjectReq("dh-cache", true, null, null, null, dockerhubOnH1));

        SyncReport unmapped = sync.run(Scope.ALL, false, false);
        assertThat(unmapped.skipped()).anySatisfy(i -> {
            assertThat(i.key()).isEqualTo("dh-cache");
            assertThat(i.reason()).contains("proxy-cache");
        });
        assertThat(h2.projects().exists("dh-cache")).isFalse();

        Reconciler mapped = f.reconciler(new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25, Set.of(),
                Optional.empty(), Map.of(), 1, Set.of("dockerhub")));
        SyncReport r = mapped.run(Scope.ALL, false, false);
        assertThat(r.failed()).isEmpty();
        assertThat(h2.projects().get("dh-cache").registryId()).isEqualTo(dockerhubOnH2);
        assertThat(mapped.run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void webhookPoliciesAreWrittenOnlyWhereTheyDifferWithNoListingOfTheirOwn() {
        SyncSettings d = SyncSettings.defaults("h1");
        String url = "http://harbor-sync.example:8080";
        String ours = WebhookPolicies.name(url);
        Reconciler withHooks = f.reconciler(new SyncSettings(d.policy(), d.maxDeleteFraction(), d.deletionDisabled(),
                Optional.of(url), Map.of(), d.groupType()));
        h1.projects().create(project("hooked"));
        // another installation's policy, and an earlier version's policy of another daemon: never touched
        h1.webhookPolicies().create("hooked", new WebhookPolicy(null, WebhookPolicies.name("http://staging:8080"), "",
                null, List.of(new WebhookTarget("http", "http://staging:8080/webhooks/h1", null, false, "Default")),
                WebhookPolicies.EVENTS, true));
        h1.webhookPolicies().create("hooked", new WebhookPolicy(null, WebhookPolicies.LEGACY_NAME, "", null,
                List.of(new WebhookTarget("http", "http://old-daemon:8080/webhooks/h1", null, false, "Default")),
                WebhookPolicies.EVENTS, true));
        java.util.concurrent.atomic.AtomicInteger policyReads = new java.util.concurrent.atomic.AtomicInteger();
        List<String> policyWrites = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.harborsync.emulator.ExchangeListener count = ex -> {
            if (ex.rawPath().contains("/webhook/policies")) {
                if (ex.method().equals("GET")) {
                    policyReads.incrementAndGet();
                } else {
                    policyWrites.add(ex.method() + " " + ex.rawPath());
                }
            }
        };
        f.emulators.values().forEach(e -> e.addExchangeListener(count));
        try {
            withHooks.run(Scope.ALL, false, false);
            assertThat(h2.webhookPolicies().list("hooked")).extracting(WebhookPolicy::name).containsExactly(ours);
            assertThat(h1.webhookPolicies().list("hooked")).extracting(WebhookPolicy::name)
                    .containsExactlyInAnyOrder(WebhookPolicies.name("http://staging:8080"), WebhookPolicies.LEGACY_NAME,
                            ours);
            assertThat(h1.webhookPolicies().list("hooked")).filteredOn(p -> !p.name().equals(ours))
                    .extracting(p -> p.targets().get(0).address())
                    .containsExactlyInAnyOrder("http://staging:8080/webhooks/h1", "http://old-daemon:8080/webhooks/h1");

            f.emulators.values().forEach(e -> e.awaitIdle(java.time.Duration.ofSeconds(5)));
            policyReads.set(0);
            policyWrites.clear();
            withHooks.run(Scope.ALL, false, false);
            f.emulators.values().forEach(e -> e.awaitIdle(java.time.Duration.ofSeconds(5)));
            // one listing per site, the webhook-policy kind's, which shows the daemon's policy too; in place: no write
            assertThat(policyReads).as("no listing of the upkeep's own").hasValue(2);
            assertThat(policyWrites).as("a policy in place is not written").isEmpty();

            // someone switched it off on h1: the next run puts it right, with one PUT and nothing else
            WebhookPolicy mine = h1.webhookPolicies().list("hooked").stream().filter(p -> p.name().equals(ours))
                    .findFirst().orElseThrow();
            h1.webhookPolicies().update("hooked", mine.id(), new WebhookPolicy(null, mine.name(), mine.description(),
                    null, mine.targets(), mine.eventTypes(), false));
            policyWrites.clear();
            withHooks.run(Scope.ALL, false, false);
            assertThat(policyWrites).containsExactly("PUT /api/v2.0/projects/hooked/webhook/policies/" + mine.id());
            assertThat(h1.webhookPolicies().list("hooked")).filteredOn(p -> p.name().equals(ours))
                    .singleElement().extracting(WebhookPolicy::enabled).isEqualTo(true);

            // Deleted and created again by a user on h1 (a new id, no policy): written at once.
            h1.projects().delete("hooked");
            h1.projects().create(project("hooked"));
            withHooks.run(Scope.ALL, false, false);
            assertThat(h1.webhookPolicies().list("hooked")).extracting(WebhookPolicy::name).containsExactly(ours);
        } finally {
            f.emulators.values().forEach(e -> e.removeExchangeListener(count));
        }
    }

    @Test
    void anEarlierVersionsPolicyToThisDaemonIsTakenOverNotDoubled() {
        SyncSettings d = SyncSettings.defaults("h1");
        String url = "http://harbor-sync.example:8080";
        Reconciler withHooks = f.reconciler(new SyncSettings(d.policy(), d.maxDeleteFraction(), d.deletionDisabled(),
                Optional.of(url), Map.of(), d.groupType()));
        for (HarborClient c : List.of(h1, h2)) {
            c.projects().create(project("legacy"));
            c.webhookPolicies().create("legacy", new WebhookPolicy(null, WebhookPolicies.LEGACY_NAME, "", null,
                    List.of(new WebhookTarget("http", WebhookPolicies.address(url, c.site()), null, false, "Default")),
                    WebhookPolicies.EVENTS, true));
        }
        assertThat(withHooks.run(Scope.ALL, false, false).failed()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(c.webhookPolicies().list("legacy")).as(c.site()).singleElement()
                    .extracting(WebhookPolicy::name).isEqualTo(WebhookPolicies.name(url));
        }
        assertThat(withHooks.run(Scope.ALL, true, false).planned()).as("in place now").isEmpty();
    }

    @Test
    void anArtifactScopeReadsOnlyThatArtifactAndDeletesItWhereItIsLeft() {
        String d = "sha256:" + "e".repeat(64);
        String other = "sha256:" + "f".repeat(64);
        h1.projects().create(project("team-e"));
        sync.run(Scope.ALL, false, false);
        for (String site : List.of("h1", "h2")) { // pushed on h1, replicated to h2
            f.emulator(site).pushArtifact("team-e", "app", d, "1.0");
            f.emulator(site).pushArtifact("team-e", "app", other, "2.0");
        }
        sync.run(Scope.ALL, false, false);
        h1.artifacts().delete("team-e", "app", d);

        java.util.Map<String, List<String>> requests = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<String, io.harborsync.emulator.ExchangeListener> listeners = new java.util.HashMap<>();
        for (String site : List.of("h1", "h2")) {
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            requests.put(site, seen);
            listeners.put(site, ex -> seen.add(ex.method() + " " + ex.rawPath()));
            f.emulator(site).addExchangeListener(listeners.get(site));
        }
        SyncReport r;
        try {
            r = sync.run(Scope.artifact("team-e", "app", d), false, false);
            f.emulators.values().forEach(e -> e.awaitIdle(java.time.Duration.ofSeconds(5)));
        } finally {
            listeners.forEach((site, l) -> f.emulator(site).removeExchangeListener(l));
        }

        assertThat(r.failed()).isEmpty();
        assertThat(r.done()).singleElement().satisfies(i -> {
            assertThat(i.site()).isEqualTo("h2");
            assertThat(i.op()).isEqualTo(SyncReport.Action.DELETE);
            assertThat(i.key()).isEqualTo("team-e/app@" + d);
        });
        assertThat(h2.artifacts().find("team-e", "app", d)).isEmpty();
        assertThat(h2.artifacts().find("team-e", "app", other)).as("nothing else is touched").isPresent();
        String path = "/api/v2.0/projects/team-e/repositories/app/artifacts";
        assertThat(requests.get("h1")).as("one read of the artifact on h1")
                .containsExactly("GET " + path + "/" + d);
        assertThat(requests.get("h2")).as("one read and the delete (its 200 is definitive: no read-back)")
                .containsExactly("GET " + path + "/" + d, "DELETE " + path + "/" + d);
        assertThat(sync.run(Scope.project("team-e"), false, false).planned()).as("the base moved").isEmpty();
    }
}
