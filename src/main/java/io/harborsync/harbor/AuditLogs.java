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

    /** Which audit-log event types this Harbor records: newer releases add member and project updates. */
    public List<String> eventTypes() {
        return t.call("list audit log event types", HarborApi::listAuditLogEventTypes).stream()
                .map(AuditLogEventType::eventType).toList();
    }
}
