package io.harborsync.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kind command line tool, run as a process. Found at {@code harbor-sync.lab.kind} or on PATH, looked
 * up on first use so that steps that don't need kind (tls) work without it.
 */
public class KindCli {
    static final String INSTALL_HINT = "install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)"
            + " or set harbor-sync.lab.kind to its path";
    private static final int STDERR_TAIL_LINES = 5;

    private final Optional<Path> configured;
    private final String searchPath;

    /** @param searchPath the PATH to search when no executable is configured (the process's PATH in the app) */
    public KindCli(Optional<Path> configured, String searchPath) {
        this.configured = configured;
        this.searchPath = searchPath == null ? "" : searchPath;
    }

    public static KindCli fromEnvironment(LabSettings settings) {
        return new KindCli(settings.kind(), System.getenv("PATH"));
    }

    public Path executable() {
        if (configured.isPresent()) {
            Path p = configured.get();
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new LabException("kind not found at " + p + " (harbor-sync.lab.kind): " + INSTALL_HINT);
            }
            return p;
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, "kind");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new LabException("kind not found on PATH: " + INSTALL_HINT);
    }

    public List<String> clusters() {
        return run("get", "clusters").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    public void createCluster(String name, Path config) {
        run("create", "cluster", "--name", name, "--config", config.toString());
    }

    public void deleteCluster(String name) {
        run("delete", "cluster", "--name", name);
    }

    /** The kubeconfig of the named cluster: the lab talks to exactly that cluster, whatever the current context. */
    public String kubeconfig(String name) {
        return run("get", "kubeconfig", "--name", name);
    }

    /** Runs kind and returns its standard output; a non-zero exit throws with the tail of its error output. */
    String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(Arrays.asList(args));
        Path stderr = null;
        try {
            stderr = Files.createTempFile("harbor-sync-kind", ".err");
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            if (code != 0) {
                throw new LabException("kind exited with " + code + ": " + tail(Files.readString(stderr)));
            }
            return out;
        } catch (IOException e) {
            throw new LabException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running kind " + String.join(" ", args), e);
        } finally {
            if (stderr != null) {
                try {
                    Files.deleteIfExists(stderr);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return "(no error output)";
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - STDERR_TAIL_LINES), lines.size()));
    }
}
