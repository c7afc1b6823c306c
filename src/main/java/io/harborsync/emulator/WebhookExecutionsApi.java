package io.harborsync.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The delivery history of a webhook policy, {@code GET …/webhook/policies/{id}/executions} (observations §7): each
 * delivery job (one per target and event, as Harbor's hook manager starts them) is an execution of vendor type
 * WEBHOOK with one task, Running until the sender is done, then Success or Error; the body sent is kept as a string
 * in {@code extra_attrs.payload}. Newest first.
 */
final class WebhookExecutionsApi {
    /** The oldest go first beyond this, so a long demo or benchmark run does not keep every body it sent. */
    static final int KEPT = 10_000;

    private final SiteData site;
    private final Lookup lookup;

    WebhookExecutionsApi(SiteData site, Lookup lookup) {
        this.site = site;
        this.lookup = lookup;
    }

    void routes(Router router) {
        router.add("GET", "projects/{p}/webhook/policies/{id}/executions", (r, p) -> {
            SiteData.WebhookPolicy w = lookup.webhookPolicy(lookup.project(r, p.get("p")), p.get("id"));
            List<SiteData.Doc> mine = site.webhookExecutions.values().stream()
                    .filter(x -> x.json.path("vendor_id").asLong() == w.id)
                    .sorted(Comparator.comparingLong((SiteData.Doc x) -> x.id).reversed()).toList();
            return Paging.page(r, mine, x -> x.json.deepCopy());
        });
    }

    /** Records a job as it is handed to the sender (caller holds the site lock); the callback settles it. */
    Consumer<Boolean> started(SiteData.WebhookPolicy w, String eventType, byte[] body) {
        SiteData.Doc d = new SiteData.Doc();
        d.id = site.next("execution");
        ObjectNode o = Json.obj();
        o.putObject("extra_attrs").put("event_type", eventType).put("payload", new String(body, StandardCharsets.UTF_8));
        o.put("id", d.id);
        o.putObject("metrics").put("running_task_count", 1).put("task_count", 1);
        o.put("start_time", Json.time(Instant.now())).put("status", "Running").put("trigger", "EVENT")
                .put("vendor_id", w.id).put("vendor_type", "WEBHOOK");
        d.json = o;
        site.webhookExecutions.put(d.id, d);
        if (site.webhookExecutions.size() > KEPT) site.webhookExecutions.remove(site.webhookExecutions.keySet().iterator().next());
        return ok -> {
            synchronized (site) {
                ObjectNode settled = Json.obj().put("end_time", Json.time(Instant.now()));
                settled.set("extra_attrs", o.get("extra_attrs"));
                settled.put("id", d.id);
                settled.putObject("metrics").put(ok ? "success_task_count" : "error_task_count", 1).put("task_count", 1);
                settled.put("start_time", o.get("start_time").asText()).put("status", ok ? "Success" : "Error")
                        .put("trigger", "EVENT").put("vendor_id", w.id).put("vendor_type", "WEBHOOK");
                d.json = settled;
            }
        };
    }
}
