package io.harborsync.lab;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The lab's CA and Harbor certificate ({@link LabCertificates}) in the certificate directory, and the
 * {@code harbor-tls} secret (type kubernetes.io/tls, plus ca.crt) in each lab namespace.
 */
@Singleton
public class TlsStep implements LabStep {
    static final String TLS_TYPE = "kubernetes.io/tls";
    static final List<String> NAMESPACES = List.of(LabNames.H1, LabNames.H2, LabNames.PROXY_NAMESPACE);

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public Outcome apply(LabContext lab) throws Exception {
        LabCertificates.Profile profile = LabCertificates.Profile.read(lab.settings().certProfile());
        LabCertificates.Material m = LabCertificates.ensure(lab.settings().certDir(), profile, lab.clock());
        List<String> changes = new ArrayList<>();
        if (m.change() != null) {
            changes.add(m.change() + " in " + lab.settings().certDir());
        }
        Map<String, String> data = Map.of(
                "tls.crt", base64(m.chainPem()),
                "tls.key", base64(m.keyPem()),
                "ca.crt", base64(m.caPem()));
        List<String> updated = new ArrayList<>();
        KubernetesClient client = lab.client();
        for (String ns : NAMESPACES) {
            if (ensureSecret(client, ns, data)) {
                updated.add(ns);
            }
        }
        if (!updated.isEmpty()) {
            changes.add("secret " + LabNames.TLS_SECRET + " written in " + String.join(", ", updated));
        }
        return changes.isEmpty() ? Outcome.unchanged() : Outcome.done(String.join("; ", changes));
    }

    /** True when the secret (or its namespace) had to be created or changed. */
    private static boolean ensureSecret(KubernetesClient client, String ns, Map<String, String> data) {
        if (client.namespaces().withName(ns).get() == null) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        var resource = client.secrets().inNamespace(ns).withName(LabNames.TLS_SECRET);
        Secret current = resource.get();
        if (current != null && TLS_TYPE.equals(current.getType()) && data.equals(current.getData())) {
            return false;
        }
        if (current != null && !TLS_TYPE.equals(current.getType())) {
            resource.delete(); // the type of a secret cannot change
            current = null;
        }
        if (current == null) {
            client.resource(new SecretBuilder().withNewMetadata().withName(LabNames.TLS_SECRET).withNamespace(ns)
                    .endMetadata().withType(TLS_TYPE).withData(data).build()).create();
        } else {
            resource.edit(s -> new SecretBuilder(s).withData(data).build());
        }
        return true;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
