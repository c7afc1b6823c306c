package io.harborsync.proxy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The active site is the include of the root Contour HTTPProxy (deploy/proxy): the root holds the
 * virtualhost core.harbor.domain and includes the child HTTPProxy in the active site's namespace.
 * A switch rewrites that include with a JSON Patch (a merge patch cannot replace one list entry, and
 * the object's other fields, e.g. TLS, stay as the operator applied them).
 */
public final class HttpProxyBackend implements ProxyBackend {
    public static final ResourceDefinitionContext HTTP_PROXY = new ResourceDefinitionContext.Builder()
            .withGroup("projectcontour.io").withVersion("v1").withPlural("httpproxies").withKind("HTTPProxy")
            .withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String childName;
    private final Map<String, String> namespaceBySite;

    /** @param namespaceBySite every site's namespace (see {@link #namespaces}) */
    public HttpProxyBackend(KubernetesClient client, String namespace, String name, String childName,
                            Map<String, String> namespaceBySite) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.childName = childName;
        this.namespaceBySite = Map.copyOf(namespaceBySite);
    }

    /** Each site's namespace: the configured one, else the site's own name. */
    public static Map<String, String> namespaces(List<String> sites, Map<String, String> configured) {
        Map<String, String> out = new LinkedHashMap<>();
        sites.forEach(s -> out.put(s, configured.getOrDefault(s, s)));
        return out;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public Optional<String> object() {
        return Optional.of("HTTPProxy " + namespace + "/" + name);
    }

    private Resource<GenericKubernetesResource> root() {
        return client.genericKubernetesResources(HTTP_PROXY).inNamespace(namespace).withName(name);
    }

    @Override
    public Optional<String> readActive() {
        GenericKubernetesResource proxy = get();
        Object ns = firstInclude(proxy).get("namespace");
        // An include without a namespace means the root's own namespace.
        String included = ns == null ? namespace : ns.toString();
        return namespaceBySite.entrySet().stream().filter(e -> e.getValue().equals(included))
                .map(Map.Entry::getKey).findFirst();
    }

    @Override
    public void pointAt(String site) {
        String ns = namespaceBySite.get(site);
        if (ns == null) {
            throw new IllegalArgumentException("unknown site " + site);
        }
        firstInclude(get()); // the shape is checked before anything is written
        List<Map<String, Object>> patch = List.of(
                Map.of("op", "replace", "path", "/spec/includes/0/namespace", "value", ns),
                Map.of("op", "replace", "path", "/spec/includes/0/name", "value", childName));
        try {
            root().patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch));
        } catch (KubernetesClientException e) {
            throw failure("could not be changed", e);
        }
    }

    private GenericKubernetesResource get() {
        GenericKubernetesResource proxy;
        try {
            proxy = root().get();
        } catch (KubernetesClientException e) {
            throw failure("could not be read", e);
        }
        if (proxy == null) {
            throw new ProxyBackendException(object().orElseThrow() + " does not exist (kubectl apply -k deploy/proxy)",
                    false, null);
        }
        return proxy;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> firstInclude(GenericKubernetesResource proxy) {
        Object spec = proxy.getAdditionalProperties().get("spec");
        Object includes = spec instanceof Map<?, ?> m ? m.get("includes") : null;
        if (includes instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> first) {
            return (Map<String, Object>) first;
        }
        throw new ProxyBackendException(object().orElseThrow() + " has no spec.includes to switch", false, null);
    }

    /** A message with the status code only: the API server's answer can carry cluster details. */
    private ProxyBackendException failure(String what, KubernetesClientException e) {
        int code = e.getCode();
        // No answer at all (refused, timed out, DNS): Fabric8 reports the I/O error without a Status.
        boolean noAnswer = e.getStatus() == null && ioCause(e);
        String why = noAnswer ? "the Kubernetes API could not be reached" : switch (code) {
            case 401, 403 -> "the Kubernetes API refused access (HTTP " + code
                    + "; the service account needs get and patch on httpproxies in " + namespace + ")";
            case 404 -> "it does not exist (kubectl apply -k deploy/proxy)";
            default -> "the Kubernetes API answered HTTP " + code;
        };
        return new ProxyBackendException(object().orElseThrow() + " " + what + ": " + why,
                noAnswer || code >= 500, e);
    }

    private static boolean ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}
