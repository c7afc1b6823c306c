package io.harborsync.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One Harbor the daemon keeps in step, after validation. The password and webhook secret are
 * deliberately left out of {@link #toString()}: sites get logged.
 */
public record Site(String name, URI url, String username, String password, Optional<Path> caFile,
                   Optional<String> webhookSecret) {

    @Override
    public String toString() {
        return "Site[" + name + " " + url + " as " + username + "]";
    }
}
