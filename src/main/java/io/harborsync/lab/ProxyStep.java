package io.harborsync.lab;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.harborsync.proxy.HttpProxyBackend;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy of the lab: the objects of {@code deploy/proxy} (namespace harbor-proxy, the root HTTPProxy for
 * core.harbor.domain and a child HTTPProxy per Harbor), in the order its kustomization lists them. Objects
 * that exist are left alone: the root's include says which site is active, and {@code lab up} must not
 * undo a failover by pointing it back at h1.
 */
@Singleton
public class ProxyStep implements LabStep {
    private final Path dir;

    public ProxyStep() {
        this(Path.of("deploy/proxy"));
    }

    public ProxyStep(Path dir) {
        this.dir = dir;
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public Outcome apply(LabContext lab) {
        KubernetesClient client = lab.client();
        List<String> created = new ArrayList<>();
        for (Path file : resources()) {
            GenericKubernetesResource r = read(file);
            String name = r.getMetadata().getName();
            if ("Namespace".equals(r.getKind())) {
                if (client.namespaces().withName(name).get() == null) {
                    client.resource(Serialization.unmarshal(Serialization.asYaml(r), Namespace.class)).create();
                    created.add("namespace " + name);
                }
                continue;
            }
            if (!"HTTPProxy".equals(r.getKind())) {
                throw new LabException(file + ": unexpected kind " + r.getKind()
                        + " (deploy/proxy holds a Namespace and HTTPProxy objects)");
            }
            var op = client.genericKubernetesResources(HttpProxyBackend.HTTP_PROXY)
                    .inNamespace(r.getMetadata().getNamespace());
            if (op.withName(name).get() == null) {
                op.resource(r).create();
                created.add("httpproxy " + r.getMetadata().getNamespace() + "/" + name);
            }
        }
        return created.isEmpty() ? Outcome.unchanged() : Outcome.done("created " + String.join(", ", created));
    }

    /** The files the kustomization lists, in its order. */
    List<Path> resources() {
        Path k = dir.resolve("kustomization.yaml");
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = Serialization.unmarshal(Files.readString(k), Map.class);
            Object listed = doc.get("resources");
            if (!(listed instanceof List<?> names)) {
                throw new LabException(k + " lists no resources");
            }
            return names.stream().map(n -> dir.resolve(String.valueOf(n))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + k, e);
        }
    }

    private static GenericKubernetesResource read(Path file) {
        try {
            return Serialization.unmarshal(Files.readString(file), GenericKubernetesResource.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
