package io.harborsync.sync;

import io.harborsync.emulator.ExchangeListener;
import io.harborsync.harbor.HarborModel.Artifact;
import io.harborsync.harbor.HarborModel.Label;
import io.harborsync.model.Keys;
import io.harborsync.model.Scope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick check (issue 18): a repository whose update_time and artifact_count a site lists unchanged since the
 * sites last agreed is not listed artifact by artifact there; each site compared only with itself; a verify pass
 * reads everything and counts what the shortcut missed. Over two emulated Harbors, which move a repository's
 * update_time as Harbor v2.15 does (push, artifact delete, tag create and delete, pull; not labels).
 */
@io.quarkus.test.junit.QuarkusTest
@io.harborsync.testsupport.HarborSpecChecked
class QuickCheckTest extends TwoSitesKindTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);

    Reconciler sync;
    /** site -> artifact listings (GET …/repositories/{r}/artifacts) it answered, by repository path. */
    final Map<String, Map<String, AtomicInteger>> listings = new ConcurrentHashMap<>();

    @BeforeEach
    void sites() {
        sync = f.reconciler(SyncSettings.defaults("h1")).quickCheck(QuickCheckMode.ON);
        f.emulators.forEach((site, e) -> {
            ExchangeListener count = ex -> {
                if (ex.method().equals("GET") && ex.rawPath().endsWith("/artifacts")) {
                    listings.computeIfAbsent(site, s -> new ConcurrentHashMap<>())
                            .computeIfAbsent(ex.rawPath(), p -> new AtomicInteger()).incrementAndGet();
                }
            };
            e.addExchangeListener(count);
        });
        for (String site : List.of("h1", "h2")) {
            project(f.users.get(site), "team");
            f.emulator(site).pushArtifact("team", "app", A, "v1");
            f.emulator(site).pushArtifact("team", "app", B, "v2");
            f.emulator(site).pushArtifact("team", "web", C, "latest");
        }
    }

    private Map<String, Integer> listedSinceLastCall() {
        f.emulators.values().forEach(e -> e.awaitIdle(Duration.ofSeconds(5)));
        Map<String, Integer> out = new java.util.TreeMap<>();
        listings.forEach((site, byPath) -> byPath.forEach((path, n) -> {
            String repo = path.substring(path.indexOf("/repositories/") + "/repositories/".length(),
                    path.length() - "/artifacts".length());
            out.merge(site + " " + repo, n.getAndSet(0), Integer::sum);
        }));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    private ReconcileFinished run() {
        return sync.reconcile(Scope.ALL, false, false, false);
    }

    private List<String> tags(String site, String repo, String digest) {
        return f.users.get(site).artifacts().find("team", repo, digest).map(Artifact::tagNames).orElseThrow();
    }

    @Test
    void repositoriesBothSitesListUnchangedSinceTheyAgreedAreNotListedAgain() {
        ReconcileFinished first = run();
        assertThat(first.quickCheckTaken()).as("nothing agreed yet: everything listed").isZero();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1 app", "h1 web", "h2 app", "h2 web");

        ReconcileFinished second = run();
        assertThat(listedSinceLastCall()).as("no artifact listing at all").isEmpty();
        assertThat(second.quickCheckTaken()).as("2 repositories on 2 sites").isEqualTo(4);
        assertThat(second.report().planned()).as("the artifacts taken from the base are in sync, not missing").isEmpty();
        // a reconcile of every project counts the keys in sync instead of listing them: no artifact is anything else
        assertThat(second.keys()).as("nothing but keys in sync").isEmpty();
        long known = KindRegistry.standard().kinds().stream().mapToLong(k -> f.store.list(k.id(), "").size()).sum();
        assertThat(known).as("the three artifacts among the keys the base knows").isGreaterThanOrEqualTo(3);
        assertThat(second.keysInSync()).as("every key the base knows, the three artifacts among them")
                .isEqualTo(known);
    }

    @Test
    void aTagAddedOnOneSiteIsListedThereAloneAndMirrored() {
        run();
        run();
        listedSinceLastCall();
        f.users.get("h1").artifacts().addTag("team", "app", A, "stable");

        ReconcileFinished r = run();
        assertThat(listedSinceLastCall()).as("h1 moved app's update_time; h2 showed app and web unchanged, h1 web too")
                .containsOnlyKeys("h1 app");
        assertThat(r.report().done()).extracting(SyncReport.Item::key).contains(Keys.artifact("team", "app", A));
        assertThat(tags("h2", "app", A)).containsExactlyInAnyOrder("v1", "stable");

        run(); // the write moved h2's app: listed there (and on h1, whose agreement the write ended), agreed again
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1 app", "h2 app");
        run();
        assertThat(listedSinceLastCall()).isEmpty();
    }

    @Test
    void anArtifactDeletedOnOneSiteIsDeletedOnTheOtherAndATagRemovalIsMirrored() {
        run();
        run();
        listedSinceLastCall();
        f.users.get("h2").artifacts().delete("team", "app", B);
        f.users.get("h1").artifacts().deleteTag("team", "web", C, "latest");

        run();
        assertThat(listedSinceLastCall()).containsEntry("h2 app", 1).containsEntry("h1 web", 1)
                .doesNotContainKeys("h1 app", "h2 web");
        assertThat(f.users.get("h1").artifacts().find("team", "app", B)).isEmpty();
        assertThat(tags("h2", "web", C)).isEmpty();
    }

    @Test
    void aPullMovesTheMarkSoTheRepositoryIsListedOnceThereAndNothingIsWritten() {
        run();
        run();
        listedSinceLastCall();
        f.emulator("h2").pullArtifact("team", "web", "latest");

        ReconcileFinished r = run();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h2 web");
        assertThat(r.steps()).isEmpty();
        run();
        assertThat(listedSinceLastCall()).as("agreed again with h2's new mark").isEmpty();
    }

    @Test
    void aLabelAttachedLeavesTheMarkAloneAndOnlyTheVerifyPassFindsAndCountsIt() {
        long label = f.users.get("h1").labels().create(new Label(null, "prod", "", "#000000", Label.GLOBAL, null,
                null, null));
        f.users.get("h2").labels().create(new Label(null, "prod", "", "#000000", Label.GLOBAL, null, null, null));
        run();
        run();
        f.users.get("h1").labels().attach("team", "app", A, label);

        ReconcileFinished quick = run();
        assertThat(quick.report().planned()).as("Harbor does not move update_time for a label: not seen").isEmpty();

        ReconcileFinished verify = sync.reconcile(Scope.ALL, false, false, false, QuickCheckMode.VERIFY);
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1 app", "h1 web", "h2 app", "h2 web");
        assertThat(verify.quickCheckMisses()).containsExactly(new QuickCheckMiss("h1", io.harborsync.model.Kind.REPOSITORY, Keys.repository("team", "app"), 1));
        String attached = Keys.artifactLabel(Keys.artifact("team", "app", A), true, "prod");
        assertThat(verify.report().done()).extracting(SyncReport.Item::key).contains(attached);
        assertThat(f.users.get("h2").artifacts().list("team", "app")).filteredOn(a -> a.digest().equals(A))
                .singleElement().satisfies(a -> assertThat(a.labels()).extracting(Label::name).containsExactly("prod"));

        ReconcileFinished again = sync.reconcile(Scope.ALL, false, false, false, QuickCheckMode.VERIFY);
        assertThat(again.quickCheckMisses()).as("nothing left for a second verify pass").isEmpty();
    }

    @Test
    void aSiteOnAnOlderHarborIsAlwaysListed() {
        f.emulator("h2").reportVersion("v2.14.1-6d2c9c3");
        run();
        run();
        assertThat(listedSinceLastCall()).containsOnlyKeys("h1 app", "h1 web", "h2 app", "h2 web");
        run();
        assertThat(listedSinceLastCall()).as("h1 compared with itself; h2 cannot be").containsOnlyKeys("h2 app", "h2 web");
    }

    @Test
    void aProjectReconcileUsesTheMarksToo() {
        run();
        run();
        listedSinceLastCall();
        f.users.get("h2").artifacts().addTag("team", "web", C, "edge");
        sync.reconcile(Scope.project("team"), false, false, true);
        assertThat(listedSinceLastCall()).containsOnlyKeys("h2 web");
        assertThat(tags("h1", "web", C)).containsExactlyInAnyOrder("latest", "edge");
    }

    @Test
    void theVersionRule() {
        assertThat(QuickCheck.supports(Optional.of("v2.15.2-1a2b3c"))).isTrue();
        assertThat(QuickCheck.supports(Optional.of("v2.15.0"))).isTrue();
        assertThat(QuickCheck.supports(Optional.of("v2.16.0-rc1"))).isTrue();
        assertThat(QuickCheck.supports(Optional.of("v3.0.0"))).isTrue();
        assertThat(QuickCheck.supports(Optional.of("v2.14.9"))).isFalse();
        assertThat(QuickCheck.supports(Optional.of("v1.99.0"))).isFalse();
        assertThat(QuickCheck.supports(Optional.of("dev"))).isFalse();
        assertThat(QuickCheck.supports(Optional.empty())).as("a site that cannot say is listed").isFalse();
    }
}
