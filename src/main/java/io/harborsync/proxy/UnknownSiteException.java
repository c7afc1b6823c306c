package io.harborsync.proxy;

import java.util.List;

/** A switch to a site this daemon does not know. */
public class UnknownSiteException extends IllegalArgumentException {
    private final List<String> known;

    public UnknownSiteException(String site, List<String> known) {
        super("unknown site '" + site + "'; the sites are " + known);
        this.known = List.copyOf(known);
    }

    public List<String> known() {
        return known;
    }
}
