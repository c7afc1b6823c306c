package io.harborsync.testsupport;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import io.swagger.v3.oas.models.PathItem;

import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.allOf;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.anyOf;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.messageContainsRegexp;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.isResponse;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.messageContainsSubstring;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.messageHasKey;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.methodIs;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.pathContainsSubstring;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Harbor v2.15.2 contract (Harbor's api/v2.0/swagger.yaml, Swagger 2.0, obtained by the build) loaded once per JVM: parsing 10k lines
 * of YAML takes seconds. Request validation stays strict; the response rules relaxed below are the places where
 * real Harbor itself does not follow its spec (the rules below say where).
 */
public final class HarborSpec {
    public static final String BASE_PATH = "/api/v2.0";
    private static volatile OpenApiInteractionValidator validator;

    private HarborSpec() {
    }

    /**
     * The spec file the build verified (system property harbor.swagger, set by surefire and failsafe), or where the
     * build puts its download when a test runs without that property.
     */
    public static Path location() {
        String prop = System.getProperty("harbor.swagger");
        Path p = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("target", "harbor", "swagger.yaml");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("Harbor's swagger.yaml not found at " + p.toAbsolutePath()
                    + ": `./mvnw validate` downloads and verifies it (see the pom's harbor.swagger.url), or set -Dharbor.swagger=PATH");
        }
        return p.toAbsolutePath();
    }

    public static OpenApiInteractionValidator validator() {
        OpenApiInteractionValidator v = validator;
        if (v == null) {
            synchronized (HarborSpec.class) {
                v = validator;
                if (v == null) {
                    v = OpenApiInteractionValidator.createForSpecificationUrl(location().toUri().toString())
                            .withLevelResolver(levels())
                            .withWhitelist(whitelist())
                            .build();
                    validator = v;
                }
            }
        }
        return v;
    }

    private static LevelResolver levels() {
        return LevelResolver.create()
                // Harbor's handlers return codes the spec does not list (GET /projects/{p} has no 404, DELETE artifact
                // no 412, go-swagger's 422 for bad types and page_size > 100 is listed almost nowhere). The emulator
                // returns what Harbor returns, so an undeclared status is not a violation. The body of such an answer
                // is still Harbor's Errors object; this only switches off "status not in spec".
                .withLevel("validation.response.status.unknown", ValidationReport.Level.IGNORE)
                .build();
    }

    /** Narrow, response-only exceptions where the spec cannot be met by any server, Harbor included. */
    private static ValidationErrorsWhitelist whitelist() {
        return ValidationErrorsWhitelist.create()
                // HEAD /projects declares an Errors schema for 404, but a HEAD answer has no body by HTTP's rules.
                .withRule("HEAD answers carry no body", allOf(isResponse(), methodIs(PathItem.HttpMethod.HEAD),
                        messageHasKey("validation.response.body.missing")))
                // QuotaRefObject is `type: object, additionalProperties: {}`; the validator turns the empty
                // additionalProperties schema into "must be an object", so Harbor's real ref {id, name, owner_name}
                // (integer and strings) would fail. Only the values under `ref` are exempted.
                .withRule("QuotaRefObject values are free-form", allOf(isResponse(), pathContainsSubstring("/quotas"),
                        messageHasKey("validation.response.body.schema.type"), messageContainsSubstring("/ref/")))
                // Real Harbor v2.15.2 writes Go's nil slices as JSON null where the spec says array (observations §1
                // "field shapes"; steps art.*, dsync.get, auth.none.getpublic, proj.list.nodetail): an artifact's
                // accessories, labels, references and tags, a project's current_user_role_ids for a caller who is no
                // member (robots, anonymous), and the allowlist items of a project listed without detail. The
                // emulator answers the same; only a null in exactly those fields is exempted.
                .withRule("Go nil slices are null", allOf(isResponse(), messageHasKey("validation.response.body.schema.type"),
                        messageContainsRegexp("/(accessories|labels|references|tags|current_user_role_ids|cve_allowlist/items)'.*\\(null\\)")))
                // An artifact's extra_attrs is `type: object, additionalProperties: {}` like QuotaRefObject, and real
                // Harbor's values are strings and objects (architecture, author, config, created, os; step art.get.tag).
                .withRule("extra_attrs values are free-form", allOf(isResponse(), pathContainsSubstring("/artifacts"),
                        messageHasKey("validation.response.body.schema.type"), messageContainsSubstring("/extra_attrs/")))
                // GET /ping is declared text/plain; real Harbor answers application/json with the JSON string "Pong".
                .withRule("ping answers JSON", allOf(isResponse(), pathContainsSubstring("/ping"),
                        messageHasKey("validation.response.contentType.notAllowed")))
                // ReplicationFilter.value has no `type` in the spec (a string for name/tag/resource filters, a list for
                // label filters), which means "any" in Swagger 2.0, but the converted schema demands an object. This is
                // the one request-side exemption: it is a converter artefact, not a Harbor rule, and it is limited to
                // the `value` of filters on the replication policy endpoints.
                .withRule("ReplicationFilter.value is untyped", allOf(pathContainsSubstring("/replication/policies"),
                        anyOf(messageHasKey("validation.request.body.schema.type"), messageHasKey("validation.response.body.schema.type")),
                        messageContainsRegexp("/filters/\\d+/value'")))
                // Tag retention policies as real Harbor takes and returns them (observations §6, the body its own portal
                // sends): a rule's params map a template to a number ({"latestPushedK":1}) where the spec wants objects,
                // and trigger.settings holds cron (and next_scheduled_time) where the spec allows no property. Requests
                // and answers of /retentions only, those two places only.
                .withRule("retention params and trigger settings", allOf(pathContainsSubstring("/retentions"),
                        anyOf(allOf(anyOf(messageHasKey("validation.request.body.schema.type"),
                                                messageHasKey("validation.response.body.schema.type")),
                                        messageContainsRegexp("/rules/\\d+/params/")),
                                messageContainsSubstring("/trigger/settings'"))));
    }
}
