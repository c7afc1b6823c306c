package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A project's webhook policies, {@code webhook/events} and {@code webhook/lasttrigger} (observations §7), and the
 * artifact events they deliver (api-notes 2): Default or CloudEvents payloads, one delivery job per target.
 */
final class ProjectWebhooksApi {
    static final List<String> EVENT_TYPES = List.of("PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT", "QUOTA_EXCEED",
            "QUOTA_WARNING", "SCANNING_FAILED", "SCANNING_STOPPED", "SCANNING_COMPLETED", "REPLICATION", "TAG_RETENTION");

    private final EmulatorOptions options;
    private final SiteData site;
    private final Lookup lookup;
    private final WebhookSender sender;
    private final WebhookExecutionsApi webhookExecutions;

    ProjectWebhooksApi(EmulatorOptions options, SiteData site, Lookup lookup, WebhookSender sender,
                       WebhookExecutionsApi webhookExecutions) {
        this.options = options;
        this.site = site;
        this.lookup = lookup;
        this.sender = sender;
        this.webhookExecutions = webhookExecutions;
    }

    void routes(Router router) {
        router.add("GET", "projects/{p}/webhook/policies", (r, p) -> listWebhookPolicies(r, lookup.project(r, p.get("p"))));
        router.add("POST", "projects/{p}/webhook/policies", (r, p) -> createWebhookPolicy(r, lookup.project(r, p.get("p")), p.get("p")));
        router.add("GET", "projects/{p}/webhook/policies/{id}", (r, p) -> Response.ok(webhookJson(lookup.webhookPolicy(lookup.project(r, p.get("p")), p.get("id")))));
        router.add("PUT", "projects/{p}/webhook/policies/{id}", (r, p) -> updateWebhookPolicy(r, lookup.project(r, p.get("p")), p.get("id")));
        router.add("DELETE", "projects/{p}/webhook/policies/{id}", (r, p) -> {
            SiteData.WebhookPolicy w = lookup.webhookPolicy(lookup.project(r, p.get("p")), p.get("id"));
            site.webhookPolicies.remove(w.id);
            site.webhookExecutions.values().removeIf(x -> x.json.path("vendor_id").asLong() == w.id);
            return Response.empty();
        });
        router.add("GET", "projects/{p}/webhook/events", (r, p) -> webhookEvents(lookup.project(r, p.get("p"))));
        router.add("GET", "projects/{p}/webhook/lasttrigger", (r, p) -> lastTrigger(lookup.project(r, p.get("p"))));
    }

    // ------------------------------------------------------------------ artifact events (api-notes 2)

    void fireArtifactEvent(String type, SiteData.Repository repo, String digest, String tag, boolean repoStays,
                                   String operator, String requestId) {
        SiteData.Project p = site.projects.get(repo.projectId);
        long occurAt = Instant.now().getEpochSecond();
        ObjectNode data = Json.obj();
        ArrayNode resources = data.putArray("resources");
        String url = options.externalHost() + "/" + repo.name + (tag == null ? "@" + digest : ":" + tag);
        resources.addObject().put("digest", digest).put("tag", tag == null ? digest : tag).put("resource_url", url);
        ObjectNode rj = data.putObject("repository");
        if (repoStays) rj.put("date_created", repo.created.getEpochSecond());
        rj.put("name", repo.name.substring(repo.name.indexOf('/') + 1)).put("namespace", p.name)
                .put("repo_full_name", repo.name).put("repo_type", "true".equals(p.metadata.get("public")) ? "public" : "private");
        for (SiteData.WebhookPolicy w : site.webhookPolicies.viewOf(p.id)) {
            if (!w.enabled || !w.eventTypes.contains(type)) continue;
            w.lastTriggered.put(type, Instant.now());
            for (JsonNode t : w.targets) {
                if (!"http".equals(t.path("type").asText())) continue; // slack is not emulated
                String format = t.path("payload_format").asText("Default");
                byte[] body;
                String contentType;
                if (format.equals("CloudEvents")) {
                    ObjectNode ce = Json.obj().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
                            .put("source", "/projects/" + p.id + "/webhook/policies/" + w.id)
                            .put("type", type.equals("PUSH_ARTIFACT") ? "harbor.artifact.pushed" : "harbor.artifact.deleted")
                            .put("datacontenttype", "application/json")
                            .put("time", Instant.ofEpochSecond(occurAt).toString());
                    ce.set("data", data);
                    ce.put("operator", operator).put("requestid", requestId == null ? "" : requestId);
                    body = Json.bytes(ce);
                    contentType = "application/cloudevents+json";
                } else {
                    ObjectNode d = Json.obj().put("type", type).put("occur_at", occurAt).put("operator", operator);
                    d.set("event_data", data);
                    body = Json.bytes(d);
                    contentType = "application/json";
                }
                sender.send(t.path("address").asText(), t.path("auth_header").asText(""), contentType, body, type, format,
                        webhookExecutions.started(w, type, body));
            }
        }
    }

