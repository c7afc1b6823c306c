package io.harborsync.sync;

import io.harborsync.model.Keys;
import io.harborsync.model.EventType;

import io.harborsync.harbor.HarborModel.AuditLogExt;
import io.harborsync.store.InboxEvent;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The journal of the daemon's own recent writes, per site, resource and operation: how a webhook or an
 * audit-log row caused by the daemon itself is told apart from a person's change when both use the same
 * account (small installations give the daemon {@code admin}). The account alone says nothing: a row by
 * {@code admin} may be a person's deletion that must reach the peers at once.
 *
 * <p>{@link OpApplier} records each write just before it sends it (Harbor may deliver the webhook before the
 * answer arrives) and withdraws it when the answer says it had no effect (404, 409, 4xx). The event worker and
 * the audit-log tail each consume a matching entry once: one write causes at most one webhook delivery of the
 * daemon's policy and one audit row, so a person doing the same thing to the same key right after is seen.
 * An entry is short-lived: a webhook matches only when received within {@link #WEBHOOK_WINDOW} of the write;
 * an audit row only until the second complete read of that site's log that started after the write (the row
 * is in the next read, or in the one after when it became visible late). Nothing lives longer than
 * {@link #MAX_AGE}, and at most {@link #CAPACITY} entries are kept (the oldest go first): an own event that is
 * not recognised costs only a reconcile of its key, which finds the sites in agreement and writes nothing.
 * Thread-safe: every method locks the journal, whose work is a few map operations.
 */
@Singleton
public final class OwnWrites {
    /** How long after a write its webhook may arrive (Harbor delivers in 1-3 s, with retries). */
    static final Duration WEBHOOK_WINDOW = Duration.ofSeconds(60);
    /** Nothing is kept longer, whatever else happens (e.g. the audit tail is off). */
    static final Duration MAX_AGE = Duration.ofMinutes(10);
    /** Entries kept at most, all sites together. */
    static final int CAPACITY = 20_000;
    /** Tolerance between the moment a write was recorded and a webhook's receipt (store precision). */
    private static final Duration SLACK = Duration.ofMillis(5);

    /** What Harbor calls the resource in its audit log (resource_type). */
    public enum Resource { PROJECT, MEMBER, REPOSITORY, ARTIFACT, TAG,
        /** Keyed by the robot's full name ({@code robot$ci}, {@code robot$p+ci}) as its audit rows name it. */
        ROBOT }

    public enum Action {
        CREATE, UPDATE, DELETE;

        static Optional<Action> of(String harborOperation) {
            if (harborOperation == null) {
                return Optional.empty();
            }
            return switch (harborOperation.toLowerCase(java.util.Locale.ROOT)) {
                case "create" -> Optional.of(CREATE);
                case "update" -> Optional.of(UPDATE);
                case "delete" -> Optional.of(DELETE);
                default -> Optional.empty();
            };
        }
    }

    /**
     * One write to one resource on one site. Keys: project name; {@link Keys#member}; {@code project/repo};
     * {@code project/repo@digest}; {@code project/repo:tag} (repo without the project, as in {@link Keys}).
     */
    public record Write(String site, Resource resource, String key, Action action) {
        /** Only an artifact deletion sends a webhook to the daemon's policy (PUSH_ARTIFACT is never ours). */
        boolean sendsWebhook() {
            return resource == Resource.ARTIFACT && action == Action.DELETE;
        }
    }

    static String tagKey(String project, String repo, String tag) {
        return project + "/" + repo + ":" + tag;
    }

    /** The writes recorded by one {@link #expect} call. */
    public final class Pending {
        private final List<Entry> entries;

        private Pending(List<Entry> entries) {
            this.entries = entries;
        }

        /** The request had no effect (Harbor said so): nothing will come back from it. */
        public void cancel() {
            synchronized (OwnWrites.this) {
                for (Entry e : entries) {
                    forget(e);
                }
            }
        }
    }

    private static final class Entry {
        final Write write;
        final Instant at;
        /** The site's audit reads started before this write. */
        final long auditReadsBefore;
        boolean webhookOpen;
        boolean auditOpen = true;

        Entry(Write write, Instant at, long auditReadsBefore) {
            this.write = write;
            this.at = at;
            this.auditReadsBefore = auditReadsBefore;
            this.webhookOpen = write.sendsWebhook();
        }
    }

    private final Clock clock;
    private final Map<Write, ArrayDeque<Entry>> open = new HashMap<>();
    /** Every entry in recording order (some already dead): expiry and the capacity bound work from its head. */
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final Map<String, Long> auditReadsStarted = new HashMap<>();
    private final Map<String, Long> auditReadsCompleted = new HashMap<>();
    private final AtomicLong recognised = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();

    public OwnWrites() {
        this(Clock.systemUTC());
    }

    public OwnWrites(Clock clock) {
        this.clock = clock;
    }

    /** Records writes about to be sent to their site; {@link Pending#cancel()} when they had no effect. */
    public synchronized Pending expect(List<Write> writes) {
        prune();
        Instant now = clock.instant();
        List<Entry> added = new ArrayList<>(writes.size());
        for (Write w : writes) {
            Entry e = new Entry(w, now, auditReadsStarted.getOrDefault(w.site(), 0L));
            open.computeIfAbsent(w, x -> new ArrayDeque<>()).addLast(e);
            order.addLast(e);
            added.add(e);
        }
        while (order.size() > CAPACITY) {
            Entry oldest = order.removeFirst();
            if (!dead(oldest)) {
                evicted.incrementAndGet();
                forget(oldest);
            }
        }
        return new Pending(added);
    }

    public Pending expect(Write write) {
        return expect(List.of(write));
    }

    /** Whether an entry for this write is still open (e.g. an artifact this run deleted before its repository). */
    public synchronized boolean expecting(Write write) {
        prune();
        ArrayDeque<Entry> list = open.get(write);
        return list != null && list.stream().anyMatch(e -> !dead(e));
    }

    /**
     * Whether a webhook received at {@code receivedAt} is the echo of a recorded write; a match is consumed.
     * The first entry for the write that was recorded before the receipt and within the window is taken.
     */
    public synchronized boolean consumeWebhook(Write w, Instant receivedAt) {
        return consume(w, e -> e.webhookOpen && !receivedAt.plus(SLACK).isBefore(e.at)
                && !receivedAt.isAfter(e.at.plus(WEBHOOK_WINDOW)), e -> e.webhookOpen = false);
    }

    /** Whether an audit row read now is the trace of a recorded write; a match is consumed. */
    public synchronized boolean consumeAudit(Write w) {
        return consume(w, e -> e.auditOpen && auditAlive(e), e -> e.auditOpen = false);
    }

    /** Takes the first open entry of {@code w} that {@code matches}: {@code close} marks that echo as seen. */
    private boolean consume(Write w, java.util.function.Predicate<Entry> matches,
                            java.util.function.Consumer<Entry> close) {
        prune();
        ArrayDeque<Entry> list = open.get(w);
        if (list == null) {
            return false;
        }
        for (Entry e : list) {
            if (matches.test(e)) {
                close.accept(e);
                settle(e);
                recognised.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** The audit-log tail begins reading a site's new rows. */
    public synchronized void auditReadStarted(String site) {
        auditReadsStarted.merge(site, 1L, Long::sum);
    }

    /** The read begun last ended with every new row seen: rows of writes before the one earlier won't come. */
    public synchronized void auditReadCompleted(String site) {
        auditReadsCompleted.put(site, auditReadsStarted.getOrDefault(site, 0L));
        prune();
    }

    /** Entries still open (for /status-like reports and tests). */
    public synchronized int size() {
        prune();
        return (int) order.stream().filter(e -> !dead(e)).count();
    }

    /** Events and rows recognised as own so far. */
    public long recognised() {
        return recognised.get();
    }

    /** Entries dropped to keep the journal within {@link #CAPACITY}. */
    public long evicted() {
        return evicted.get();
    }

    // ------------------------------------------------------------------ what came back, as a Write

    /** A webhook event as the write that would have caused it; only artifact deletions are writes of ours. */
    public static Optional<Write> of(InboxEvent e) {
        if (!EventType.DELETE_ARTIFACT.is(e.type()) || e.project() == null || e.repository() == null
                || e.digest() == null) {
            return Optional.empty();
        }
        return Optional.of(new Write(e.site(), Resource.ARTIFACT, Keys.artifact(e.project(), e.repository(),
                e.digest()), Action.DELETE));
    }

    private static final Pattern MEMBER_ROW = Pattern.compile(
            "^(?:create|update|delete) (user|group) member (.+) in project ([a-z0-9._-]+)$");

    /**
     * An audit row as the write that would have caused it. Resources are the project name, or
     * {@code project/repo} with {@code @digest} (artifact) or {@code :tag} (tag) appended; member rows name the
     * project only in their description. Anything else is empty (not a write the daemon makes).
     */
    public static Optional<Write> of(String site, AuditLogExt row) {
        Optional<Action> action = Action.of(row.operation());
        String resource = row.resource();
        if (action.isEmpty() || resource == null || resource.isEmpty() || row.resourceType() == null) {
            return Optional.empty();
        }
        return switch (row.resourceType()) {
            case "project" -> Optional.of(new Write(site, Resource.PROJECT, resource, action.get()));
            case "repository" -> resource.indexOf('/') > 0
                    ? Optional.of(new Write(site, Resource.REPOSITORY, resource, action.get())) : Optional.empty();
            case "artifact" -> resource.indexOf('/') > 0 && resource.contains("@")
                    ? Optional.of(new Write(site, Resource.ARTIFACT, resource, action.get())) : Optional.empty();
            case "robot" -> resource.startsWith(Keys.ROBOT_PREFIX)
                    ? Optional.of(new Write(site, Resource.ROBOT, resource, action.get())) : Optional.empty();
            case "tag" -> resource.indexOf('/') > 0 && resource.contains(":")
                    ? Optional.of(new Write(site, Resource.TAG, resource, action.get())) : Optional.empty();
            case "member" -> {
                Matcher m = MEMBER_ROW.matcher(row.operationDescription() == null ? "" : row.operationDescription());
                yield m.matches() && m.group(2).equals(resource)
                        ? Optional.of(new Write(site, Resource.MEMBER, Keys.member(m.group(3), resource,
                        m.group(1).equals("group")), action.get()))
                        : Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    // ------------------------------------------------------------------ housekeeping (callers hold the lock)

    /** An audit row is looked for until the second read of the site's log that started after the write ends. */
    private boolean auditAlive(Entry e) {
        return auditReadsCompleted.getOrDefault(e.write.site(), 0L) < e.auditReadsBefore + 2;
    }

    private boolean dead(Entry e) {
        return !e.webhookOpen && (!e.auditOpen || !auditAlive(e));
    }

    /** Drops entries from the head while they are settled or too old; younger ones follow the head. */
    private void prune() {
        Instant now = clock.instant();
        while (!order.isEmpty()) {
            Entry head = order.peekFirst();
            if (!dead(head) && !head.at.plus(MAX_AGE).isBefore(now)) {
                break;
            }
            order.removeFirst();
            forget(head);
        }
    }

    /** Removes a settled entry from the lookup (it stays in {@link #order} until it reaches the head). */
    private void settle(Entry e) {
        if (dead(e)) {
            ArrayDeque<Entry> list = open.get(e.write);
            if (list != null) {
                list.remove(e);
                if (list.isEmpty()) {
                    open.remove(e.write);
                }
            }
        }
    }

    private void forget(Entry e) {
        e.webhookOpen = false;
        e.auditOpen = false;
        settle(e);
    }
}
