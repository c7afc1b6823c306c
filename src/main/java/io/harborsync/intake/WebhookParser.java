package io.harborsync.intake;

import io.harborsync.model.EventType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.harborsync.model.Scope;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Harbor's webhook payloads (api-notes §2.3 Default, §2.4 CloudEvents structured) into the fields of an
 * inbox event. Pure: no I/O, no CDI.
 * <ul>
 * <li>The format follows the content type: {@code application/json} = Default (a body with a top-level
 * {@code specversion} is read as CloudEvents anyway), {@code application/cloudevents+json} = CloudEvents.</li>
 * <li>Types are Harbor's constants; CloudEvents types are mapped back ({@code harbor.artifact.pushed} →
 * PUSH_ARTIFACT ...).</li>
 * <li>Work: PUSH_ARTIFACT, DELETE_ARTIFACT (project = repository.namespace, repository = repository.name, the
 * first resource's digest and tag; tag null when Harbor sends the digest as tag, i.e. the artifact had none)
 * and REPLICATION with job_status Success (a hint that content arrived: project = the local side's namespace,
 * repository and tag from the first successful artifact where readable).</li>
 * <li>Ignored (acknowledged, not work): every other type, and REPLICATION task status changes other than
 * Success (Pending, Running, Error, Stopped).</li>
 * </ul>
 */
public final class WebhookParser {

    /** CloudEvents type → Harbor constant (api-notes §2.4). */
    static final Map<String, String> CLOUD_EVENT_TYPES = Map.ofEntries(
            Map.entry("harbor.artifact.deleted", EventType.DELETE_ARTIFACT.name()),
            Map.entry("harbor.artifact.pulled", "PULL_ARTIFACT"),
            Map.entry("harbor.artifact.pushed", EventType.PUSH_ARTIFACT.name()),
            Map.entry("harbor.quota.exceeded", "QUOTA_EXCEED"),
            Map.entry("harbor.quota.warned", "QUOTA_WARNING"),
            Map.entry("harbor.replication.status.changed", EventType.REPLICATION.name()),
            Map.entry("harbor.scan.failed", "SCANNING_FAILED"),
            Map.entry("harbor.scan.completed", "SCANNING_COMPLETED"),
            Map.entry("harbor.scan.stopped", "SCANNING_STOPPED"),
            Map.entry("harbor.tag_retention.finished", "TAG_RETENTION"));

    static final String JSON = "application/json";
    static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final Pattern NAME_TAG_SUFFIX = Pattern.compile("\\s*\\[\\d+ item\\(s\\) in total]\\s*$");
    // Column sizes of inbox_event: longer values are refused as malformed rather than failing in the database.
    private static final int MAX_TYPE = 64, MAX_NAME = 255, MAX_REPOSITORY = 1024;
    // Event times outside years 1970..9999 are not Harbor's and would not fit every database's timestamp.
    private static final long MAX_EPOCH_SECOND = 253402300799L; // 9999-12-31T23:59:59Z

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private WebhookParser() {
    }

    /** What a payload means for harbor-sync. */
    public sealed interface Result permits Work, Ignored {
        String type();
    }

    /** An event to store in the inbox. Any field but type may be null. */
    public record Work(String type, String project, String repository, String digest, String tag, String operator,
                       String requestId, Instant occurredAt) implements Result {
    }

    /** A well-formed event harbor-sync does not act on. */
    public record Ignored(String type, String why) implements Result {
    }

    public static Result parse(byte[] body, String contentType) throws WebhookParseException {
        String media = mediaType(contentType);
        if (!JSON.equals(media) && !CLOUDEVENTS_JSON.equals(media)) {
            throw new WebhookParseException("Content-Type must be " + JSON + " (Harbor's Default payload) or "
                    + CLOUDEVENTS_JSON + " (CloudEvents), got " + (contentType == null ? "none" : "'" + clip(contentType) + "'"));
        }
        if (body == null || body.length == 0) {
            throw new WebhookParseException("the body is empty; expected a Harbor webhook payload (a JSON object)");
        }
        String text;
        try {
            // Strict: Jackson alone lets overlong forms, surrogates and code points above U+10FFFF through.
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new WebhookParseException("the body is not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark, as Jackson skips it when reading bytes
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new WebhookParseException("the body is not valid JSON" + where);
        } catch (IOException e) {
            throw new WebhookParseException("the body cannot be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw new WebhookParseException("the body must be a JSON object (a Harbor webhook payload)");
        }
        boolean cloudEvent = CLOUDEVENTS_JSON.equals(media) || root.has("specversion");
        return cloudEvent ? cloudEvent(root) : defaultFormat(root);
    }

    private static Result defaultFormat(JsonNode root) throws WebhookParseException {
        Errors errors = new Errors();
        String type = errors.requiredString(root, "type", "Harbor's event type, e.g. PUSH_ARTIFACT");
        Instant occurredAt = null;
        JsonNode occur = root.get("occur_at");
        if (occur == null || occur.isNull()) {
            errors.add("occur_at is missing (unix seconds)");
        } else if (!occur.isIntegralNumber() || !occur.canConvertToLong()) {
            errors.add("occur_at must be a whole number (unix seconds), got " + kind(occur));
        } else if (occur.longValue() < 0 || occur.longValue() > MAX_EPOCH_SECOND) {
            errors.add("occur_at is out of range (unix seconds from 0 to " + MAX_EPOCH_SECOND + "), got "
                    + occur.longValue());
        } else {
            occurredAt = Instant.ofEpochSecond(occur.longValue());
        }
        String operator = errors.optionalString(root, "operator");
        JsonNode data = errors.optionalObject(root, "event_data");
        errors.throwIfAny();
        return event(type, data, "event_data", operator, null, occurredAt);
    }

    private static Result cloudEvent(JsonNode root) throws WebhookParseException {
        Errors errors = new Errors();
        JsonNode spec = root.get("specversion");
        if (spec == null || !spec.isTextual() || !"1.0".equals(spec.asText())) {
            errors.add("specversion must be \"1.0\" (CloudEvents 1.0)");
        }
        String ceType = errors.requiredString(root, "type", "the CloudEvents type, e.g. harbor.artifact.pushed");
        Instant time = null;
        JsonNode t = root.get("time");
        if (t == null || t.isNull()) {
            errors.add("time is missing (an RFC 3339 timestamp)");
        } else if (!t.isTextual()) {
            errors.add("time must be an RFC 3339 timestamp string, got " + kind(t));
        } else {
            try {
                time = OffsetDateTime.parse(t.asText()).toInstant();
                if (time.getEpochSecond() < 0 || time.getEpochSecond() > MAX_EPOCH_SECOND) {
                    errors.add("time is out of range (1970 to 9999), got '" + clip(t.asText()) + "'");
                    time = null;
                }
            } catch (DateTimeParseException e) {
                errors.add("time must be an RFC 3339 timestamp, got '" + clip(t.asText()) + "'");
            }
        }
        String operator = errors.optionalString(root, "operator");
        String requestId = errors.optionalString(root, "requestid");
        JsonNode data = errors.optionalObject(root, "data");
        errors.throwIfAny();
        String type = ceType == null ? null : CLOUD_EVENT_TYPES.getOrDefault(ceType, ceType);
        return event(type, data, "data", operator, emptyToNull(requestId), time);
    }

    private static Result event(String type, JsonNode data, String dataName, String operator, String requestId,
                                Instant occurredAt) throws WebhookParseException {
        Errors errors = new Errors();
        errors.maxLength("type", type, MAX_TYPE);
        errors.maxLength("operator", operator, MAX_NAME);
        errors.maxLength("requestid", requestId, MAX_NAME);
        errors.throwIfAny();
        EventType t = EventType.of(type).filter(x -> x != EventType.AUDIT_LOG).orElse(null);
        if (t == EventType.PUSH_ARTIFACT || t == EventType.DELETE_ARTIFACT) {
            return artifact(type, data, dataName, operator, requestId, occurredAt);
        }
        if (t == EventType.REPLICATION) {
            return replication(data, dataName, operator, requestId, occurredAt);
        }
        return new Ignored(type, "harbor-sync does not act on " + type + " events");
    }

    private static Result artifact(String type, JsonNode data, String dataName, String operator, String requestId,
                                   Instant occurredAt) throws WebhookParseException {
        Errors errors = new Errors();
        if (data == null) {
            throw new WebhookParseException(dataName + " is missing (an artifact event names its repository and artifact)");
        }
        JsonNode repo = data.get("repository");
        String project = null, repository = null;
        if (repo == null || repo.isNull()) {
            errors.add(dataName + ".repository is missing (an artifact event names its repository)");
        } else if (!repo.isObject()) {
            errors.add(dataName + ".repository must be an object, got " + kind(repo));
        } else {
            project = errors.requiredString(repo, dataName + ".repository", "namespace", "the project name");
            repository = errors.optionalString(repo, dataName + ".repository", "name");
            String full = errors.optionalString(repo, dataName + ".repository", "repo_full_name");
            if ((repository == null || repository.isEmpty()) && full != null && project != null
                    && full.startsWith(project + "/")) {
                repository = full.substring(project.length() + 1);
            }
            if (project != null && (repository == null || repository.isEmpty())) {
                errors.add(dataName + ".repository.name is missing (the repository without its project)");
            }
        }
        JsonNode resources = data.get("resources");
        String digest = null, tag = null;
        if (resources == null || resources.isNull()) {
            errors.add(dataName + ".resources is missing (an artifact event carries one resource)");
        } else if (!resources.isArray()) {
            errors.add(dataName + ".resources must be an array, got " + kind(resources));
        } else if (resources.isEmpty()) {
            errors.add(dataName + ".resources is empty (an artifact event carries one resource)");
        } else if (!resources.get(0).isObject()) {
            errors.add(dataName + ".resources[0] must be an object, got " + kind(resources.get(0)));
        } else {
            JsonNode r = resources.get(0);
            digest = errors.requiredString(r, dataName + ".resources[0]", "digest", "the artifact digest");
            if (digest != null && !DIGEST.matcher(digest).matches()) {
                errors.add(dataName + ".resources[0].digest is not a digest (algorithm:hex), got '" + clip(digest) + "'");
            }
            tag = emptyToNull(errors.optionalString(r, dataName + ".resources[0]", "tag"));
            if (tag != null && tag.equals(digest)) {
                tag = null; // Harbor sends the digest as tag when the artifact has no tag
            }
        }
        errors.projectName(dataName + ".repository.namespace", project);
        errors.maxLength(dataName + ".repository.name", repository, MAX_REPOSITORY);
        errors.maxLength(dataName + ".resources[0].digest", digest, MAX_NAME);
        errors.maxLength(dataName + ".resources[0].tag", tag, MAX_NAME);
        errors.throwIfAny();
        return new Work(type, project, repository, digest, tag, operator, requestId, occurredAt);
    }

    private static Result replication(JsonNode data, String dataName, String operator, String requestId,
                                      Instant occurredAt) throws WebhookParseException {
        Errors errors = new Errors();
        JsonNode rep = data == null ? null : data.get("replication");
        if (rep == null || rep.isNull()) {
            throw new WebhookParseException(dataName + ".replication is missing (a EventType.REPLICATION.name() event describes its task)");
        }
        if (!rep.isObject()) {
            throw new WebhookParseException(dataName + ".replication must be an object, got " + kind(rep));
        }
        String p = dataName + ".replication";
        String status = errors.requiredString(rep, p, "job_status", "Pending, Running, Success, Error or Stopped");
        JsonNode src = errors.optionalObject(rep, p, "src_resource");
        JsonNode dest = errors.optionalObject(rep, p, "dest_resource");
        errors.throwIfAny();
        if (!"Success".equals(status)) {
            return new Ignored(EventType.REPLICATION.name(), "replication task " + clip(status) + ": only Success means content arrived");
        }
        // The event goes to the project named by the local side's namespace; the remote side names its registry.
        JsonNode local = src != null && !src.hasNonNull("registry_name") ? src
                : dest != null && !dest.hasNonNull("registry_name") ? dest : src;
        String namespace = local == null ? null : errors.optionalString(local, p, "namespace");
        if (namespace != null && namespace.isBlank()) {
            // A successful replication always names its project; an empty one is a broken payload, not a hint.
            errors.add(p + ".namespace is empty (the project the content was replicated into)");
        }
        String project = emptyToNull(namespace);
        String repository = null, digest = null, tag = null;
        JsonNode ok = rep.get("successful_artifact");
        if (ok != null && ok.isArray() && !ok.isEmpty() && ok.get(0).isObject()) {
            JsonNode first = ok.get(0);
            JsonNode nameTag = first.get("name_tag");
            if (nameTag != null && nameTag.isTextual()) {
                repository = emptyToNull(NAME_TAG_SUFFIX.matcher(nameTag.asText()).replaceFirst("").strip());
            }
            JsonNode refs = first.get("references");
            if (refs != null && refs.isArray() && !refs.isEmpty() && refs.get(0).isTextual()) {
                String ref = refs.get(0).asText();
                if (DIGEST.matcher(ref).matches()) {
                    digest = ref;
                } else {
                    tag = emptyToNull(ref);
                }
            }
        }
        errors.projectName(p + ".namespace", project);
        errors.maxLength(p + ".successful_artifact[0].name_tag", repository, MAX_REPOSITORY);
        errors.maxLength(p + ".successful_artifact[0].references[0]", tag == null ? digest : tag, MAX_NAME);
        errors.throwIfAny();
        return new Work(EventType.REPLICATION.name(), project, repository, digest, tag, operator, requestId, occurredAt);
    }

    /** The media type of a Content-Type header, lower-case, without parameters; null if none. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** Echoed input, short and printable. */
    static String clip(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    /** Collects every problem of one object, so that one 400 names all of them. */
    private static final class Errors {
        private final List<String> list = new ArrayList<>();

        void add(String e) {
            list.add(e);
        }

        String requiredString(JsonNode obj, String field, String what) {
            return requiredString(obj, null, field, what);
        }

        String requiredString(JsonNode obj, String path, String field, String what) {
            String name = path == null ? field : path + "." + field;
            JsonNode n = obj.get(field);
            if (n == null || n.isNull()) {
                add(name + " is missing (" + what + ")");
                return null;
            }
            if (!n.isTextual()) {
                add(name + " must be a string (" + what + "), got " + kind(n));
                return null;
            }
            if (n.asText().isBlank()) {
                add(name + " is empty (" + what + ")");
                return null;
            }
            return n.asText();
        }

        String optionalString(JsonNode obj, String field) {
            return optionalString(obj, null, field);
        }

        String optionalString(JsonNode obj, String path, String field) {
            JsonNode n = obj.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                add((path == null ? field : path + "." + field) + " must be a string, got " + kind(n));
                return null;
            }
            return n.asText();
        }

        JsonNode optionalObject(JsonNode obj, String field) {
            return optionalObject(obj, null, field);
        }

        JsonNode optionalObject(JsonNode obj, String path, String field) {
            JsonNode n = obj.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                add((path == null ? field : path + "." + field) + " must be an object, got " + kind(n));
                return null;
            }
            return n;
        }

        /** An event names a project only to say where to look: a name Harbor cannot have is not Harbor's event. */
        void projectName(String name, String value) {
            if (value != null && !Scope.isProjectName(value)) {
                add(name + " is not a Harbor project name, got '" + clip(value) + "'");
            }
        }

        void maxLength(String name, String value, int max) {
            if (value != null && value.length() > max) {
                add(name + " is longer than " + max + " characters");
            }
        }

        void throwIfAny() throws WebhookParseException {
            if (!list.isEmpty()) {
                throw new WebhookParseException(String.join("; ", list));
            }
        }
    }
}
