package io.harborsync.proxy;

import java.util.Optional;

/** Where the switch of the active site takes effect beyond this daemon's memory. */
public interface ProxyBackend {

    /** "kubernetes" or "none". */
    String name();

    /** The object switched, e.g. {@code harbor-proxy/harbor}, or empty when there is none. */
    Optional<String> object();

    /** The site the proxy points at now, if it can tell. */
    Optional<String> readActive();

    /** Points the proxy at the site; throws {@link ProxyBackendException} when that did not happen. */
    void pointAt(String site);

    /** Demo, or no cluster: only the daemon's own active site changes. */
    ProxyBackend NONE = new ProxyBackend() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Optional<String> object() {
            return Optional.empty();
        }

        @Override
        public Optional<String> readActive() {
            return Optional.empty();
        }

        @Override
        public void pointAt(String site) {
            // nothing outside this process to change
        }
    };
}
