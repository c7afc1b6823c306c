package io.harborsync.config;

import io.harborsync.sites.Sites;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import org.eclipse.microprofile.config.Config;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Checks every configured value's form before the application starts: a number that is not one, a duration like
 * {@code soon}, a boolean like {@code maybe} (which SmallRye Config would quietly read as false), a conflict policy
 * or a schedule that cannot be parsed, a URL that is none. Each problem is one line naming the property and saying
 * what it must be; the value itself is not repeated (it may be a secret). What needs the sites (an active site that
 * is not one of them, say) is checked where the sites are known ({@code Sites}, {@code SyncService.settings}).
 *
 * <p>The typed properties are found in the {@link ConfigMapping} interfaces themselves, so a new property is
 * covered without being listed here; only String properties with a form of their own are listed in {@link #FORMS}.
 */
public final class ConfigCheck {

    /**
     * String (or Quarkus) properties whose text has a form, and typed ones with a bound their type does not say (a
     * schedule's shortest period): the check returns what is wrong, or null.
     */
    static final Map<String, Function<String, String>> FORMS = Map.ofEntries(
            Map.entry("harbor-sync.reconcile.interval", ConfigCheck::scheduled),
            Map.entry("harbor-sync.reconcile.part-projects", ConfigCheck::atLeastOne),
            Map.entry("harbor-sync.audit.interval", ConfigCheck::schedule),
            Map.entry("harbor-sync.inbox.retry-interval", ConfigCheck::scheduled),
            Map.entry("harbor-sync.ha.inbox-poll", ConfigCheck::scheduled),
            Map.entry("harbor-sync.proxy.failover.interval", ConfigCheck::scheduledDuration),
            Map.entry("harbor-sync.ha.election", v -> java.util.Set.of("auto", "kubernetes", "postgres", "none")
                    .contains(v.trim().toLowerCase(java.util.Locale.ROOT)) ? null
                    : "must be one of auto, kubernetes, postgres, none"),
            Map.entry("harbor-sync.conflict-policy", ConfigCheck::conflictPolicy),
            Map.entry("harbor-sync.webhook.url", ConfigCheck::url),
            Map.entry("quarkus.http.port", v -> leaf(int.class, v)),
            Map.entry("quarkus.http.host-enabled", v -> leaf(boolean.class, v)),
            Map.entry("quarkus.datasource.pg.active", v -> leaf(boolean.class, v)),
            Map.entry("quarkus.log.console.json.enabled", v -> leaf(boolean.class, v)));

    /** Map entries (e.g. harbor-sync.bootstrap.replication-url.h1) with a form. */
    static final Map<String, Function<String, String>> MAP_FORMS = Map.of(
            "harbor-sync.bootstrap.replication-url", ConfigCheck::url,
            "harbor-sync.sites.*.url", ConfigCheck::url,
            "harbor-sync.sites.*.auth", v -> Site.Auth.parse(v) == null ? SiteResolver.AUTH_FORM : null);

    private ConfigCheck() {
    }

    /** The first problem as "property must be ..." (properties in name order), or empty when every value is fine. */
    public static Optional<String> problem(Config config, List<Class<?>> mappings) {
        List<String> problems = problems(config, mappings);
        return problems.isEmpty() ? Optional.empty() : Optional.of(problems.get(0));
    }

    /**
     * Every problem, one line each, in property name order.
     *
     * @param mappings every configuration mapping of the application ({@code HarborSyncMain.CONFIG_MAPPINGS})
     */
    public static List<String> problems(Config config, List<Class<?>> mappings) {
        java.util.SortedMap<String, String> found = new java.util.TreeMap<>();
        TreeSet<String> names = new TreeSet<>();
        config.getPropertyNames().forEach(names::add);
        for (Class<?> mapping : mappings) {
            walk(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), config, names, found);
        }
        FORMS.forEach((name, form) -> check(config, name, form, found));
        for (String name : names) {
            MAP_FORMS.forEach((pattern, form) -> {
                if (matches(pattern, name)) {
                    check(config, name, form, found);
                }
            });
        }
        return new ArrayList<>(found.values());
    }

    private static boolean matches(String pattern, String name) {
        if (pattern.contains("*")) {
            String[] p = pattern.split("\\*", 2);
            return name.startsWith(p[0]) && name.endsWith(p[1]) && name.length() > pattern.length() - 1
                    && !name.substring(p[0].length(), name.length() - p[1].length()).contains(".");
        }
        return name.startsWith(pattern + ".") && name.indexOf('.', pattern.length() + 1) < 0;
    }

    private static void walk(Class<?> group, String prefix, Config config, TreeSet<String> names,
                             Map<String, String> found) {
        for (Method m : group.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = prefix + "." + propertyName(m);
            Type type = m.getGenericReturnType();
            if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
                Type value = p.getActualTypeArguments()[1];
                for (String key : mapKeys(name, names)) {
                    if (value instanceof Class<?> c && isGroup(c)) {
                        walk(c, name + "." + key, config, names, found);
                    } else {
                        check(config, name + "." + key, v -> leaf(value, v), found);
                    }
                }
            } else if (type instanceof Class<?> c && isGroup(c)) {
                walk(c, name, config, names, found);
            } else {
                check(config, name, v -> leaf(type, v), found);
            }
        }
    }

    private static boolean isGroup(Class<?> c) {
        return c.isInterface() && c.getName().startsWith("io.harborsync.");
    }

    /** The keys of a map property: the next name segment after its prefix (dotted names only). */
    private static TreeSet<String> mapKeys(String prefix, TreeSet<String> names) {
        TreeSet<String> keys = new TreeSet<>();
        for (String n : names.tailSet(prefix + ".")) {
            if (!n.startsWith(prefix + ".")) {
                break;
            }
            String rest = n.substring(prefix.length() + 1);
            int dot = rest.indexOf('.');
            keys.add(dot < 0 ? rest : rest.substring(0, dot));
        }
        return keys;
    }

    /** SmallRye's naming: @WithName, else the method name in kebab case (clusterName is cluster-name). */
    static String propertyName(Method m) {
        WithName n = m.getAnnotation(WithName.class);
        if (n != null) {
            return n.value();
        }
        return m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static void check(Config config, String name, Function<String, String> form, Map<String, String> found) {
        var raw = config.getConfigValue(name);
        if (raw.getRawValue() == null || raw.getRawValue().isBlank()) {
            return; // not set (or empty): the default applies
        }
        String value;
        try {
            // as text: the expression ${...} expanded (a reference to nothing throws), no conversion yet
            value = config.getValue(name, String.class);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            found.put(name, name + " refers to a property that is not set (${...})");
            return;
        }
        String wrong = form.apply(value.strip());
        if (wrong != null) {
            found.put(name, name + " " + wrong);
        }
    }

    /** What is wrong with {@code value} for a property of {@code type}, or null. */
    static String leaf(Type type, String value) {
        if (type instanceof ParameterizedType p) {
            Type raw = p.getRawType();
            Type arg = p.getActualTypeArguments()[0];
            if (raw == Optional.class) {
                return value.isEmpty() ? null : leaf(arg, value);
            }
            if (raw == List.class || raw == java.util.Set.class) {
                for (String item : value.split("(?<!\\\\),")) {
                    String wrong = leaf(arg, item.strip());
                    if (wrong != null) {
                        return "(a comma-separated list): every item " + wrong;
                    }
                }
            }
            return null;
        }
        if (!(type instanceof Class<?> c)) {
            return null;
        }
        try {
            if (c == int.class || c == Integer.class) {
                Integer.parseInt(value);
            } else if (c == long.class || c == Long.class) {
                Long.parseLong(value);
            } else if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
                Double.parseDouble(value);
            } else if (c == boolean.class || c == Boolean.class) {
                return List.of("true", "false", "yes", "no", "on", "off", "1", "0").contains(value.toLowerCase(Locale.ROOT))
                        ? null : "must be true or false";
            } else if (c == Duration.class) {
                return duration(value);
            } else if (c.isEnum()) {
                for (Object e : c.getEnumConstants()) {
                    if (e.toString().replace('_', '-').equalsIgnoreCase(value.replace('_', '-'))) {
                        return null;
                    }
                }
                StringBuilder all = new StringBuilder();
                for (Object e : c.getEnumConstants()) {
                    all.append(all.isEmpty() ? "" : ", ").append(e.toString().toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                return "must be one of " + all;
            }
        } catch (NumberFormatException e) {
            return c == int.class || c == Integer.class || c == long.class || c == Long.class
                    ? "must be a whole number" : "must be a number";
        }
        return null;
    }

    static String atLeastOne(String value) {
        try {
            return Integer.parseInt(value.trim()) >= 1 ? null : "must be a whole number of at least 1";
        } catch (NumberFormatException e) {
            return "must be a whole number of at least 1";
        }
    }

    private static final String NOT_A_DURATION = "must be a duration such as 500ms, 30s, 5m, 1h or 2d";

    static String duration(String value) {
        return parsed(value).isPresent() ? null : NOT_A_DURATION;
    }

    private static Optional<Duration> parsed(String value) {
        try {
            return Optional.of(DurationConverter.parseDuration(value));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A schedule with a timer of its own (the audit-log tail): off, or how often as a positive duration. */
    static String schedule(String value) {
        return isOff(value) || parsed(value).filter(d -> d.compareTo(Duration.ZERO) > 0).isPresent() ? null
                : "must be off or a duration such as 30s, 5m or 1h";
    }

    /**
     * A schedule that Quarkus' {@code @Scheduled} runs: off, or a duration of at least a second. Its scheduler looks
     * at its triggers once a second (SimpleScheduler's fixed check period), so {@code 500ms} would quietly run once
     * a second: refused rather than taken as something else.
     */
    static String scheduled(String value) {
        return isOff(value) ? null
                : atLeastASecond(value, "must be off or a duration such as 30s, 5m or 1h", "must be off or a duration");
    }

    /** {@link #scheduled} for a Duration property, which cannot be off. */
    static String scheduledDuration(String value) {
        return atLeastASecond(value, NOT_A_DURATION, "must be a duration");
    }

    private static String atLeastASecond(String value, String badForm, String mustBe) {
        Optional<Duration> d = parsed(value);
        if (d.isEmpty()) {
            return badForm;
        }
        return d.get().compareTo(Duration.ofSeconds(1)) >= 0 ? null
                : mustBe + " of at least 1s (the scheduler runs a task at most once a second)";
    }

    /** A schedule's period (checked by {@link #schedule} at start): empty when it is off. */
    public static java.util.Optional<java.time.Duration> period(String schedule) {
        String v = schedule.trim();
        return isOff(v) ? java.util.Optional.empty() : java.util.Optional.of(DurationConverter.parseDuration(v));
    }

    private static boolean isOff(String schedule) {
        return schedule.equalsIgnoreCase("off") || schedule.equalsIgnoreCase("disabled");
    }

    static String conflictPolicy(String value) {
        return value.equals("active-site") || value.equals("newest") || value.equals("report-only")
                || value.matches("site:\\S+") ? null : "must be active-site, newest, site:<name> or report-only";
    }

    static String url(String value) {
        try {
            URI uri = new URI(value);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null) {
                return null;
            }
        } catch (URISyntaxException e) {
            // below
        }
        return "must be an http:// or https:// URL with a host";
    }
}