    /**
     * Real Harbor's shape (observations §7, steps hook.get, hook.get.afterupdate): keys in the swagger model's order,
     * no {@code creator}, empty name/description, {@code auth_header} and false {@code skip_cert_verify} omitted.
     */
    private ObjectNode webhookJson(SiteData.WebhookPolicy w) {
        ObjectNode o = Json.obj().put("creation_time", Json.time(w.created));
        if (!w.description.isEmpty()) o.put("description", w.description);
        o.put("enabled", w.enabled);
        ArrayNode et = o.putArray("event_types");
        w.eventTypes.forEach(et::add);
        o.put("id", w.id);
        if (!w.name.isEmpty()) o.put("name", w.name);
        o.put("project_id", w.projectId);
        ArrayNode targets = o.putArray("targets");
        for (JsonNode t : w.targets) {
            ObjectNode tn = targets.addObject().put("address", t.path("address").asText());
            if (!t.path("auth_header").asText().isEmpty()) tn.put("auth_header", t.path("auth_header").asText());
            if (t.has("payload_format")) tn.put("payload_format", t.path("payload_format").asText());
            if (t.path("skip_cert_verify").asBoolean()) tn.put("skip_cert_verify", true);
            tn.put("type", t.path("type").asText());
        }
        o.put("update_time", Json.time(w.updated));
        return o;
    }

    private Response listWebhookPolicies(Request r, SiteData.Project p) {
        return Paging.page(r, site.webhookPolicies.of(p.id), this::webhookJson);
    }

    /**
     * Create and PUT alike (observations §7, Harbor's webhook handler): event types are checked first, then the
     * targets (address parsed as Harbor's utils.ParseEndpoint does, then type and format), then the name is unique in
     * the project. A nameless policy is allowed; {@code enabled} absent means false; PUT replaces every field.
     */
    private void fillWebhookPolicy(SiteData.WebhookPolicy w, ObjectNode body, SiteData.Project p) {
        String given = Json.str(body, "policy", "name");
        String name = given == null ? "" : given;
        List<String> types = new ArrayList<>();
        ArrayNode et = Json.array(body, "policy", "event_types");
        if (et == null || et.isEmpty()) throw ApiError.badRequest("empty event type");
        for (JsonNode t : et) {
            if (!EVENT_TYPES.contains(t.asText())) throw ApiError.badRequest("unsupported event type " + t.asText());
            types.add(t.asText());
        }
        ArrayNode targets = Json.arr();
        ArrayNode ts = Json.array(body, "policy", "targets");
        if (ts == null || ts.isEmpty()) throw ApiError.badRequest("empty notification target with policy " + name);
        for (JsonNode t : ts) {
            String type = Json.str(t, "policy.targets", "type");
            String address = Json.str(t, "policy.targets", "address");
            String format = Json.str(t, "policy.targets", "payload_format");
            Boolean skip = Json.bool(t, "policy.targets", "skip_cert_verify");
            String auth = Json.str(t, "policy.targets", "auth_header");
            String endpoint = parseEndpoint(address == null ? "" : address);
            if (!"http".equals(type) && !"slack".equals(type)) {
                throw ApiError.badRequest("unsupported target type " + type + " with policy " + name);
            }
            boolean hasFormat = format != null && !format.isEmpty();
            if (type.equals("slack") && hasFormat) throw ApiError.badRequest("set payload format is not allowed for slack");
            if (hasFormat && !Set.of("Default", "CloudEvents").contains(format)) {
                throw ApiError.badRequest("unsupported payload format type: " + format);
            }
            ObjectNode tn = targets.addObject().put("type", type).put("address", endpoint)
                    .put("auth_header", auth == null ? "" : auth).put("skip_cert_verify", skip != null && skip);
            if (type.equals("http") || hasFormat) tn.put("payload_format", hasFormat ? format : "Default");
        }
        if (!name.isEmpty()) {
            for (SiteData.WebhookPolicy o : site.webhookPolicies.viewOf(p.id)) {
                if (o != w && o.name.equals(name)) {
                    throw ApiError.conflict("notification policy named " + name + " already exists");
                }
            }
        }
        String desc = Json.str(body, "policy", "description");
        Boolean enabled = Json.bool(body, "policy", "enabled");
        w.name = name;
        w.description = desc == null ? "" : desc;
        w.enabled = enabled != null && enabled;
        w.eventTypes = types;
        w.targets = targets;
    }

