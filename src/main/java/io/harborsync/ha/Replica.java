package io.harborsync.ha;

import org.eclipse.microprofile.config.ConfigProvider;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This replica's identity and the URL other replicas reach it at (defaults from the pod's environment). */
final class Replica {
    private Replica() {
    }

    static String id(HaConfig ha) {
        return ha.replicaId().filter(s -> !s.isBlank()).orElseGet(() -> {
            String pod = System.getenv("POD_NAME");
            if (pod != null && !pod.isBlank()) {
                return pod;
            }
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            return host + "-" + ProcessHandle.current().pid();
        });
    }

    static String advertiseUrl(HaConfig ha) {
        return ha.advertiseUrl().filter(s -> !s.isBlank()).map(Replica::trimSlash).orElseGet(() -> {
            String ip = System.getenv("POD_IP");
            String host = ip != null && !ip.isBlank() ? (ip.contains(":") ? "[" + ip + "]" : ip) : "127.0.0.1";
            return "http://" + host + ":" + port();
        });
    }

    /** The port this process listens on (the real one when it asked for any free port). */
    static int port() {
        var c = ConfigProvider.getConfig();
        return c.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
