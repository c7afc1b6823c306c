package io.harborsync.lab;

import java.util.List;

/**
 * The lab's fixed names and numbers, in one place: the Kubernetes namespaces, the host names the
 * certificate and CoreDNS carry, and the Envoy ports kind forwards. kind/cluster.yaml repeats the node
 * ports and the service subnet (a test checks they agree).
 */
public final class LabNames {
    private LabNames() {
    }

    /** The namespaces of the two Harbors; their release names and host names derive from them. */
    public static final String H1 = "h1";
    public static final String H2 = "h2";
    public static final List<String> HARBOR_NAMESPACES = List.of(H1, H2);
    /** The namespace of the harbor-sync proxy (deployed by the proxy step). */
    public static final String PROXY_NAMESPACE = "harbor-proxy";

    /** The TLS secret (kubernetes.io/tls) every lab namespace gets; the Harbor values refer to it. */
    public static final String TLS_SECRET = "harbor-tls";
    /** The secret holding the Harbor admin password, and its key (the chart's default key name). */
    public static final String ADMIN_SECRET = "harbor-admin";
    public static final String ADMIN_SECRET_KEY = "HARBOR_ADMIN_PASSWORD";

    public static final String DOMAIN = "harbor.domain";
    /** The proxy's name: users talk to it as if it were one Harbor. */
    public static final String PROXY_HOST = "core." + DOMAIN;

    public static String harborHost(String namespace) {
        return "core." + namespace + "." + DOMAIN;
    }

    /** Every name that must resolve to Envoy inside the cluster. */
    public static List<String> hostNames() {
        return List.of(PROXY_HOST, harborHost(H1), harborHost(H2));
    }

    /** Contour's release manifest puts everything in this namespace. */
    public static final String CONTOUR_NAMESPACE = "projectcontour";
    public static final String CONTOUR_DEPLOYMENT = "contour";
    public static final String ENVOY = "envoy";

    /** Node ports of the Envoy service; kind maps host ports 80/443 onto them. */
    public static final int ENVOY_HTTP_NODE_PORT = 30080;
    public static final int ENVOY_HTTPS_NODE_PORT = 30443;
    /**
     * The Envoy service's cluster IP, fixed so that the CoreDNS host entries stay right across re-creations.
     * Inside kind's default service subnet 10.96.0.0/12 (set explicitly in kind/cluster.yaml), far from the
     * low addresses the API server and kube-dns take.
     */
    public static final String ENVOY_CLUSTER_IP = "10.96.100.100";
}
