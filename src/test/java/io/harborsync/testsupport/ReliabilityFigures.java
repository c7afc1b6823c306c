package io.harborsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the reliability tests measured, one JSON file per figure under {@code target/reliability/}, and the
 * page generated from them ({@link ReliabilityReport}). Each test that records a figure regenerates the page
 * right away, so whichever test of a run finishes last leaves the complete page, in any order the tests run;
 * a figure no test of the run has recorded yet is shown as not measured, never as an old number.
 *
 * <p>The page goes to {@code target/reliability/reliability.md}, or to the file named by
 * {@code -Dreliability.report=PATH} ({@code docs/reliability.md} to refresh the published one).
 */
public final class ReliabilityFigures {
    public static final Path DIR = Path.of("target", "reliability");
    public static final String REPORT_PROPERTY = "reliability.report";

    private ReliabilityFigures() {
    }

    /**
     * Records one figure: the test's measured values plus when, by which test and on which machine (read now,
     * from /proc and the JVM), then regenerates the page.
     */
    public static synchronized void record(String figure, String test, Map<String, ?> values) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("figure", figure);
        doc.put("test", test);
        doc.put("measuredAt", Instant.now().toString());
        doc.put("machine", Machine.now().asMap());
        doc.put("values", values);
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(figure + ".json"),
                    PlainHarborHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            Path out = Path.of(System.getProperty(REPORT_PROPERTY, DIR.resolve("reliability.md").toString()));
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, ReliabilityReport.render(ReliabilityFigures::read));
            System.out.println("[reliability] " + figure + " " + values + " -> " + out.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded figure of this run's target/, if any test recorded it. */
    static Optional<JsonNode> read(String figure) {
        Path f = DIR.resolve(figure + ".json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = PlainHarborHttp.JSON.readTree(f.toFile());
            return n instanceof ObjectNode ? Optional.of(n) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable counts as not measured
        }
    }

    /** The machine a figure was measured on, read when it is recorded. */
    public record Machine(int cores, String cpu, String memory, String java, String os, String loadAverage) {
        public static Machine now() {
            return new Machine(Runtime.getRuntime().availableProcessors(), grep("/proc/cpuinfo", "model name"),
                    grep("/proc/meminfo", "MemTotal"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"), currentLoadAverage());
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cores", cores);
            m.put("cpu", cpu);
            m.put("memory", memory);
            m.put("java", java);
            m.put("os", os);
            m.put("loadAverage", loadAverage);
            return m;
        }

        public static String currentLoadAverage() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
                return f[0] + " " + f[1] + " " + f[2];
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }

        private static String grep(String file, String key) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    if (line.startsWith(key)) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return "unknown";
        }
    }
}
