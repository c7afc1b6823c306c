package io.harborsync.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A main class run as its own JVM with the tests' class path, to see what an operator sees: the exit code and
 * exactly what it printed, and that it ended by itself (nothing left running keeps the JVM alive).
 */
public final class JavaProcess {
    private JavaProcess() {
    }

    /** exit code, stdout, stderr of a finished process. */
    public record Result(int exit, String out, String err) {
    }

    /**
     * Runs {@code mainClass} with {@code -Dk=v} for each property, the environment plus {@code env}, and
     * {@code args}; fails when it has not ended within {@code timeoutSeconds} (it is then killed).
     */
    public static Result run(String mainClass, Map<String, String> properties, Map<String, String> env,
                             long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("java-process", ".out");
        Path err = Files.createTempFile("java-process", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " " + String.join(" ", args) + " still ran after " + timeoutSeconds
                        + " s; stderr: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
