package io.harborsync.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Turns {@code harbor-sync.sites.*} into validated {@link Site}s, or one {@link ConfigProblem} naming the property. */
public final class SiteResolver {
    private SiteResolver() {
    }

    /** @return the sites sorted by name; empty when none is configured (demo mode). */
    public static List<Site> resolve(Map<String, HarborSyncConfig.SiteConfig> configured) {
        Map<String, HarborSyncConfig.SiteConfig> sorted = new TreeMap<>(configured);
        if (sorted.size() == 1) {
            throw new ConfigProblem("harbor-sync.sites: at least two sites are needed, only '"
                    + sorted.keySet().iterator().next() + "' is configured"
                    + " (or configure none to start the demo with two emulated Harbors)");
        }
        List<Site> sites = new ArrayList<>();
        sorted.forEach((name, c) -> sites.add(resolve(name, c)));
        return List.copyOf(sites);
    }

    static Site resolve(String name, HarborSyncConfig.SiteConfig c) {
        String p = "harbor-sync.sites." + name + ".";
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new ConfigProblem("harbor-sync.sites." + name
                    + ": a site name must be lower-case letters, digits, '-' or '_'");
        }
        String url = required(c.url(), p + "url");
        URI uri;
        try {
            uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw new ConfigProblem(p + "url: not a URL: " + url);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ConfigProblem(p + "url: must be an http:// or https:// URL with a host, got " + url);
        }
        if (uri.getPath() != null && uri.getPath().endsWith("/api/v2.0")) {
            throw new ConfigProblem(p + "url: give the Harbor base URL without /api/v2.0, got " + url);
        }
        String username = required(c.username(), p + "username");
        String password = required(c.password(), p + "password");
        Optional<Path> ca = c.caFile().filter(s -> !s.isBlank()).map(Path::of);
        ca.ifPresent(file -> checkCaFile(file, p + "ca-file"));
        Site.Auth auth = Site.Auth.parse(c.auth());
        if (auth == null) {
            throw new ConfigProblem(p + "auth " + AUTH_FORM);
        }
        if (auth == Site.Auth.SESSION && username.startsWith(Site.ROBOT_PREFIX)) {
            throw new ConfigProblem(p + "auth: session needs a user account; Harbor does not let robot accounts"
                    + " log in to a session (use auto or basic for " + username + ")");
        }
        return new Site(name, uri, username, password, ca, c.webhookSecret().filter(s -> !s.isBlank()), auth);
    }

    /** What a wrong harbor-sync.sites.NAME.auth is told (ConfigCheck says the same before start). */
    static final String AUTH_FORM = "must be one of auto, basic, session";

    private static String required(Optional<String> value, String property) {
        return value.filter(s -> !s.isBlank())
                .orElseThrow(() -> new ConfigProblem(property + " is required but not set"));
    }

    private static void checkCaFile(Path file, String property) {
        if (!Files.isReadable(file)) {
            throw new ConfigProblem(property + ": cannot read " + file.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new ConfigProblem(property + ": " + file + " holds no PEM certificate");
            }
        } catch (IOException | CertificateException e) {
            throw new ConfigProblem(property + ": " + file + " is not a PEM certificate bundle ("
                    + e.getMessage() + ")");
        }
    }
}
