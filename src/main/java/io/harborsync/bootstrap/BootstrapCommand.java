package io.harborsync.bootstrap;

import io.harborsync.cli.ExitCode;

import io.harborsync.config.HarborSyncConfig;
import io.harborsync.config.Site;
import io.harborsync.sites.Sites;
import io.harborsync.harbor.HarborClient;
import io.harborsync.harbor.HarborClientFactory;
import io.harborsync.harbor.HarborException;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code harbor-sync bootstrap}: see {@link Bootstrap}. Runs with the sites' configured (admin) credentials. */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = {"Sets up replication (with deletions) between the configured Harbor sites, a least-privilege",
                "robot for harbor-sync and its webhook policies. Idempotent: a second run changes nothing.",
                "Needs admin credentials in harbor-sync.sites.<name>.username/password."})
public class BootstrapCommand implements Callable<Integer> {

    @Inject
    Sites sites;
    @Inject
    HarborSyncConfig config;
    @Inject
    BootstrapConfig bootstrapConfig;

    @Spec
    CommandSpec spec;

    @Option(names = "--webhook-url", paramLabel = "URL",
            description = "Where Harbor reaches harbor-sync (/webhooks/<site> is appended); default harbor-sync.webhook.url")
    String webhookUrl;

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "Where <site>-harbor-sync.secret is written (mode 0600); default harbor-sync.bootstrap.secrets-dir (secrets)")
    Path secretsDir;

    @Option(names = "--dry-run", description = "Only report what would be created or changed")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (sites.all().isEmpty() || sites.isDemo()) {
            err.println("bootstrap: no Harbor sites configured (harbor-sync.sites.<name>.url, username, password)");
            err.flush();
            return ExitCode.FAILED;
        }
        Map<String, HarborClient> clients = new LinkedHashMap<>();
        sites.all().forEach(s -> clients.put(s.name(), sites.client(s.name())));
        HarborSyncConfig.Http http = config.http();
        Bootstrap bootstrap = new Bootstrap(sites.all(), clients,
                (Site s) -> HarborClientFactory.create(s, http.connectTimeout(), http.readTimeout(), http.pageSize()),
                bootstrapConfig.replicationUrl(),
                Optional.ofNullable(webhookUrl).or(() -> config.webhook().url()),
                secretsDir != null ? secretsDir : Path.of(bootstrapConfig.secretsDir()), dryRun, out);
        return execute(bootstrap, err);
    }

    /** Runs it; a failure is one line on err (it names the site, never a secret) and exit code 1. */
    static int execute(Bootstrap bootstrap, PrintWriter err) {
        try {
            bootstrap.run();
            return 0;
        } catch (HarborException | Bootstrap.BootstrapException e) {
            err.println("bootstrap failed: " + e.getMessage());
            err.flush();
            return ExitCode.FAILED;
        }
    }
}
