package io.harborsync.lab;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Singleton;
import java.util.HashMap;

/**
 * CoreDNS resolves the lab host names to the Envoy service, so that pods (the proxy, Harbor replication)
 * reach the Harbors by the same names users do. Restarts CoreDNS only when the Corefile changed.
 */
@Singleton
public class CorednsStep implements LabStep {
    static final String NAMESPACE = "kube-system";
    static final String NAME = "coredns";
    static final String COREFILE = "Corefile";
    /** The annotation {@code kubectl rollout restart} sets; a new value rolls the pods. */
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    @Override
    public String name() {
        return "coredns";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public Outcome apply(LabContext lab) {
        KubernetesClient client = lab.client();
        Service envoy = client.services().inNamespace(LabNames.CONTOUR_NAMESPACE).withName(LabNames.ENVOY).get();
        if (envoy == null || envoy.getSpec().getClusterIP() == null) {
            throw new LabException("service " + LabNames.CONTOUR_NAMESPACE + "/" + LabNames.ENVOY
                    + " not found: run 'lab contour' first");
        }
        String address = envoy.getSpec().getClusterIP();
        var configMap = client.configMaps().inNamespace(NAMESPACE).withName(NAME);
        ConfigMap current = configMap.get();
        if (current == null || current.getData() == null || !current.getData().containsKey(COREFILE)) {
            throw new LabException("configmap " + NAMESPACE + "/" + NAME + " with a Corefile not found");
        }
        String before = current.getData().get(COREFILE);
        String after = Corefile.withHosts(before, address, LabNames.hostNames());
        if (after.equals(before)) {
            return Outcome.unchanged();
        }
        configMap.edit(cm -> {
            cm.setData(new HashMap<>(cm.getData()));
            cm.getData().put(COREFILE, after);
            return cm;
        });
        String now = lab.clock().instant().toString();
        client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).edit(d -> {
            if (d.getSpec().getTemplate().getMetadata() == null) {
                d.getSpec().getTemplate().setMetadata(new ObjectMeta());
            }
            ObjectMeta meta = d.getSpec().getTemplate().getMetadata();
            if (meta.getAnnotations() == null) {
                meta.setAnnotations(new HashMap<>());
            }
            meta.getAnnotations().put(RESTARTED_AT, now);
            return d;
        });
        return Outcome.done("patched (hosts -> " + address + "), restarted coredns");
    }
}
