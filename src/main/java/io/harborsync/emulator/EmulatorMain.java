package io.harborsync.emulator;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs emulated Harbors on their own, so the daemon can be pointed at them as if they were real:
 * {@code java -cp 'target/quarkus-app/lib/main/*:target/quarkus-app/app/*' io.harborsync.emulator.EmulatorMain h1:18081 h2:18082}
 *
 * <p>Wrong arguments or a port that cannot be bound: one line on stderr, exit code 2, and the emulators it had
 * already started are stopped again (nothing keeps running).
 */
public final class EmulatorMain {
    static final int USAGE = 2;
    static final String USAGE_TEXT = "usage: EmulatorMain NAME:PORT [NAME:PORT ...]   e.g. h1:18081 h2:18082";

    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        useJBossLogManager();
        List<HarborEmulator> running = new ArrayList<>();
        int exit = start(args, System.out, System.err, running);
        if (exit != 0) {
            System.exit(exit);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.forEach(HarborEmulator::close);
            stop.countDown();
        }));
        stop.await();
    }

    /**
     * On the jar's class path (the README's command) JBoss Logging finds JBoss LogManager, which complains on stderr
     * when java.util.logging was set up before it was named the manager: name it before anything logs, so that an
     * error stays one line.
     */
    private static void useJBossLogManager() {
        String manager = "org.jboss.logmanager.LogManager";
        if (System.getProperty("java.util.logging.manager") != null) return;
        try {
            Class.forName(manager, false, EmulatorMain.class.getClassLoader());
            System.setProperty("java.util.logging.manager", manager);
        } catch (ClassNotFoundException e) {
            // plain java.util.logging it is
        }
    }

    /** An emulator to start: a name and a port (0: any free port). */
    record Target(String name, int port) {
    }

    /**
     * Starts one emulator per argument into {@code running}; 0 when all run. Else one line on {@code err}, every
     * emulator started so far closed again (and {@code running} emptied), and {@link #USAGE}.
     */
    static int start(String[] args, PrintStream out, PrintStream err, List<HarborEmulator> running) {
        if (args.length == 0) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        List<Target> targets = new ArrayList<>();
        for (String arg : args) {
            Target t = parse(arg);
            if (t == null) {
                err.println("not NAME:PORT (a port from 0 to 65535): " + arg + "; " + USAGE_TEXT);
                return USAGE;
            }
            if (targets.stream().anyMatch(o -> o.name().equals(t.name()))) {
                err.println("the name " + t.name() + " is given twice; " + USAGE_TEXT);
                return USAGE;
            }
            targets.add(t);
        }
        for (Target t : targets) {
            try {
                running.add(HarborEmulator.start(EmulatorOptions.defaults(t.name()).withPort(t.port())));
            } catch (UncheckedIOException e) {
                running.forEach(HarborEmulator::close);
                running.clear();
                err.println("cannot start the emulated Harbor " + t.name() + " on port " + t.port() + " ("
                        + reason(e) + "); nothing was started");
                return USAGE;
            }
        }
        for (HarborEmulator e : running) {
            out.println("emulated Harbor " + e.name() + " at " + e.baseUrl()
                    + "/api/v2.0 (user " + e.options().adminUsername() + ", password as in README)");
        }
        return 0;
    }

    static Target parse(String arg) {
        String[] parts = arg.split(":", 2);
        if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9][A-Za-z0-9_-]*") || !parts[1].matches("[0-9]{1,5}")) {
            return null;
        }
        int port = Integer.parseInt(parts[1]);
        return port > 65535 ? null : new Target(parts[0], port);
    }

    private static String reason(UncheckedIOException e) {
        Throwable c = e.getCause();
        if (c instanceof java.net.BindException) {
            return "the port is in use";
        }
        String m = c == null ? null : c.getMessage();
        return m == null ? (c == null ? e.getClass().getSimpleName() : c.getClass().getSimpleName())
                : m.replaceAll("[\\r\\n\\t]+", " ");
    }
}
