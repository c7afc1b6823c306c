package io.harborsync.web;

import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;
import jakarta.inject.Inject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The effective configuration, for an operator asking "what is this daemon really running with":
 * every harbor-sync property and the datasource settings, each with the source it came from. Secret
 * values are masked here, at the only place configuration is dumped.
 */
@Path("/config")
@AdminOnly
@Tag(name = HarborSyncApi.ADMIN)
@SecurityRequirement(name = HarborSyncApi.ADMIN_TOKEN)
@APIResponse(responseCode = "401", ref = HarborSyncApi.ADMIN_UNAUTHORIZED_REF)
public class ConfigResource {
    static final String MASK = "****";
    /** Names whose value is a secret (site passwords, webhook secrets, the admin token, robot secrets). */
    private static final Pattern SECRET = Pattern.compile("(password|secret|token|credential|key)$");

    @Inject
    SmallRyeConfig config;

    @GET
    @Operation(summary = "The effective configuration",
            description = "Every harbor-sync property and the datasource settings, each with the source it came"
                    + " from. Passwords, secrets and tokens are shown as ****.")
    @APIResponse(responseCode = "200", description = "Property name to {value, source}")
    @APIResponse(responseCode = "400", ref = HarborSyncApi.UNKNOWN_QUERY_PARAMETER_REF)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Map<String, String>> dump() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            String dotted = dotted(name);
            if (dotted == null || out.containsKey(dotted)) {
                continue;
            }
            ConfigValue v = config.getConfigValue(dotted);
            if (v.getValue() == null) {
                continue;
            }
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("value", masked(dotted, v.getValue()));
            entry.put("source", v.getSourceName());
            out.put(dotted, entry);
        }
        return out;
    }

    /** The dotted name of a property we show, or null. Environment variables come as HARBOR_SYNC_X_Y. */
    private static String dotted(String name) {
        // Environment variables (HARBOR_SYNC_SITES_H1_URL) also show up in their dotted form, which the
        // configuration mapping resolves: the upper-case spelling is skipped, not shown twice.
        return name.startsWith("harbor-sync.") || DATASOURCE.matcher(name).matches() ? name : null;
    }

    private static final Pattern DATASOURCE =
            Pattern.compile("quarkus\\.datasource\\.(pg\\.)?(db-kind|active|jdbc\\.url|username|password)");
    /** A password given inside a JDBC URL (?password=... or ;PASSWORD=...). */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    static String masked(String name, String value) {
        String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (SECRET.matcher(last).find() && !value.isEmpty()) {
            return MASK;
        }
        return URL_PASSWORD.matcher(value).replaceAll("$1" + MASK);
    }
}
