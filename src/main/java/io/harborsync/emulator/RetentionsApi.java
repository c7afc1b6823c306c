package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * {@code /retentions} and the project's {@code retention_id}, as real Harbor v2.15.2 answered (observations §6;
 * Harbor's retention handler). One policy per project; the policy id is written into the project's metadata and
 * removed again on delete; the project's deletion takes its policy; no audit rows. Runs are not emulated.
 */
final class RetentionsApi {
    static final String RETENTION_ID = "retention_id";
    private static final int MAX_RULES = 15;

    private final SiteData site;

    RetentionsApi(SiteData site) {
        this.site = site;
    }

    void routes(Router router) {
        router.add("GET", "retentions/metadatas", (r, p) -> Response.ok(metadatas()));
        router.add("POST", "retentions", (r, p) -> create(r));
        router.add("GET", "retentions/{id}", (r, p) -> get(p.get("id")));
        router.add("PUT", "retentions/{id}", (r, p) -> update(r, p.get("id")));
        router.add("DELETE", "retentions/{id}", (r, p) -> delete(p.get("id")));
    }

    /** Step next.retention: the fixed answer, key for key. */
    private static ObjectNode metadatas() {
        ObjectNode o = Json.obj();
        o.putArray("scope_selectors").addObject().<ObjectNode>set("decorations", Json.arr().add("repoMatches").add("repoExcludes"))
                .put("display_text", "Repositories").put("kind", "doublestar");
        o.putArray("tag_selectors").addObject().<ObjectNode>set("decorations", Json.arr().add("matches").add("excludes"))
                .put("display_text", "Tags").put("kind", "doublestar");
        ArrayNode t = o.putArray("templates");
        template(t, "the most recently pushed # artifacts", "COUNT", "latestPushedK");
        template(t, "the most recently pulled # artifacts", "COUNT", "latestPulledN");
        template(t, "pushed within the last # days", "DAYS", "nDaysSinceLastPush");
        template(t, "pulled within the last # days", "DAYS", "nDaysSinceLastPull");
        template(t, "always", null, "always");
        return o;
    }

    private static void template(ArrayNode t, String text, String unit, String name) {
        ObjectNode o = t.addObject().put("action", "retain").put("display_text", text);
        ArrayNode params = o.putArray("params");
        if (unit != null) params.addObject().put("required", true).put("type", "int").put("unit", unit);
        o.put("rule_template", name);
    }

    private SiteData.Retention retention(String id) {
        return site.retentions.get(LabelsApi.pathId(id, "id"));
    }

    /** A policy that does not exist is a 500 on real Harbor (observations §6). */
    private Response get(String id) {
        SiteData.Retention x = retention(id);
        if (x == null) throw new ApiError(500, "UNKNOWN", "internal server error");
        ObjectNode o = x.policy.deepCopy();
        ObjectNode trigger = (ObjectNode) o.get("trigger");
        if (trigger != null && "Schedule".equals(trigger.path("kind").asText()) && trigger.get("settings") instanceof ObjectNode s
                && !s.path("cron").asText().isEmpty()) {
            s.put("next_scheduled_time", Json.time(nextRun(s.path("cron").asText(), Instant.now())));
        }
        o.put("id", x.id);
        return Response.ok(sorted(o));
    }

    private static ObjectNode sorted(ObjectNode o) {
        ObjectNode out = Json.obj();
        for (String k : List.of("algorithm", "id", "rules", "scope", "trigger")) if (o.has(k)) out.set(k, o.get(k));
        return out;
    }

    /**
     * Create (observations §6): a project that has a policy refuses every further one whatever else is wrong; then
     * Harbor's handler order: at most 15 rules, no two identical rules (409), scope level project, an existing project.
     */
    private Response create(Request r) {
        ObjectNode body = Json.requireObject(r.json(), "policy");
        ObjectNode scope = Json.object(body, "policy", "scope");
        Long ref = Json.lng(scope, "policy.scope", "ref");
        SiteData.Project p = ref == null ? null : site.projects.get(ref);
        if (p != null && p.metadata.containsKey(RETENTION_ID)) {
            throw ApiError.badRequest("bad request: project " + ref + " already has retention policy " + p.metadata.get(RETENTION_ID));
        }
        ObjectNode policy = normalise(body);
        String level = Json.str(scope, "policy.scope", "level");
        if (!"project".equals(level)) throw ApiError.badRequest("scope " + (level == null ? "" : level) + " is not support");
        if (p == null) throw ApiError.badRequest("invalid Project id " + (ref == null ? 0 : ref));
        checkCron(policy, null);
        SiteData.Retention x = new SiteData.Retention();
        x.id = site.next("retention");
        x.projectId = p.id;
        x.policy = policy;
        site.retentions.put(x.id, x);
        p.metadata.put(RETENTION_ID, String.valueOf(x.id));
        return Response.created(EmulatorRoutes.BASE + "/retentions/" + x.id);
    }

