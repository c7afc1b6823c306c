package io.harborsync.config;

import io.harborsync.testsupport.MainClasses;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/operations.md's configuration reference is the one place every harbor-sync property is documented: this
 * test enumerates the properties of every {@code @ConfigMapping} interface of the application (names kebab-cased
 * or {@code @WithName}, nested groups followed, {@code <name>} for map keys) and fails when one has no row, when a
 * row's default differs from {@code @WithDefault}, or when the document names a property that no longer exists.
 */
class ConfigReferenceTest {
    static final Path DOC = Path.of("docs", "operations.md");
    /** A reference row: | `harbor-sync.x.y` | default | meaning | */
    static final Pattern ROW = Pattern.compile("(?m)^\\|\\s*`(harbor-sync\\.[^`]+)`\\s*\\|([^|]*)\\|");
    /** Any harbor-sync name in backticks anywhere in the document. */
    static final Pattern MENTION = Pattern.compile("`(harbor-sync\\.[a-z0-9<>.*-]+)[=` ]");

    /** Property name to its @WithDefault (empty when it has none). */
    static Map<String, Optional<String>> properties() {
        Map<String, Optional<String>> out = new TreeMap<>();
        List<Class<?>> mappings = MainClasses.in("io.harborsync").stream()
                .filter(c -> c.isAnnotationPresent(ConfigMapping.class)).toList();
        assertThat(mappings).as("the mappings are found").extracting(Class::getSimpleName)
                .contains("HarborSyncConfig", "ProxyConfig", "LabConfig", "BootstrapConfig");
        for (Class<?> c : mappings) {
            collect(c.getAnnotation(ConfigMapping.class).prefix(), c, out);
        }
        return out;
    }

    private static void collect(String prefix, Class<?> group, Map<String, Optional<String>> out) {
        List<Method> methods = new ArrayList<>(List.of(group.getMethods()));
        methods.sort(Comparator.comparing(Method::getName));
        for (Method m : methods) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            WithName n = m.getAnnotation(WithName.class);
            String name = prefix + "." + (n != null ? n.value() : kebab(m.getName()));
            Type type = m.getGenericReturnType();
            if (raw(type) == Optional.class) {
                type = arg(type, 0);
            }
            if (raw(type) == Map.class) {
                name = name + ".<name>";
                type = arg(type, 1);
            }
            if (isGroup(raw(type))) {
                collect(name, raw(type), out);
            } else {
                WithDefault d = m.getAnnotation(WithDefault.class);
                out.put(name, Optional.ofNullable(d).map(WithDefault::value));
            }
        }
    }

    /** A nested configuration group: one of our interfaces (not a JDK type such as List). */
    private static boolean isGroup(Class<?> c) {
        return c.isInterface() && c.getName().startsWith("io.harborsync.");
    }

    private static Class<?> raw(Type t) {
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
    }

    private static Type arg(Type t, int i) {
        return ((ParameterizedType) t).getActualTypeArguments()[i];
    }

    /** SmallRye Config's default naming: clusterName -> cluster-name, h1Port -> h1-port. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    static Map<String, String> rows() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(DOC));
        while (m.find()) {
            assertThat(rows.put(m.group(1), m.group(2).strip())).as("one row for %s", m.group(1)).isNull();
        }
        return rows;
    }

    @Test
    void kebabCasingFollowsSmallRye() {
        assertThat(kebab("clusterName")).isEqualTo("cluster-name");
        assertThat(kebab("h1Port")).isEqualTo("h1-port");
        assertThat(kebab("url")).isEqualTo("url");
    }

    @Test
    void everyPropertyHasARowWithItsDefault() throws IOException {
        Map<String, Optional<String>> properties = properties();
        assertThat(properties).containsKeys("harbor-sync.sites.<name>.url", "harbor-sync.http.breaker.open-for",
                "harbor-sync.proxy.namespaces.<name>", "harbor-sync.lab.cluster-name",
                "harbor-sync.bootstrap.replication-url.<name>");
        Map<String, String> rows = rows();
        List<String> missing = properties.keySet().stream().filter(p -> !rows.containsKey(p)).toList();
        assertThat(missing).as("properties without a row in " + DOC).isEmpty();
        properties.forEach((p, d) -> d.ifPresent(value -> assertThat(rows.get(p))
                .as("the default of %s in %s", p, DOC).contains("`" + value + "`")));
    }

    @Test
    void theDocumentNamesNoPropertyThatDoesNotExist() throws IOException {
        Map<String, Optional<String>> properties = properties();
        assertThat(rows().keySet()).as("rows for properties that do not exist").allMatch(properties::containsKey);
        // any mention elsewhere in the text: a property, or a prefix of some (harbor-sync.proxy.failover.*)
        Matcher m = MENTION.matcher(Files.readString(DOC));
        List<String> unknown = new ArrayList<>();
        while (m.find()) {
            String mention = m.group(1).replaceAll("\\.\\*$", "").replaceAll("\\.$", "");
            String generic = mention.replaceAll("\\.(sites|namespaces|replication-url)\\.[a-z0-9-]+(?=\\.|$)", ".$1.<name>");
            boolean known = properties.keySet().stream().anyMatch(p -> p.equals(generic) || p.startsWith(generic + "."));
            if (!known) {
                unknown.add(m.group(1));
            }
        }
        assertThat(unknown).as("harbor-sync names in " + DOC + " that are no property").isEmpty();
    }
}
