package io.harborsync.model;

import java.util.Optional;

/**
 * The kinds of event the inbox holds as work: the Harbor webhook types harbor-sync acts on (Harbor's own names, as
 * payloads and the inbox spell them) and the audit-log tail's hints. Any other webhook type is acknowledged and
 * ignored.
 */
public enum EventType {
    PUSH_ARTIFACT,
    DELETE_ARTIFACT,
    /** A replication task; only a successful one is work. */
    REPLICATION,
    /** A project the audit-log tail found named in new audit rows. */
    AUDIT_LOG;

    /** The type Harbor (or the inbox) names, if it is one of these. */
    public static Optional<EventType> of(String name) {
        for (EventType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether an event's type (as stored) is this one. */
    public boolean is(String type) {
        return name().equals(type);
    }
}
