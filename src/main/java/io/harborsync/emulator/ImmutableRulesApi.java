package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code /projects/{p}/immutabletagrules} and what an enabled rule does to tag and artifact deletes and to pushes,
 * as real Harbor v2.15.2 answered (observations §5; Harbor's immutable handler and its rule matcher). Rule ids are
 * one global sequence; no audit rows; rules go with their project.
 */
final class ImmutableRulesApi {
    private final SiteData site;
    private final Lookup lookup;

    ImmutableRulesApi(SiteData site, Lookup lookup) {
        this.site = site;
        this.lookup = lookup;
    }

    void routes(Router router) {
        router.add("GET", "projects/{p}/immutabletagrules", (r, p) -> list(r, lookup.project(r, p.get("p"))));
        router.add("POST", "projects/{p}/immutabletagrules", (r, p) -> create(r, lookup.project(r, p.get("p")), p.get("p")));
        router.add("PUT", "projects/{p}/immutabletagrules/{id}", (r, p) -> update(r, p));
        router.add("DELETE", "projects/{p}/immutabletagrules/{id}", (r, p) -> delete(r, p));
    }

    /** List item shape (observations §5): priority omitted when 0, disabled when false, no params. */
    private static ObjectNode json(SiteData.ImmutableRule x) {
        ObjectNode o = Json.obj().put("id", x.id);
        if (x.priority != 0) o.put("priority", x.priority);
        if (x.disabled) o.put("disabled", true);
        if (x.action != null) o.put("action", x.action);
        if (x.template != null) o.put("template", x.template);
        if (x.tagSelectors != null) o.set("tag_selectors", x.tagSelectors.deepCopy());
        if (x.scopeSelectors != null) o.set("scope_selectors", x.scopeSelectors.deepCopy());
        return o;
    }

    private Response list(Request r, SiteData.Project p) {
        return Paging.page(r, site.immutableRules.of(p.id),
                ImmutableRulesApi::json);
    }

    /** Whatever the body says (action "retain", regexp kind, no tag selectors) is stored; only a duplicate is refused. */
    private Response create(Request r, SiteData.Project p, String asGiven) {
        SiteData.ImmutableRule x = new SiteData.ImmutableRule();
        x.projectId = p.id;
        fill(x, Json.requireObject(r.json(), "ImmutableRule"));
        for (SiteData.ImmutableRule o : site.immutableRules.viewOf(p.id)) {
            if (same(o, x)) throw ApiError.conflict("immutable rule already exists");
        }
        x.id = site.next("immutable_rule");
        site.immutableRules.put(x.id, x);
        return Response.created(EmulatorRoutes.BASE + "/projects/" + asGiven + "/immutabletagrules/" + x.id);
    }

    private static void fill(SiteData.ImmutableRule x, ObjectNode body) {
        Long priority = Json.lng(body, "ImmutableRule", "priority");
        Boolean disabled = Json.bool(body, "ImmutableRule", "disabled");
        x.priority = priority == null ? 0 : priority;
        x.disabled = disabled != null && disabled;
        x.action = Json.str(body, "ImmutableRule", "action");
        x.template = Json.str(body, "ImmutableRule", "template");
        ArrayNode tags = Json.array(body, "ImmutableRule", "tag_selectors");
        x.tagSelectors = tags == null || tags.isEmpty() ? null : RetentionsApi.selectors(tags);
        ObjectNode scopes = Json.object(body, "ImmutableRule", "scope_selectors");
        if (scopes == null) {
            x.scopeSelectors = null;
        } else {
            ObjectNode s = Json.obj();
            scopes.fields().forEachRemaining(e -> s.set(e.getKey(), e.getValue().isArray() ? RetentionsApi.selectors(e.getValue()) : e.getValue()));
            x.scopeSelectors = s;
        }
    }

    private static boolean same(SiteData.ImmutableRule a, SiteData.ImmutableRule b) {
        return a.priority == b.priority && a.disabled == b.disabled && Objects.equals(a.action, b.action)
                && Objects.equals(a.template, b.template) && Objects.equals(a.tagSelectors, b.tagSelectors)
                && Objects.equals(a.scopeSelectors, b.scopeSelectors);
    }

    /** The rule of the path, which must be one of the path's project (Harbor's requireRuleAccess). */
    private SiteData.ImmutableRule rule(SiteData.Project p, long id) {
        SiteData.ImmutableRule x = site.immutableRules.get(id);
        if (x == null) throw ApiError.notFound("immutable rule " + id + " not found");
        if (x.projectId != p.id) throw ApiError.notFound("resource not found: project id " + p.id + " does not match");
        return x;
    }

    /**
     * PUT (observations §5): the body's id must be the path's, checked before anything else. When the body's
     * {@code disabled} differs from the stored one only that changes (Harbor's UpdateImmutableRule toggles and
     * returns); otherwise the rule is replaced, without a duplicate check.
     */
    private Response update(Request r, Map<String, String> params) {
        long id = LabelsApi.pathId(params.get("id"), "immutable_rule_id");
        ObjectNode body = Json.requireObject(r.json(), "ImmutableRule");
        Long bodyId = Json.lng(body, "ImmutableRule", "id");
        if (bodyId == null || bodyId != id) {
            throw ApiError.badRequest("the immutable_rule_id doesn't match the id in the payload body of ImmutableRule");
        }
        SiteData.ImmutableRule x = rule(lookup.project(r, params.get("p")), id);
        Boolean disabled = Json.bool(body, "ImmutableRule", "disabled");
        boolean wantDisabled = disabled != null && disabled;
        if (wantDisabled != x.disabled) {
            x.disabled = wantDisabled;
        } else {
            fill(x, body);
        }
        return Response.empty();
    }

    private Response delete(Request r, Map<String, String> params) {
        long id = LabelsApi.pathId(params.get("id"), "immutable_rule_id");
        SiteData.ImmutableRule x = rule(lookup.project(r, params.get("p")), id);
        site.immutableRules.remove(x.id);
        return Response.empty();
    }

    // ------------------------------------------------------------------ the rules' effect

    /**
     * Harbor's immutable matcher: an enabled rule of the project whose first repository selector takes the repository
     * and whose first tag selector takes the tag makes the tag immutable. Repository names without the project.
     */
    boolean isImmutable(SiteData.Repository repo, String tag) {
        String repoName = repo.name.substring(repo.name.indexOf('/') + 1);
        for (SiteData.ImmutableRule x : site.immutableRules.viewOf(repo.projectId)) {
            if (x.disabled || x.tagSelectors == null || x.scopeSelectors == null) continue;
            JsonNode repos = x.scopeSelectors.get("repository");
            if (repos == null || !repos.isArray() || repos.isEmpty()) continue;
            if (selects(repos.get(0), repoName) && selects(x.tagSelectors.get(0), tag)) return true;
        }
        return false;
    }

    /** doublestar selector: "matches"/"repoMatches" take what the pattern matches, "excludes"/"repoExcludes" the rest. */
    private static boolean selects(JsonNode selector, String value) {
        if (!"doublestar".equals(selector.path("kind").asText())) return false; // the only kind Harbor's index knows
        boolean match = doublestar(selector.path("pattern").asText(), value);
        return switch (selector.path("decoration").asText()) {
            case "matches", "repoMatches" -> match;
            case "excludes", "repoExcludes" -> !match;
            default -> false;
        };
    }

    /** bmatcuk/doublestar: ** crosses '/', * and ? do not, {a,b} alternatives, [...] classes. */
    static boolean doublestar(String pattern, String value) {
        StringBuilder re = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '{') {
                re.append("(?:");
                depth++;
            } else if (c == '}' && depth > 0) {
                re.append(')');
                depth--;
            } else if (c == ',' && depth > 0) {
                re.append('|');
            } else if (c == '[') {
                int end = pattern.indexOf(']', i + 1);
                if (end < 0) return false; // a bad pattern matches nothing
                String cls = pattern.substring(i + 1, end);
                if (cls.startsWith("!")) cls = "^" + cls.substring(1);
                re.append('[').append(cls.replace("\\", "\\\\")).append(']');
                i = end;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (depth != 0) return false;
        return Pattern.matches(re.toString(), value);
    }

    /** DELETE of a tag or of an artifact with such a tag: 412 (observations §5). */
    void refuseDelete(SiteData.Repository repo, List<String> tags) {
        for (String t : tags) {
            if (isImmutable(repo, t)) throw ApiError.precondition("the tag " + t + " configured as immutable, cannot be deleted");
        }
    }

    /** The registry refuses to move an immutable tag onto another digest (observations §5). */
    void refusePush(SiteData.Repository repo, String digest, List<String> tags) {
        String repoName = repo.name.substring(repo.name.indexOf('/') + 1);
        for (String t : tags) {
            boolean elsewhere = site.artifactsOf(repo.id).stream()
                    .anyMatch(a -> !a.digest.equals(digest) && a.tags.stream().anyMatch(x -> x.name.equals(t)));
            if (elsewhere && isImmutable(repo, t)) {
                throw ApiError.precondition("Failed to process request due to '" + repoName + ":" + t + "' configured as immutable.");
            }
        }
    }

    /** {@code with_immutable_status=true}: each tag's {@code immutable} tells (observations §5). */
    void decorate(ObjectNode artifact, SiteData.Repository repo) {
        JsonNode tags = artifact.get("tags");
        if (tags == null || !tags.isArray()) return;
        for (JsonNode t : tags) decorateTag((ObjectNode) t, repo);
    }

    ObjectNode decorateTag(ObjectNode tag, SiteData.Repository repo) {
        tag.put("immutable", isImmutable(repo, tag.path("name").asText()));
        return tag;
    }
}
