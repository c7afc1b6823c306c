package io.harborsync.sync;

import io.harborsync.emulator.Fault;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.CveItem;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.model.Keys;
import io.harborsync.model.Scope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The system CVE allowlist as a mirrored kind over two emulated Harbors: one key, read at full reconciles only,
 * never created nor deleted, its items and expiry merged attribute by attribute; not mirrored at all when the
 * daemon logs in as a robot. Every request is spec-checked.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class CveAllowlistKindTest extends TwoSitesKindTest {

    private Reconciler sync(SyncSettings settings) {
        return f.reconciler(settings);
    }

    private Reconciler sync() {
        return sync(SyncSettings.defaults("h1"));
    }

    private static void set(HarborClient c, Long expiresAt, String... ids) {
        c.systemCveAllowlist().put(CveAllowlist.portable(expiresAt, java.util.Arrays.stream(ids).map(CveItem::new).toList()));
    }

    private static Values.CveAllowlistValue on(HarborClient c) {
        return CveAllowlistKind.value(c.systemCveAllowlist().get());
    }

    @Test
    void itemsAndExpirySetOnOneSiteReachTheOtherAndBack() {
        sync().run(Scope.ALL, false, false); // both empty: recorded as agreed
        set(h1, 1900000000L, "CVE-2024-1", "CVE-2024-2");

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(r.done()).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(CveAllowlistKind.CVE_ALLOWLIST);
            assertThat(i.key()).isEqualTo(Keys.CVE_ALLOWLIST);
            assertThat(i.site()).isEqualTo("h2");
            assertThat(i.op()).isEqualTo(SyncReport.Action.UPDATE);
        });
        assertThat(on(h2).items()).containsExactly("CVE-2024-1", "CVE-2024-2");
        assertThat(on(h2).expiresAt()).isEqualTo(1900000000L);

        set(h2, null, "CVE-2024-2", "CVE-2024-1"); // the order means nothing, the expiry went
        sync().run(Scope.ALL, false, false);
        assertThat(on(h1).expiresAt()).isNull();
        assertThat(on(h1).items()).containsExactly("CVE-2024-1", "CVE-2024-2");
        assertThat(sync().run(Scope.ALL, false, false).planned()).isEmpty();
    }

    @Test
    void onFirstContactTheSitesDifferencesAreAConflictResolvedByThePolicy() {
        set(h1, null, "CVE-2024-1");
        set(h2, null, "CVE-2024-9");

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(r.conflicts()).singleElement().satisfies(c -> assertThat(c.key()).isEqualTo(Keys.CVE_ALLOWLIST));
        assertThat(on(h2).items()).containsExactly("CVE-2024-1");
    }

    @Test
    void itemsAndExpiryChangedOnDifferentSitesBothSurviveAndItemsTwiceIsAConflictOfThatField() {
        set(h1, null, "CVE-2024-1");
        sync().run(Scope.ALL, false, false);
        set(h1, null, "CVE-2024-1", "CVE-2024-3");
        set(h2, 1900000000L, "CVE-2024-1");

        assertThat(sync().run(Scope.ALL, false, false).conflicts()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            assertThat(on(c)).isEqualTo(new Values.CveAllowlistValue(new java.util.TreeSet<>(Set.of("CVE-2024-1",
                    "CVE-2024-3")), 1900000000L));
        }

        set(h1, 1900000000L, "CVE-2024-5");
        set(h2, 1900000000L, "CVE-2024-6");
        SyncReport r = sync().run(Scope.ALL, false, false);
        assertThat(r.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.fields()).extracting(SyncReport.Conflict.Field::field).containsExactly(Values.ITEMS);
            assertThat(c.winner()).isEqualTo("h1");
        });
        assertThat(on(h2).items()).containsExactly("CVE-2024-5");
    }

    @Test
    void aProjectReconcileAndADryRunLeaveItAlone() {
        sync().run(Scope.ALL, false, false);
        // a project named like the kind: its scope must not take the allowlist's key for its own
        h1.projects().create(new ProjectReq("cve-allowlist", false, Map.of(), CveAllowlist.portable(null, List.of()), -1L, null));
        set(h1, null, "CVE-2024-1");

        SyncReport project = sync().run(Scope.project("cve-allowlist"), false, false);
        assertThat(project.planned()).noneMatch(i -> i.kind().equals(CveAllowlistKind.CVE_ALLOWLIST));
        SyncReport dry = sync().run(Scope.ALL, true, false);
        assertThat(dry.planned()).anySatisfy(i -> assertThat(i.kind()).isEqualTo(CveAllowlistKind.CVE_ALLOWLIST));

        assertThat(on(h2).items()).isEmpty();
        sync().run(Scope.ALL, false, false);
        assertThat(on(h2).items()).containsExactly("CVE-2024-1");
    }

    @Test
    void withARobotAccountItIsOnePreconditionAndUntouched() {
        set(h1, null, "CVE-2024-1");
        SyncSettings asRobot = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25, Set.of(),
                Optional.empty(), Map.of(), 1, Set.of(), Map.of("h1", "robot$harbor-sync", "h2", "admin"));

        SyncReport r = sync(asRobot).run(Scope.ALL, false, false);

        assertThat(r.failed()).isEmpty();
        assertThat(on(h2).items()).isEmpty();
        assertThat(r.preconditions()).anySatisfy(p -> {
            assertThat(p.kinds()).contains(CveAllowlistKind.CVE_ALLOWLIST);
            assertThat(p.reason()).contains("configuration:update").contains("robot$harbor-sync");
        });
    }

    @Test
    void aFailedReadLeavesItUnknownOnThatSiteAndNothingElse() {
        h1.projects().create(new ProjectReq("team-a", false, Map.of(), CveAllowlist.portable(null, List.of()), -1L, null));
        set(h1, null, "CVE-2024-1");
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/system/CVEAllowlist").status(503));

        SyncReport r = sync().run(Scope.ALL, false, false);

        assertThat(h2.projects().find("team-a")).isPresent();
        assertThat(r.planned()).noneMatch(i -> i.kind().equals(CveAllowlistKind.CVE_ALLOWLIST));
        f.emulator("h2").faults().clear();
        assertThat(on(h2).items()).isEmpty();
    }
}
