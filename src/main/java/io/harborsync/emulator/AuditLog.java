package io.harborsync.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit_log_ext table. Only the kinds v2.15.2 writes are ever recorded (api-notes 0 and 3): callers decide,
 * this class just stores. Disabled = SKIP_LOG_AUDIT_DATABASE (nothing stored).
 */
final class AuditLog {
    record Row(long id, String username, String resource, String resourceType, String operation, String description,
               boolean result, Instant opTime, long projectId) {
    }

    private final boolean enabled;
    private final List<Row> rows = new ArrayList<>();
    private long seq;

    AuditLog(boolean enabled) {
        this.enabled = enabled;
    }

    synchronized void record(String username, String resourceType, String operation, String resource, long projectId) {
        if (!enabled) return;
        String description = operation + " " + resourceType + ": " + resource;
        rows.add(new Row(++seq, username, resource, resourceType, operation, description, true, Instant.now(), projectId));
    }

    /** A row with Harbor's own wording, e.g. "create user member alice in project team-a". */
    synchronized void record(String username, String resourceType, String operation, String resource, long projectId,
                             String description) {
        if (!enabled) return;
        rows.add(new Row(++seq, username, resource, resourceType, operation, description, true, Instant.now(), projectId));
    }

    synchronized List<Row> rows() { return List.copyOf(rows); }

    /** Like a purge job: drops the rows, ids keep counting (BIGSERIAL). */
    synchronized void purge() { rows.clear(); }
}
