package io.harborsync.store;

import java.util.OptionalLong;

/** Per site, the id of the last Harbor audit-log entry already read. */
public interface CursorStore {
    OptionalLong get(String site);

    void set(String site, long lastAuditLogId);
}
