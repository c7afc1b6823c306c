package io.harborsync.lab;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link HelmReleases} with helm-java (Helm as a library: no helm binary needed). */
public class HelmJavaReleases implements HelmReleases {

    @Override
    public Optional<String> deployedChart(String release, String namespace, String kubeconfig) {
        try {
            List<Release> releases = Helm.list().withNamespace(namespace).withKubeConfigContents(kubeconfig).call();
            return releases.stream()
                    .filter(r -> release.equals(r.getName()) && "deployed".equalsIgnoreCase(r.getStatus()))
                    .map(Release::getChart).findFirst();
        } catch (RuntimeException e) {
            throw new LabException("helm list in " + namespace + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void upgradeInstall(Chart chart, String release, String namespace, List<Path> valuesFiles,
                               Duration timeout, String kubeconfig) {
        Path repositories = null;
        try {
            // A private repository list, so the user's own helm repositories are neither needed nor touched.
            Path dir = Files.createTempDirectory("harbor-sync-helm");
            repositories = dir.resolve("repositories.yaml");
            Helm.repo().add().withRepositoryConfig(repositories).withName(chart.repoName())
                    .withUrl(URI.create(chart.repoUrl())).call();
            UpgradeCommand upgrade = Helm.upgrade(chart.repoName() + "/" + chart.name())
                    .withRepositoryConfig(repositories).withVersion(chart.version())
                    .withName(release).withNamespace(namespace).install().createNamespace()
                    .withKubeConfigContents(kubeconfig).waitReady().withTimeout((int) timeout.toSeconds());
            for (Path values : valuesFiles) {
                upgrade = upgrade.withValuesFile(values);
            }
            upgrade.call();
        } catch (IOException e) {
            throw new LabException("cannot prepare helm: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new LabException("helm upgrade --install " + release + " in " + namespace + " failed: "
                    + e.getMessage(), e);
        } finally {
            if (repositories != null) {
                try {
                    Files.deleteIfExists(repositories);
                    Files.deleteIfExists(repositories.getParent());
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
