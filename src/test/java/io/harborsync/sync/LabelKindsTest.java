package io.harborsync.sync;

import io.harborsync.emulator.Fault;
import io.harborsync.emulator.RecordedExchange;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborModel.Artifact;
import io.harborsync.harbor.HarborModel.CveAllowlist;
import io.harborsync.harbor.HarborModel.Label;
import io.harborsync.harbor.HarborModel.ProjectReq;
import io.harborsync.model.Keys;
import io.harborsync.model.Kind;
import io.harborsync.model.Scope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Labels as three mirrored kinds over two emulated Harbors (observations §4): global labels and project labels by
 * name with color and description, merged attribute by attribute, and which labels are attached to which
 * artifacts, read from the artifact listing at no extra request. Every request is spec-checked.
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class LabelKindsTest extends TwoSitesKindTest {
    static final String P = "team-a";

    private SyncReport sync(Scope scope, boolean dryRun, boolean force, SyncSettings settings) {
        return f.reconciler(settings).run(scope, dryRun, force);
    }

    private SyncReport sync() {
        return sync(Scope.ALL, false, false, SyncSettings.defaults("h1"));
    }

    private static long global(HarborClient c, String name, String color, String description) {
        return c.labels().create(Label.of(name, color, description, Label.GLOBAL, null));
    }

    private static long inProject(HarborClient c, String project, String name, String color) {
        return c.labels().create(Label.of(name, color, "", Label.PROJECT, c.projects().get(project).projectId()));
    }

    private static Optional<Label> globalLabel(HarborClient c, String name) {
        return c.labels().findGlobal(name);
    }

    private static Optional<Label> projectLabel(HarborClient c, String project, String name) {
        return c.labels().findInProject(c.projects().get(project).projectId(), name);
    }

    /** The labels attached to an artifact, as "scope:name". */
    private static Set<String> attached(HarborClient c, String project, String repo, String digest) {
        Set<String> out = new TreeSet<>();
        for (Artifact a : c.artifacts().list(project, repo)) {
            if (a.digest().equals(digest)) {
                a.attachedLabels().forEach(l -> out.add(l.scope() + ":" + l.name()));
            }
        }
        return out;
    }

    /** An artifact on both sites, as replication leaves it. */
    private String replicatedArtifact(String repo, String tag) {
        String d = f.emulator("h1").pushArtifact(P, repo, null, tag);
        f.emulator("h2").pushArtifact(P, repo, d, tag);
        return d;
    }

    @Test
    void aGlobalLabelIsCopiedRecolouredRenamedAndDeletedEitherWay() {
        global(h1, "prod", "#FF0000", "production");

        SyncReport r = sync();

        assertThat(r.failed()).isEmpty();
        Label copy = globalLabel(h2, "prod").orElseThrow();
        assertThat(copy.color()).isEqualTo("#FF0000");
        assertThat(copy.description()).isEqualTo("production");
        assertThat(copy.scope()).isEqualTo("g");
        assertThat(sync().planned()).as("the base moved").isEmpty();

        h2.labels().update(copy.id(), Label.of("prod", "#00FF00", "production", "g", null));
        assertThat(sync().failed()).isEmpty();
        assertThat(globalLabel(h1, "prod").orElseThrow().color()).isEqualTo("#00FF00");
        assertThat(globalLabel(h1, "prod").orElseThrow().description()).as("PUT sends all three").isEqualTo("production");

        // a rename is the old name deleted and the new one created
        long id1 = globalLabel(h1, "prod").orElseThrow().id();
        h1.labels().update(id1, Label.of("production", "#00FF00", "production", "g", null));
        SyncReport renamed = sync();
        assertThat(renamed.failed()).isEmpty();
        assertThat(globalLabel(h2, "prod")).isEmpty();
        assertThat(globalLabel(h2, "production")).hasValueSatisfying(l -> assertThat(l.color()).isEqualTo("#00FF00"));

        h2.labels().delete(globalLabel(h2, "production").orElseThrow().id());
        SyncReport gone = sync();
        assertThat(gone.done()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(LabelKind.LABEL);
            assertThat(i.op()).isEqualTo(SyncReport.Action.DELETE);
            assertThat(i.site()).isEqualTo("h1");
        });
        assertThat(h1.labels().listGlobal()).isEmpty();
        assertThat(sync().planned()).as("not resurrected").isEmpty();
    }

    @Test
    void colorAndDescriptionMergeOneByOneAndAConflictIsPerAttribute() {
        global(h1, "qa", "#111111", "quality");
        sync();
        Label on2 = globalLabel(h2, "qa").orElseThrow();
        Label on1 = globalLabel(h1, "qa").orElseThrow();
        h1.labels().update(on1.id(), Label.of("qa", "#222222", "quality", "g", null));
        h2.labels().update(on2.id(), Label.of("qa", "#111111", "quality assurance", "g", null));

        SyncReport merged = sync();

        assertThat(merged.failed()).isEmpty();
        for (HarborClient c : List.of(h1, h2)) {
            Label l = globalLabel(c, "qa").orElseThrow();
            assertThat(l.color()).isEqualTo("#222222");
            assertThat(l.description()).isEqualTo("quality assurance");
        }

        // the same attribute changed differently: the active site (h1) wins it, the other attribute merges
        h1.labels().update(on1.id(), Label.of("qa", "#333333", "quality assurance", "g", null));
        h2.labels().update(on2.id(), Label.of("qa", "#444444", "qa team", "g", null));
        SyncReport conflict = sync();
        assertThat(conflict.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo(Keys.label("qa"));
            assertThat(c.fields()).singleElement().satisfies(fc -> {
                assertThat(fc.field()).isEqualTo("color");
                assertThat(fc.winner()).isEqualTo("h1");
            });
        });
        for (HarborClient c : List.of(h1, h2)) {
            Label l = globalLabel(c, "qa").orElseThrow();
            assertThat(l.color()).isEqualTo("#333333");
            assertThat(l.description()).isEqualTo("qa team");
        }
    }

    @Test
    void aLabelWithoutANameIsNotMirroredAndSaysWhy() {
        f.http.get("h1").post("labels", Map.of("scope", "g", "color", "#123456"));
        global(h1, "named", "", "");

        SyncReport r = sync();

        assertThat(r.failed()).isEmpty();
        assertThat(h2.labels().listGlobal()).extracting(Label::name).containsExactly("named");
        assertThat(r.skipped()).anySatisfy(i -> {
            assertThat(i.kind()).isEqualTo(LabelKind.LABEL);
            assertThat(i.reason()).contains("without a name");
        });
    }

    @Test
    void aProjectLabelIsCopiedIntoTheSameProjectAndDeletedEitherWay() {
        project(h1, P);
        inProject(h1, P, "frontend", "#0000FF");
        global(h1, "frontend", "#FFFFFF", ""); // same name, other scope: another label

        SyncReport r = sync(Scope.project(P), false, false, SyncSettings.defaults("h1"));

        assertThat(r.failed()).isEmpty();
        assertThat(projectLabel(h2, P, "frontend")).hasValueSatisfying(l -> {
            assertThat(l.color()).isEqualTo("#0000FF");
            assertThat(l.scope()).isEqualTo("p");
            assertThat(l.projectId()).isEqualTo(h2.projects().get(P).projectId());
        });
        assertThat(globalLabel(h2, "frontend")).as("global labels: full reconciles only").isEmpty();
        assertThat(sync().failed()).isEmpty();
        assertThat(globalLabel(h2, "frontend")).hasValueSatisfying(l -> assertThat(l.color()).isEqualTo("#FFFFFF"));

        h2.labels().delete(projectLabel(h2, P, "frontend").orElseThrow().id());
        SyncReport gone = sync(Scope.project(P), false, false, SyncSettings.defaults("h1"));
        assertThat(gone.failed()).isEmpty();
        assertThat(projectLabel(h1, P, "frontend")).isEmpty();
        assertThat(globalLabel(h1, "frontend")).isPresent();
    }

    @Test
    void theProjectLabelsOfAProjectTheDaemonDeletesAreDeletedOnThatSiteFirst() {
        project(h1, P);
        inProject(h1, P, "frontend", "#0000FF");
        inProject(h1, P, "backend", "#00FF00");
        sync();
        long pid1 = h1.projects().get(P).projectId();
        long pid2 = h2.projects().get(P).projectId();
        List<Long> onH2 = h2.labels().listProject(pid2).stream().map(Label::id).toList();
        assertThat(onH2).hasSize(2);

        h1.projects().delete(P); // a person's deletion: Harbor keeps its labels (observations §4)
        SyncReport r = sync();

        assertThat(r.failed()).isEmpty();
        assertThat(r.skipped()).as("two labels go with their project: no guard hold").isEmpty();
        assertThat(h2.projects().find(P)).isEmpty();
        for (long id : onH2) {
            assertThat(f.http.get("h2").get("labels/" + id).statusCode()).as("label %s on h2", id).isEqualTo(404);
        }
        assertThat(r.done()).filteredOn(i -> i.kind().equals(ProjectLabelKind.PROJECT_LABEL))
                .extracting(SyncReport.Item::site).containsExactly("h2", "h2");
        // what the person's deletion left on h1 is no longer under a project the daemon reads (documented)
        assertThat(h1.labels().listProject(pid1)).hasSize(2);
        assertThat(sync().planned()).isEmpty();
    }

    @Test
    void attachmentsAreCopiedWithEachSitesLabelIdsAndDetachedEitherWay() {
        project(h1, P);
        sync();
        String d = replicatedArtifact("app", "v1");
        long g1 = global(h1, "prod", "#FF0000", "");
        long p1 = inProject(h1, P, "frontend", "#0000FF");
        global(h2, "padding", "", ""); // so that h2's ids differ from h1's
        h1.labels().attach(P, "app", d, g1);
        h1.labels().attach(P, "app", d, p1);

        SyncReport r = sync();

        assertThat(r.failed()).isEmpty();
        assertThat(attached(h2, P, "app", d)).containsExactly("g:prod", "p:frontend");
        assertThat(globalLabel(h2, "prod").orElseThrow().id()).isNotEqualTo(g1);
        assertThat(sync().planned()).isEmpty();

        h2.labels().detach(P, "app", d, globalLabel(h2, "prod").orElseThrow().id());
        SyncReport detached = sync(Scope.project(P), false, false, SyncSettings.defaults("h1"));
        assertThat(detached.failed()).isEmpty();
        assertThat(attached(h1, P, "app", d)).containsExactly("p:frontend");
        assertThat(globalLabel(h1, "prod")).as("the label stays").isPresent();

        // a label deleted takes its attachments along (Harbor): the attachment's deletion spreads with it
        h1.labels().delete(projectLabel(h1, P, "frontend").orElseThrow().id());
        SyncReport labelGone = sync();
        assertThat(labelGone.failed()).isEmpty();
        assertThat(attached(h2, P, "app", d)).isEmpty();
        assertThat(projectLabel(h2, P, "frontend")).isEmpty();
        assertThat(sync().planned()).isEmpty();
    }

    @Test
    void anAttachmentWhoseArtifactIsNotReplicatedYetIsDeferredThenMade() {
        project(h1, P);
        sync();
        String d = f.emulator("h1").pushArtifact(P, "app", null, "v1");
        h1.labels().attach(P, "app", d, global(h1, "prod", "", ""));

        SyncReport r = sync();

        assertThat(r.failed()).isEmpty();
        assertThat(r.done()).noneMatch(i -> i.kind().equals(ArtifactLabelKind.ARTIFACT_LABEL));
        assertThat(globalLabel(h2, "prod")).isPresent();

        f.emulator("h2").pushArtifact(P, "app", d, "v1"); // replication caught up
        SyncReport later = sync();
        assertThat(later.failed()).isEmpty();
        assertThat(attached(h2, P, "app", d)).containsExactly("g:prod");
    }

    @Test
    void deletingAnArtifactDetachesItsLabelsAsOneDeletion() {
        project(h1, P);
        sync();
        String keep = replicatedArtifact("app", "v1");
        String d = replicatedArtifact("app", "v2");
        long a = global(h1, "a", "", "");
        long b = global(h1, "b", "", "");
        h1.labels().attach(P, "app", d, a);
        h1.labels().attach(P, "app", d, b);
        h1.labels().attach(P, "app", keep, a);
        sync();
        assertThat(attached(h2, P, "app", d)).containsExactly("g:a", "g:b");

        h1.artifacts().delete(P, "app", d);
        SyncReport r = sync(); // default guard fraction 0.25: two of three attachments would trip it alone

        assertThat(r.failed()).isEmpty();
        assertThat(r.skipped()).isEmpty();
        assertThat(h2.artifacts().find(P, "app", d)).isEmpty();
        assertThat(attached(h2, P, "app", keep)).containsExactly("g:a");
    }

    @Test
    void aDryRunWritesNothing() {
        project(h1, P);
        sync();
        String d = replicatedArtifact("app", "v1");
        h1.labels().attach(P, "app", d, global(h1, "prod", "", ""));
        inProject(h1, P, "frontend", "");

        SyncReport dry = sync(Scope.ALL, true, false, SyncSettings.defaults("h1"));

        assertThat(dry.planned()).extracting(SyncReport.Item::kind).contains(LabelKind.LABEL,
                ProjectLabelKind.PROJECT_LABEL, ArtifactLabelKind.ARTIFACT_LABEL);
        assertThat(h2.labels().listGlobal()).isEmpty();
        assertThat(h2.labels().listProject(h2.projects().get(P).projectId())).isEmpty();
        assertThat(attached(h2, P, "app", d)).isEmpty();
    }

    @Test
    void labelDeletionsFollowTheDisabledKindsSetting() {
        project(h1, P);
        sync();
        String d = replicatedArtifact("app", "v1");
        long g = global(h1, "prod", "", "");
        inProject(h1, P, "frontend", "");
        h1.labels().attach(P, "app", d, g);
        sync();
        assertThat(attached(h2, P, "app", d)).containsExactly("g:prod");
        h1.labels().delete(g);
        h1.labels().delete(projectLabel(h1, P, "frontend").orElseThrow().id());
        Set<Kind> off = Set.copyOf(KindRegistry.standard().named("label"));
        assertThat(off).containsExactlyInAnyOrder(LabelKind.LABEL, ProjectLabelKind.PROJECT_LABEL,
                ArtifactLabelKind.ARTIFACT_LABEL);
        SyncSettings keep = new SyncSettings(ConflictPolicy.parse("active-site", "h1"), 0.25, off, Optional.empty(),
                Map.of(), 1);

        SyncReport r = sync(Scope.ALL, false, false, keep);

        assertThat(r.planned()).noneMatch(i -> i.op() == SyncReport.Action.DELETE);
        assertThat(globalLabel(h2, "prod")).isPresent();
        assertThat(projectLabel(h2, P, "frontend")).isPresent();
        assertThat(attached(h2, P, "app", d)).containsExactly("g:prod");
    }

    @Test
    void theGuardHoldsBackMostLabelsGoneFromOneSite() {
        for (String n : List.of("a", "b", "c", "d")) {
            global(h1, n, "", "");
        }
        sync();
        for (String n : List.of("a", "b", "c")) {
            h1.labels().delete(globalLabel(h1, n).orElseThrow().id());
        }

        SyncReport held = sync();

        assertThat(h2.labels().listGlobal()).hasSize(4);
        assertThat(held.skipped()).anySatisfy(i -> assertThat(i.reason()).contains("mass-deletion guard"));
        SyncReport forced = sync(Scope.ALL, false, true, SyncSettings.defaults("h1"));
        assertThat(forced.failed()).isEmpty();
        assertThat(h2.labels().listGlobal()).extracting(Label::name).containsExactly("d");
    }

    @Test
    void aFailedLabelListingLeavesLabelsUnknownOnThatSiteNeverAbsent() {
        project(h1, P);
        global(h1, "prod", "", "");
        inProject(h1, P, "frontend", "");
        sync();
        f.emulator("h2").faults().add(Fault.on("GET", "/api/v2.0/labels.*").status(503));

        SyncReport r = sync();

        assertThat(r.unknownSites()).isEmpty();
        assertThat(r.planned()).noneMatch(i -> i.op() == SyncReport.Action.DELETE || i.op() == SyncReport.Action.CREATE);
        assertThat(globalLabel(h1, "prod")).isPresent();
        assertThat(projectLabel(h1, P, "frontend")).isPresent();
    }

    @Test
    void attachmentsCostNoRequestBeyondTheArtifactListing() {
        project(h1, P);
        sync();
        String d = replicatedArtifact("app", "v1");
        h1.labels().attach(P, "app", d, global(h1, "prod", "", ""));
        sync();
        List<String> labelRequests = Collections.synchronizedList(new ArrayList<>());
        f.emulator("h1").addExchangeListener((RecordedExchange e) -> {
            if (e.rawPath().contains("label")) {
                labelRequests.add(e.method() + " " + e.rawPath() + "?" + e.rawQuery());
            }
        });

        assertThat(sync().planned()).isEmpty();

        f.emulator("h1").awaitIdle(Duration.ofSeconds(10));
        // one global listing and one per project; the attachments came with the artifact listing
        assertThat(labelRequests).hasSize(2).allSatisfy(q -> assertThat(q).startsWith("GET /api/v2.0/labels?"));
    }
}
