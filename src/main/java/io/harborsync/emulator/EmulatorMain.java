package io.harborsync.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs emulated Harbors on their own, so the daemon can be pointed at them as if they were real:
 * {@code java -cp 'target/quarkus-app/lib/main/*:target/quarkus-app/app/*' io.harborsync.emulator.EmulatorMain h1:18081 h2:18082}
 */
public final class EmulatorMain {
    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0) {
            System.err.println("usage: EmulatorMain NAME:PORT [NAME:PORT ...]   e.g. h1:18081 h2:18082");
            System.exit(2);
        }
        List<HarborEmulator> running = new ArrayList<>();
        for (String arg : args) {
            String[] parts = arg.split(":", 2);
            int port;
            try {
                port = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (parts[0].isBlank() || port < 0 || port > 65535) {
                System.err.println("not NAME:PORT: " + arg);
                running.forEach(HarborEmulator::close);
                System.exit(2);
            }
            HarborEmulator e = HarborEmulator.start(EmulatorOptions.defaults(parts[0]).withPort(port));
            running.add(e);
            System.out.println("emulated Harbor " + e.name() + " at " + e.baseUrl()
                    + "/api/v2.0 (user " + e.options().adminUsername() + ", password as in README)");
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.forEach(HarborEmulator::close);
            stop.countDown();
        }));
        stop.await();
    }
}