    /**
     * PUT is a full replace; the scope's project must hold this policy's id in its metadata, else 404 (Harbor's
     * requirePolicyAccess; also what an unknown id gets).
     */
    private Response update(Request r, String id) {
        long pid = LabelsApi.pathId(id, "id");
        ObjectNode body = Json.requireObject(r.json(), "policy");
        ObjectNode policy = normalise(body);
        long ref = policy.path("scope").path("ref").asLong();
        SiteData.Project p = site.projects.get(ref);
        SiteData.Retention x = site.retentions.get(pid);
        if (p == null || x == null || !String.valueOf(pid).equals(p.metadata.get(RETENTION_ID))) {
            throw ApiError.notFound("the retention policy id " + pid + " does not match");
        }
        checkCron(policy, x.policy);
        x.policy = policy;
        return Response.empty();
    }

    /** A missing policy is a 400 here (observations §6); the project's retention_id goes with the policy. */
    private Response delete(String id) {
        SiteData.Retention x = retention(id);
        if (x == null) throw ApiError.badRequest("no such Retention policy with id " + id);
        site.retentions.remove(x.id);
        SiteData.Project p = site.projects.get(x.projectId);
        if (p != null) p.metadata.remove(RETENTION_ID);
        return Response.empty();
    }

    /**
     * The stored form: rules with Harbor's shape (id, priority and disabled:false omitted; the id is what the client
     * sent, as Harbor's conflict check only numbers copies), after the rule count and that conflict check.
     */
    private static ObjectNode normalise(ObjectNode body) {
        ArrayNode rules = Json.array(body, "policy", "rules");
        ArrayNode out = Json.arr();
        Map<String, Integer> seen = new java.util.HashMap<>();
        if (rules != null) {
            if (rules.size() > MAX_RULES) throw ApiError.badRequest("only " + MAX_RULES + " rules are allowed at most");
            for (int n = 0; n < rules.size(); n++) {
                ObjectNode rule = rule(rules.get(n));
                ObjectNode key = rule.deepCopy();
                key.remove("id");
                Integer old = seen.putIfAbsent(key.toString(), n);
                if (old != null) throw ApiError.conflict("rule " + n + " is conflict with rule " + old);
                out.add(rule);
            }
        }
        ObjectNode o = Json.obj();
        String algorithm = Json.str(body, "policy", "algorithm");
        if (algorithm != null && !algorithm.isEmpty()) o.put("algorithm", algorithm);
        o.set("rules", out);
        ObjectNode scope = Json.object(body, "policy", "scope");
        ObjectNode s = o.putObject("scope");
        s.put("level", scope == null ? "" : scope.path("level").asText());
        s.put("ref", scope == null ? 0 : scope.path("ref").asLong());
        ObjectNode trigger = Json.object(body, "policy", "trigger");
        if (trigger != null) {
            ObjectNode t = o.putObject("trigger").put("kind", trigger.path("kind").asText());
            if (trigger.get("settings") instanceof ObjectNode settings) {
                ObjectNode st = t.putObject("settings");
                settings.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("next_scheduled_time")) st.set(e.getKey(), e.getValue());
                });
            }
        }
        return o;
    }

    private static ObjectNode rule(JsonNode in) {
        ObjectNode o = Json.obj();
        if (in.hasNonNull("action")) o.put("action", in.get("action").asText());
        if (in.path("disabled").asBoolean()) o.put("disabled", true);
        if (in.path("id").asLong() != 0) o.put("id", in.path("id").asLong());
        if (in.get("params") instanceof ObjectNode params && !params.isEmpty()) o.set("params", params);
        if (in.path("priority").asLong() != 0) o.put("priority", in.path("priority").asLong());
        if (in.get("scope_selectors") instanceof ObjectNode scopes) {
            ObjectNode s = o.putObject("scope_selectors");
            scopes.fields().forEachRemaining(e -> s.set(e.getKey(), selectors(e.getValue())));
        }
        if (in.get("tag_selectors") instanceof ArrayNode tags) o.set("tag_selectors", selectors(tags));
        if (in.hasNonNull("template")) o.put("template", in.get("template").asText());
        return o;
    }

    /**
     * Selectors as Harbor prints them, {decoration, kind, pattern} (+ extras when given), empty fields left out;
     * tag immutability rules share retention's rule model and use this too. Not a list: none.
     */
    static ArrayNode selectors(JsonNode in) {
        ArrayNode out = Json.arr();
        if (in == null || !in.isArray()) return out;
        for (JsonNode s : in) {
            ObjectNode o = out.addObject();
            for (String f : List.of("decoration", "extras", "kind", "pattern")) {
                if (s.hasNonNull(f) && !s.get(f).asText().isEmpty()) o.put(f, s.get(f).asText());
            }
        }
        return out;
    }

    /**
     * Schedule triggers (observations §6): a cron needs six fields; an empty cron is taken on create and from a
     * policy that was already scheduled, but not when a Manual policy becomes scheduled.
     */
    private static void checkCron(ObjectNode policy, ObjectNode before) {
        JsonNode trigger = policy.path("trigger");
        if (!"Schedule".equals(trigger.path("kind").asText())) return;
        String cron = trigger.path("settings").path("cron").asText("");
        if (cron.isEmpty()) {
            if (before != null && !"Schedule".equals(before.path("trigger").path("kind").asText())) {
                throw ApiError.badRequest("invalid cron : empty spec string");
            }
            return;
        }
        try {
            parseCron(cron);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid cron string for scheduled tag retention: " + cron + ", error: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ six-field cron (robfig/cron with seconds)

    private static final int[][] RANGES = {{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};

    static BitSet[] parseCron(String cron) {
        String[] f = cron.trim().split("\\s+");
        if (f.length != 6) throw new IllegalArgumentException("expected exactly 6 fields, found " + f.length);
        BitSet[] out = new BitSet[6];
        for (int i = 0; i < 6; i++) out[i] = field(f[i], RANGES[i][0], RANGES[i][1]);
        return out;
    }

    private static BitSet field(String f, int lo, int hi) {
        BitSet b = new BitSet();
        for (String part : f.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1));
                range = part.substring(0, slash);
                if (step <= 0) throw new IllegalArgumentException("step of range should be a positive number: " + part);
            }
            int from, to;
            if (range.equals("*") || range.equals("?")) {
                from = lo;
                to = hi;
            } else if (range.contains("-")) {
                from = number(range.substring(0, range.indexOf('-')));
                to = number(range.substring(range.indexOf('-') + 1));
            } else {
                from = number(range);
                to = slash >= 0 ? hi : from;
            }
            if (from < lo || to > hi || from > to) throw new IllegalArgumentException("end of range (" + to + ") above maximum (" + hi + "): " + part);
            for (int v = from; v <= to; v += step) b.set(v);
        }
        return b;
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failed to parse int from " + s + ": strconv.Atoi: parsing \"" + s + "\": invalid syntax");
        }
    }

    /** The first second after {@code from} that the cron selects (UTC, the sites' zone), searching a year ahead. */
    static Instant nextRun(String cron, Instant from) {
        BitSet[] c = parseCron(cron);
        String[] f = cron.trim().split("\\s+");
        boolean domStar = f[3].startsWith("*") || f[3].startsWith("?");
        boolean dowStar = f[5].startsWith("*") || f[5].startsWith("?");
        ZonedDateTime t = from.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        ZonedDateTime end = t.plusYears(1);
        while (t.isBefore(end)) {
            boolean dom = c[3].get(t.getDayOfMonth()), dow = c[5].get(t.getDayOfWeek().getValue() % 7);
            boolean day = domStar || dowStar ? dom && dow : dom || dow;
            if (!c[4].get(t.getMonthValue()) || !day) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!c[2].get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!c[1].get(t.getMinute())) {
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            } else {
                int s = c[0].nextSetBit(t.getSecond());
                if (s >= 0) return t.withSecond(s).toInstant();
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            }
        }
        return from;
    }
}