    /**
     * Harbor's utils.ParseEndpoint: spaces and trailing slashes trimmed, no scheme means http, only http and https
     * pass, and what is kept is scheme://host/path (the query goes, against SSRF). Go's url.ParseRequestURI refuses a
     * space in the host.
     */
    private static String parseEndpoint(String address) {
        String s = address.strip().replaceAll("/+$", "");
        if (s.isEmpty()) throw ApiError.badRequest("empty URL");
        if (!s.contains("://")) s = "http://" + s;
        String scheme = s.substring(0, s.indexOf("://"));
        if (!scheme.equals("http") && !scheme.equals("https")) throw ApiError.badRequest("invalid scheme: " + scheme);
        try {
            java.net.URI u = new java.net.URI(s);
            if (u.getRawAuthority() == null || u.getRawAuthority().isEmpty()) {
                throw ApiError.badRequest("parse \"" + s + "\": empty host");
            }
            return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (java.net.URISyntaxException e) {
            throw ApiError.badRequest("parse \"" + s + "\": invalid character \" \" in host name");
        }
    }

    private Response createWebhookPolicy(Request r, SiteData.Project p, String asGiven) {
        ObjectNode body = Json.requireObject(r.json(), "policy");
        SiteData.WebhookPolicy w = new SiteData.WebhookPolicy();
        fillWebhookPolicy(w, body, p);
        w.id = site.next("webhook");
        w.projectId = p.id;
        w.creator = r.username();
        w.created = w.updated = Instant.now();
        site.webhookPolicies.put(w.id, w);
        return Response.created(EmulatorRoutes.BASE + "/projects/" + asGiven + "/webhook/policies/" + w.id);
    }

    /** Observations §7: every PUT zeroes creation_time and leaves update_time as it was (step hook.get.afterupdate). */
    private Response updateWebhookPolicy(Request r, SiteData.Project p, String id) {
        SiteData.WebhookPolicy w = lookup.webhookPolicy(p, id);
        fillWebhookPolicy(w, Json.requireObject(r.json(), "policy"), p);
        w.created = Json.ZERO_TIME;
        return Response.empty();
    }

    /**
     * One entry per (policy, event type) of the project (Harbor's constructPolicyWithTriggerTime): a nameless policy's
     * policy_name omitted, zero time when it never fired; no X-Total-Count (step next.lasttrigger).
     */
    private Response lastTrigger(SiteData.Project p) {
        ArrayNode arr = Json.arr();
        for (SiteData.WebhookPolicy w : site.webhookPolicies.viewOf(p.id)) {
            for (String type : w.eventTypes) {
                ObjectNode o = arr.addObject().put("creation_time", Json.time(w.created)).put("enabled", w.enabled)
                        .put("event_type", type);
                o.put("last_trigger_time", Json.time(w.lastTriggered.getOrDefault(type, Json.ZERO_TIME)));
                if (!w.name.isEmpty()) o.put("policy_name", w.name);
            }
        }
        return Response.ok(arr);
    }

    private Response webhookEvents(SiteData.Project p) {
        ObjectNode o = Json.obj();
        ArrayNode et = o.putArray("event_type");
        EVENT_TYPES.forEach(et::add);
        o.putArray("notify_type").add("http").add("slack");
        ArrayNode pf = o.putArray("payload_formats");
        ObjectNode http = pf.addObject(); // only http takes a payload format (step hook.events)
        http.putArray("formats").add("Default").add("CloudEvents");
        http.put("notify_type", "http");
        return Response.ok(o);
    }
}
