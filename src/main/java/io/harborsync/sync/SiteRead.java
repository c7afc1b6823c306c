package io.harborsync.sync;

import io.harborsync.model.Kind;
import io.harborsync.harbor.HarborClient;
import io.harborsync.sync.Values.Value;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** What a kind's read of one site files into the run's state (the engine's side of {@link MirroredKind}'s reads). */
public interface SiteRead {
    String site();

    HarborClient client();

    /** The engine's settings this read runs with (e.g. the proxy-cache registries, the robots bootstrap recorded). */
    SyncSettings settings();

    /** The key is on this site with this value. */
    void put(Kind kind, String key, Value value);

    /** Remembers a per-site id (e.g. "member" of a member key) so that a write needs no lookup first. */
    void id(String what, String key, long id);

    /** Harbor's update time of the key on this site, for the "newest" conflict policy. */
    void changedAt(String key, Instant at);

    /**
     * The quick check (issue 18): records the mark the site's listing shows of the key (a repository's update time
     * and artifact count) and answers true when everything under the key on this site has been filed from the base
     * instead, because the site showed this same mark when the sites last agreed on it: nothing under it to read.
     * Always false in a verify pass, on a Harbor that does not move the mark, and for a site never agreed on. For
     * {@link Kind#MEMBER} the key is a project and the mark its id on the site: true when the site's audit log shows
     * no member change since the sites agreed on the project's members ({@code MemberAuditCheck}).
     */
    boolean unchanged(Kind kind, String key, String mark);

    /** The key (and everything under it) is not synced: skipped, and reported with the reason. */
    void exclude(Kind kind, String key, String reason);

    /**
     * The key's state on this site could not be read, though the rest of what the kind reads here could (e.g. one
     * project's retention policy whose id Harbor answers 500 for): unknown on this site alone, never absent.
     */
    void unknown(Kind kind, String key, String why);

    /**
     * What this site's listing of the project's webhook policies showed of harbor-sync's own (read with the users'
     * policies, so the upkeep needs no listing of its own): empty when there is none.
     */
    void daemonWebhook(String project, Optional<WebhookPolicies.Found> found);

    /**
     * Runs a task of this site's read side by side with the others (e.g. one page of a listing whose pages are
     * fetched at once), ahead of the project reads still queued. Like every task of a read it must never wait for
     * another; a {@link io.harborsync.harbor.HarborException} it lets escape makes the whole site unknown this run,
     * as a failed listing of its projects does. Outside a site's full read (a read-back) it runs at once.
     */
    void alongside(Runnable task);

    /** Reads the child kinds of {@code kind} under this item, in the calling thread. */
    void descend(Kind kind, String key, Object item);

    /**
     * What the run listed of a top-level kind on this site before working through its parts (a reconcile of every
     * project lists the projects, with their quotas, once): empty outside such a run.
     */
    default Optional<java.util.Map<String, ?>> listedBefore(Kind kind) {
        return Optional.empty();
    }

    /** A per-site value this read (of any kind) found by the given id, e.g. a registry endpoint's name; cached. */
    <T> Optional<T> lookup(String what, Object id, java.util.function.Supplier<java.util.Map<Object, T>> listing);
}
