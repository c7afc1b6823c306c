package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code harbor-sync robots create|set-secret|rotate}: robot accounts with one secret on every site, through a running
 * daemon's admin API ({@code /robots}). A secret is never taken from an argument (set-secret reads standard input)
 * and is printed once on stdout, or with {@code --to-secret NAMESPACE/NAME} written into a Kubernetes pull secret
 * ({@code kubernetes.io/dockerconfigjson} for the proxy hostname) instead.
 */
@Command(name = "robots", mixinStandardHelpOptions = true,
        description = "Robot accounts with one secret on every site, so their clients survive a failover (via a running daemon).",
        subcommands = {RobotsCommand.Create.class, RobotsCommand.SetSecret.class, RobotsCommand.Rotate.class})
public class RobotsCommand implements Callable<Integer> {
    /** Creating on every site, setting and proving the secret: a few calls per site. */
    static final Duration WAIT = Duration.ofMinutes(2);
    static final String DEFAULT_REGISTRY = "core.harbor.domain";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code robots} alone: a wrong argument like any other (exit 2), not a usage text. */
    @Override
    public Integer call() {
        throw new Cli.Usage(spec.commandLine(), "missing command; the commands are create, set-secret, rotate");
    }

    /** The robot's name in a path: {@code p+ci} keeps its '+' ({@code %2B}), {@code robot$ci} its '$'. */
    static String path(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code --to-secret NAMESPACE/NAME} and where the cluster is. */
    static class PullSecretOptions {
        @Option(names = "--to-secret", paramLabel = "NAMESPACE/NAME", converter = SecretRef.Converter.class,
                description = "Write the secret into this Kubernetes Secret (type kubernetes.io/dockerconfigjson, created"
                        + " or replaced) instead of printing it.")
        SecretRef toSecret;

        @Option(names = "--registry", paramLabel = "HOST", defaultValue = DEFAULT_REGISTRY,
                description = "The registry host in the pull secret: the proxy hostname clients use (default: ${DEFAULT-VALUE}).")
        String registry;

        @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The cluster of --to-secret (default: KUBECONFIG,"
                + " ~/.kube/config, or the pod's service account).")
        Path kubeconfig;

        KubernetesClient client() throws DaemonClient.Failed {
            if (kubeconfig == null) {
                return new KubernetesClientBuilder().build();
            }
            try {
                return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
            } catch (IOException | RuntimeException e) {
                throw new DaemonClient.Failed("--kubeconfig " + kubeconfig + " cannot be read", ExitCode.USAGE);
            }
        }
    }

    /** A Kubernetes Secret's namespace and name. */
    record SecretRef(String namespace, String name) {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }

        static final class Converter implements CommandLine.ITypeConverter<SecretRef> {
            @Override
            public SecretRef convert(String value) {
                int slash = value.indexOf('/');
                String ns = slash < 0 ? "" : value.substring(0, slash);
                String name = slash < 0 ? "" : value.substring(slash + 1);
                if (!DNS_LABEL.matcher(ns).matches() || !DNS_SUBDOMAIN.matcher(name).matches()) {
                    throw new CommandLine.TypeConversionException("must be NAMESPACE/NAME of a Kubernetes Secret");
                }
                return new SecretRef(ns, name);
            }
        }
    }

    /**
     * What create and rotate do with their answer: with {@code --to-secret} the Secret is written and only that is
     * said; else the secret alone on stdout (so {@code $(harbor-sync robots rotate ci)} is the secret), or the whole
     * answer with {@code --output json}. A site that failed is one line each on stderr and exit 1; the secret is
     * still given, since the sites that took it need it.
     */
    static int deliver(CommandLine.Model.CommandSpec spec, String command, DaemonClient daemon, PullSecretOptions k,
                       DaemonClient.Request request) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String prefix = "harbor-sync robots " + command + ": ";
        KubernetesClient kube = null;
        try {
            if (k.toSecret != null) {
                // reach the cluster before the secret is changed, so that a wrong --kubeconfig loses nothing
                kube = k.client();
                try {
                    kube.secrets().inNamespace(k.toSecret.namespace()).withName(k.toSecret.name()).get();
                } catch (KubernetesClientException e) {
                    throw new DaemonClient.Failed("cannot read Secret " + k.toSecret + " in the cluster ("
                            + kubernetesReason(e) + "); nothing was changed");
                }
            }
            JsonNode answer = request.send();
            String secret = answer.path("secret").asText();
            String user = answer.path("name").asText();
            if (kube != null) {
                try {
                    writePullSecret(kube, k.toSecret, k.registry, user, secret);
                } catch (KubernetesClientException e) {
                    err.println(prefix + "cannot write Secret " + k.toSecret + " (" + kubernetesReason(e)
                            + "); the secret is printed instead, since the sites already have it");
                    out.println(secret);
                    out.flush();
                    err.flush();
                    return ExitCode.FAILED;
                }
                if (daemon.json()) {
                    ((ObjectNode) answer).remove("secret");
                    DaemonClient.printJson(out, answer);
                } else {
                    out.println("secret written to " + k.toSecret);
                }
            } else if (daemon.json()) {
                DaemonClient.printJson(out, answer);
            } else {
                out.println(secret);
            }
            out.flush();
            return incomplete(err, prefix, answer);
        } catch (DaemonClient.Failed e) {
            err.println(prefix + e.getMessage());
            err.flush();
            return e.exit;
        } finally {
            if (kube != null) {
                kube.close();
            }
        }
    }

    /** One stderr line per site that did not prove the secret; exit 1 if there is one. */
    static int incomplete(PrintWriter err, String prefix, JsonNode answer) {
        if (answer.path("complete").asBoolean(false)) {
            return 0;
        }
        answer.path("sites").fields().forEachRemaining(s -> {
            if (!s.getValue().path("proven").asBoolean(false)) {
                err.println(prefix + "not aligned on " + s.getKey() + ": "
                        + DaemonClient.oneLine(s.getValue().path("error").asText("not proven")));
            }
        });
        err.flush();
        return ExitCode.FAILED;
    }

    private static String kubernetesReason(KubernetesClientException e) {
        return e.getCode() > 0 ? "HTTP " + e.getCode() : DaemonClient.oneLine(String.valueOf(e.getMessage()));
    }

    /**
     * Creates or replaces the pull secret: {@code .dockerconfigjson} = {@code {"auths":{"<registry>":{"username",
     * "password","auth"}}}}, auth being base64 of {@code user:secret}.
     */
    static void writePullSecret(KubernetesClient kube, SecretRef ref, String registry, String user, String secret) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.putObject("auths").putObject(registry).put("username", user).put("password", secret).put("auth", auth);
        Secret s = new SecretBuilder().withNewMetadata().withNamespace(ref.namespace()).withName(ref.name())
                .addToLabels("app.kubernetes.io/managed-by", "harbor-sync").endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", Base64.getEncoder().encodeToString(
                        Json.compact(config).getBytes(StandardCharsets.UTF_8)))
                .build();
        kube.secrets().inNamespace(ref.namespace()).resource(s).createOr(NonDeletingOperation::update);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a robot on every site with one secret, printed once (or written with --to-secret).")
    static class Create implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        DaemonClient daemon;
        @Mixin
        PullSecretOptions k;

        @Parameters(index = "0", paramLabel = "NAME", description = "The robot's own name, e.g. ci (Harbor adds robot$).")
        String name;
        @Option(names = "--project", paramLabel = "P", description = "Make it a robot of project P (robot$P+NAME).")
        String project;
        @Option(names = "--description", paramLabel = "D")
        String description;
        @Option(names = "--duration", paramLabel = "DAYS", defaultValue = "-1",
                description = "Days until it expires, -1 for never (default).")
        long duration;
        @Option(names = "--disable", description = "Disable it once its secret is proven.")
        boolean disable;
        @Option(names = "--permission", paramLabel = "KIND:NAMESPACE:RESOURCE:ACTION", required = true,
                description = "A permission, repeatable, e.g. project:*:repository:pull, project:team-a:repository:push,"
                        + " system:/:project:list.")
        List<String> permissions;

        @Override
        public Integer call() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("name", name);
            if (project != null) {
                body.put("project", project);
            }
            if (description != null) {
                body.put("description", description);
            }
            body.put("duration", duration);
            if (disable) {
                body.put("disable", true);
            }
            body.set("permissions", permissions(spec.commandLine(), permissions));
            return deliver(spec, "create", daemon, k, () -> daemon.callJson("POST", "/robots", body, WAIT));
        }
    }

    /** KIND:NAMESPACE:RESOURCE:ACTION options, grouped by kind and namespace as Harbor lists them. */
    static ArrayNode permissions(CommandLine cmd, List<String> specs) {
        Map<String, ObjectNode> byNamespace = new LinkedHashMap<>();
        for (String p : specs) {
            String[] parts = p.split(":", -1);
            if (parts.length != 4 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
                throw new Cli.Usage(cmd, "--permission must be KIND:NAMESPACE:RESOURCE:ACTION, e.g."
                        + " project:*:repository:pull");
            }
            ObjectNode perm = byNamespace.computeIfAbsent(parts[0] + "\u0000" + parts[1], x -> {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put("kind", parts[0]).put("namespace", parts[1]).putArray("access");
                return o;
            });
            ((ArrayNode) perm.get("access")).addObject().put("resource", parts[2]).put("action", parts[3]);
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        byNamespace.values().forEach(out::add);
        return out;
    }

    @Command(name = "set-secret", mixinStandardHelpOptions = true,
            description = "Puts the secret read from standard input (e.g. the one Harbor showed at creation) on the robot"
                    + " on every site.")
    static class SetSecret implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        DaemonClient daemon;
        @Parameters(index = "0", paramLabel = "NAME", description = "The robot as Harbor shows it: ci, robot$ci, p+ci.")
        String name;

        @Override
        public Integer call() {
            String secret = readSecret(spec.commandLine(), System.in, name);
            String prefix = "harbor-sync robots set-secret: ";
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                ObjectNode body = JsonNodeFactory.instance.objectNode().put("secret", secret);
                JsonNode answer = daemon.callJson("PUT", "/robots/" + path(name) + "/secret", body, WAIT);
                if (daemon.json()) {
                    DaemonClient.printJson(out, answer);
                } else {
                    List<String> proven = new ArrayList<>();
                    answer.path("sites").fields().forEachRemaining(s -> {
                        if (s.getValue().path("proven").asBoolean(false)) {
                            proven.add(s.getKey());
                        }
                    });
                    out.println("secret of " + answer.path("name").asText() + " set and proven on "
                            + (proven.isEmpty() ? "no site" : String.join(", ", proven)));
                    out.flush();
                }
                return incomplete(err, prefix, answer);
            } catch (DaemonClient.Failed e) {
                err.println(prefix + e.getMessage());
                err.flush();
                return e.exit;
            }
        }
    }

    /**
     * The secret from standard input: typed at a terminal without echo, else the first line of what was piped in.
     * Nothing piped in is a wrong argument (exit 2), not a prompt that never ends.
     */
    static String readSecret(CommandLine cmd, InputStream in, String robot) {
        java.io.Console console = System.console();
        String secret;
        if (console != null) {
            char[] typed = console.readPassword("secret for %s: ", robot);
            secret = typed == null ? "" : new String(typed);
        } else {
            try {
                String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                int nl = all.indexOf('\n');
                secret = (nl < 0 ? all : all.substring(0, nl)).replace("\r", "");
            } catch (IOException e) {
                secret = "";
            }
        }
        if (secret.isEmpty()) {
            throw new Cli.Usage(cmd, "no secret on standard input (pipe it in: the secret is never an argument)");
        }
        return secret;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Puts one fresh secret on the robot on every site, printed once (or written with --to-secret).")
    static class Rotate implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        DaemonClient daemon;
        @Mixin
        PullSecretOptions k;
        @Parameters(index = "0", paramLabel = "NAME", description = "The robot as Harbor shows it: ci, robot$ci, p+ci.")
        String name;

        @Override
        public Integer call() {
            return deliver(spec, "rotate", daemon, k,
                    () -> daemon.callJson("POST", "/robots/" + path(name) + "/rotate", null, WAIT));
        }
    }
}
