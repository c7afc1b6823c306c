package io.harborsync.sync;

import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.sync.Values.Value;

import java.util.Map;
import java.util.Optional;

/** What applying one operation may use: the site's client, the settings, what this run read there, the journal. */
public interface ApplyContext {
    HarborClient client();

    SyncSettings settings();

    /** A per-site id this run read ({@link SiteRead#id}). */
    Optional<Long> id(String what, String key);

    /** The keys of a kind under a prefix that this run read on the op's site, with their values. */
    Map<String, Value> readHere(Kind kind, String prefix);

    /**
     * Sends one write, recorded in the journal of the daemon's own writes first (Harbor may deliver its webhook
     * before it answers), and withdrawn when the answer says it had no effect.
     */
    void write(OwnWrites.Resource resource, String key, OwnWrites.Action action, Runnable request);

    /** Sends a write with several journal entries (a repository deletion also deletes its artifacts). */
    void write(java.util.List<OwnWrites.Write> expected, Runnable request);

    /** Whether the journal already expects this write (e.g. an artifact deleted one by one before its repository). */
    boolean expecting(OwnWrites.Write write);

    /** Runs a write whose 404 is the goal state (deleting what is gone already). */
    static void ignoreNotFound(Runnable r) {
        try {
            r.run();
        } catch (io.harborsync.harbor.HarborException.NotFound alreadyGone) {
            // the goal state
        }
    }
}
