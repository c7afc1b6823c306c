package io.harborsync.harbor;

import io.harborsync.harbor.HarborModel.AuditLogEventType;
import io.harborsync.harbor.HarborModel.AuditLogExt;

import java.util.List;

import static io.harborsync.harbor.HarborTransport.query;

/** A site's audit log, {@code /auditlog-exts} ({@code HarborClient.auditLogs()}). */
public final class AuditLogs {
    private final HarborTransport t;

    AuditLogs(HarborTransport transport) {
        this.t = transport;
    }

    /**
     * Audit-log rows with an id of at least {@code fromId}, oldest first, at most {@code limit} rows
     * (one page). Rows can become visible out of id order, so callers re-read a small overlap.
     */
    public List<AuditLogExt> since(long fromId, int limit) {
        String q = query("id=[" + fromId + "~]");
        int size = Math.max(1, Math.min(100, limit));
        return t.read("read audit log from id " + fromId, api -> api.listAuditLogs(q, "id", 1, size)).getEntity();
    }

    /**
     * Rows of one {@code resource_type} (e.g. {@code member}) with an id of at least {@code fromId}, oldest first, at
     * most {@code limit} rows (one page): {@code q=resource_type=…,id=[fromId~]}.
     */
    public List<AuditLogExt> since(String resourceType, long fromId, int limit) {
        String q = query("resource_type=" + resourceType + ",id=[" + fromId + "~]");
        int size = Math.max(1, Math.min(100, limit));
        return t.read("read " + resourceType + " audit rows from id " + fromId,
                api -> api.listAuditLogs(q, "id", 1, size)).getEntity();
    }

    /**
     * Rows of one {@code resource_type} with an id from {@code fromId} to {@code toId} (both included), oldest first,
     * at most {@code limit} rows (one page): {@code q=resource_type=…,id=[fromId~toId]}.
     */
    public List<AuditLogExt> between(String resourceType, long fromId, long toId, int limit) {
        String q = query("resource_type=" + resourceType + ",id=[" + fromId + "~" + toId + "]");
        int size = Math.max(1, Math.min(100, limit));
        return t.read("read " + resourceType + " audit rows from id " + fromId + " to " + toId,
                api -> api.listAuditLogs(q, "id", 1, size)).getEntity();
    }

    /**
     * The newest row (highest id), one request; empty when the log shows none: empty, purged, or not listable by this
     * account (Harbor answers a robot without {@code audit-log:list} 200 with no rows).
     */
    public java.util.Optional<AuditLogExt> newest() {
        List<AuditLogExt> rows = t.read("read the newest audit row", api -> api.listAuditLogs(null, "-id", 1, 1))
                .getEntity();
        return rows == null || rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rows.get(0));
    }

    /** Which audit-log event types this Harbor records: newer releases add member and project updates. */
    public List<String> eventTypes() {
        return t.call("list audit log event types", HarborApi::listAuditLogEventTypes).stream()
                .map(AuditLogEventType::eventType).toList();
    }
}
