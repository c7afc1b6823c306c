package io.harborsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code harbor-sync status}: a running daemon's GET /status as tables (or its JSON with --output json). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows a running daemon's status: sites, active site, pending work, conflicts, recent operations,"
                + " dead letters.")
public class StatusCommand implements Callable<Integer> {
    /** Recent operations shown in the table; --output json has all the daemon keeps. */
    static final int RECENT = 20;

    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    DaemonClient daemon;

    @Override
    public Integer call() {
        return daemon.answer(spec, "status", () -> daemon.get("/status"), StatusCommand::print);
    }

    static void print(PrintWriter out, JsonNode s) {
        out.printf("mode: %s   active site: %s   conflict policy: %s%n", Table.text(s, "mode"),
                Table.text(s.path("proxy"), "active"), Table.text(s, "conflictPolicy"));
        com.fasterxml.jackson.databind.JsonNode ha = s.path("ha");
        if (!ha.isMissingNode()) {
            out.printf("replica: %s (%s)   leader: %s   election: %s%n", Table.text(ha, "replica"),
                    Table.text(ha, "role"), ha.path("leader").isObject() ? Table.text(ha.path("leader"), "id") : "unknown",
                    Table.text(ha, "election"));
        }
        out.println();

        // every configured site has a breaker; reachability is known once a reconcile has read it
        Map<String, JsonNode> reconciled = new LinkedHashMap<>();
        s.path("sites").forEach(site -> reconciled.put(site.path("site").asText(), site));
        Table sites = new Table("SITE", "REACHABLE", "BREAKER", "LAST FULL RECONCILE", "LAST ERROR");
        Map<String, JsonNode> breakers = new LinkedHashMap<>();
        s.path("breakers").fields().forEachRemaining(e -> breakers.put(e.getKey(), e.getValue()));
        java.util.Set<String> names = new java.util.TreeSet<>(breakers.keySet());
        names.addAll(reconciled.keySet());
        for (String name : names) {
            JsonNode r = reconciled.get(name);
            JsonNode b = breakers.get(name);
            sites.row(name, r == null ? "not read yet" : r.path("reachable").asBoolean() ? "yes" : "no",
                    b == null ? "-" : b.path("state").asText(), r == null ? "-" : Table.text(r, "lastSuccessfulReconcile"),
                    r == null ? "-" : Table.text(r, "lastError"));
        }
        sites.print(out);

        out.println();
        out.printf("pending webhook events: %s   retries scheduled: %s   dead letters: %d%n",
                Table.text(s, "pendingEvents"), Table.text(s, "retriesScheduled"), s.path("deadLetters").size());

        section(out, "pending work", s.path("pending"), Integer.MAX_VALUE, new Table("KIND", "KEY", "REASON"),
                (t, i) -> t.row(Table.text(i, "kind"), Table.text(i, "key"), Table.text(i, "reason")));
        section(out, "held back by the mass-deletion guard (until a run passes; check with sync --dry-run, then"
                        + " sync --force)", s.path("guardHeldBack"), Integer.MAX_VALUE,
                new Table("SCOPE", "KIND", "SITE", "SINCE", "REASON"),
                (t, i) -> t.row(Table.text(i, "scope"), Table.text(i, "kind"), Table.text(i, "site"), Table.text(i, "at"),
                        Table.text(i, "reason")));
        preconditions(out, s.path("preconditions"));
        section(out, "robot secrets not aligned (align with robots set-secret or robots rotate)",
                s.path("secretsNotAligned"), Integer.MAX_VALUE, secretTable(), StatusCommand::secret);
        section(out, "conflicts", s.path("conflicts"), Integer.MAX_VALUE, conflictTable(), StatusCommand::conflict);
        section(out, "recent operations", s.path("recentOperations"), RECENT,
                new Table("OUTCOME", "SITE", "KIND", "OP", "KEY", "REASON"), StatusCommand::recent);
        section(out, "dead letters", s.path("deadLetters"), Integer.MAX_VALUE,
                new Table("ID", "SITE", "TYPE", "PROJECT", "ATTEMPTS", "LAST ERROR"),
                (t, i) -> t.row(Table.text(i, "id"), Table.text(i, "site"), Table.text(i, "type"), Table.text(i, "project"),
                        Table.text(i, "attempts"), Table.text(i, "lastError")));
        out.flush();
    }

    /** What keeps kinds from being mirrored at all (e.g. a robot account), once per reason; nothing when none. */
    static void preconditions(PrintWriter out, JsonNode list) {
        for (JsonNode p : list) {
            out.println();
            java.util.List<String> kinds = new java.util.ArrayList<>();
            p.path("kinds").forEach(k -> kinds.add(k.asText()));
            out.println("not mirrored (" + String.join(", ", kinds) + "): " + Table.text(p, "reason"));
        }
    }

    static Table secretTable() {
        return new Table("ROBOT", "KIND", "NOT PROVEN ON", "WHY");
    }

    /** A robot whose secret harbor-sync has not proven alike everywhere. */
    static void secret(Table t, JsonNode r) {
        java.util.List<String> sites = new java.util.ArrayList<>();
        r.path("sites").forEach(x -> sites.add(x.asText()));
        t.row(Table.text(r, "robot"), Table.text(r, "kind"), String.join(", ", sites), Table.text(r, "reason"));
    }

    static Table conflictTable() {
        return new Table("KIND", "KEY", "OUTCOME", "RULE", "WINNER", "VALUES");
    }

    /** A conflict: each site's value, what settled it and the winner. */
    static void conflict(Table t, JsonNode c) {
        StringBuilder values = new StringBuilder();
        c.path("values").fields().forEachRemaining(e ->
                values.append(values.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue().asText()));
        t.row(Table.text(c, "kind"), Table.text(c, "key"), Table.text(c, "outcome"), Table.text(c, "rule"),
                c.hasNonNull("winner") ? c.get("winner").asText() : "-", values.toString());
    }

    /** One report item (site, kind, op, key, reason[, detail]) as a row. */
    /** A recent operation: whether it worked first, then the operation as {@link #op} shows it. */
    static void recent(Table t, JsonNode i) {
        t.row(Table.text(i, "outcome"), Table.text(i, "site"), Table.text(i, "kind"), Table.text(i, "op"),
                Table.text(i, "key"), reason(i));
    }

    static void op(Table t, JsonNode i) {
        t.row(Table.text(i, "site"), Table.text(i, "kind"), Table.text(i, "op"), Table.text(i, "key"), reason(i));
    }

    private static String reason(JsonNode i) {
        String reason = Table.text(i, "reason");
        if (i.hasNonNull("detail")) {
            reason = reason + " (" + i.get("detail").asText() + ")";
        }
        return reason;
    }

    /** A titled table of a JSON list, "title: none" when empty, the first {@code max} with a note when longer. */
    static void section(PrintWriter out, String title, JsonNode items, int max, Table table,
                        java.util.function.BiConsumer<Table, JsonNode> row) {
        out.println();
        if (items.isEmpty()) {
            out.println(title + ": none");
            return;
        }
        out.println(title + " (" + items.size() + (items.size() > max ? ", the latest " + max + " shown" : "") + "):");
        int n = 0;
        for (JsonNode i : items) {
            if (n++ == max) {
                break;
            }
            row.accept(table, i);
        }
        table.print(out);
    }
}
