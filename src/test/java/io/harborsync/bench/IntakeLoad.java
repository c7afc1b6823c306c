package io.harborsync.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Webhook load: N client threads, each on its own keep-alive connection, POSTing one valid payload after the
 * other for a fixed time. Plain sockets and hand-written HTTP/1.1, so the generator costs little CPU next to
 * the daemon (the report gives both processes' CPU time for the window).
 */
final class IntakeLoad {
    record Result(long sent, Map<Integer, Long> byStatus, long ioErrors, long[] latenciesNanos, Duration window) {
        long status2xx() {
            return byStatus.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToLong(Map.Entry::getValue).sum();
        }

        double perSecond2xx() {
            return status2xx() / (window.toNanos() / 1e9);
        }
    }

    private IntakeLoad() {
    }

    /** bodies(n) gives the n-th payload (unique per request). */
    static Result run(int port, String path, String authorization, LongFunction<byte[]> bodies, int clients,
                      Duration duration) throws InterruptedException {
        AtomicLong seq = new AtomicLong();
        List<Worker> workers = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (int c = 0; c < clients; c++) {
            Worker w = new Worker(port, path, authorization, bodies, seq, deadline);
            workers.add(w);
            w.start();
        }
        for (Worker w : workers) {
            w.join();
        }
        Duration window = Duration.ofNanos(System.nanoTime() - start);
        Map<Integer, Long> byStatus = new TreeMap<>();
        long errors = 0;
        int n = 0;
        for (Worker w : workers) {
            w.byStatus.forEach((k, v) -> byStatus.merge(k, v, Long::sum));
            errors += w.ioErrors;
            n += w.count;
        }
        long[] all = new long[n];
        int at = 0;
        for (Worker w : workers) {
            System.arraycopy(w.latencies, 0, all, at, w.count);
            at += w.count;
        }
        Arrays.sort(all);
        return new Result(seq.get(), byStatus, errors, all, window);
    }

    private static final class Worker extends Thread {
        private final int port;
        private final byte[] head;
        private final LongFunction<byte[]> bodies;
        private final AtomicLong seq;
        private final long deadline;
        final Map<Integer, Long> byStatus = new TreeMap<>();
        long ioErrors;
        long[] latencies = new long[1024];
        int count;

        Worker(int port, String path, String authorization, LongFunction<byte[]> bodies, AtomicLong seq, long deadline) {
            super("bench-intake");
            setDaemon(true);
            this.port = port;
            this.head = ("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: " + authorization
                    + "\r\nContent-Type: application/json\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: ")
                    .getBytes(StandardCharsets.US_ASCII);
            this.bodies = bodies;
            this.seq = seq;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            Socket socket = null;
            OutputStream out = null;
            InputStream in = null;
            while (System.nanoTime() < deadline) {
                try {
                    if (socket == null) {
                        socket = new Socket();
                        socket.setTcpNoDelay(true);
                        socket.connect(new InetSocketAddress("localhost", port), 5000);
                        socket.setSoTimeout(30_000);
                        out = new BufferedOutputStream(socket.getOutputStream(), 4096);
                        in = new BufferedInputStream(socket.getInputStream());
                    }
                    byte[] body = bodies.apply(seq.getAndIncrement());
                    long t0 = System.nanoTime();
                    out.write(head);
                    out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    boolean keepAlive = readResponse(in);
                    record(System.nanoTime() - t0);
                    if (!keepAlive) {
                        socket.close();
                        socket = null;
                    }
                } catch (IOException e) {
                    ioErrors++;
                    closeQuietly(socket);
                    socket = null;
                }
            }
            closeQuietly(socket);
        }

        private void record(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }

        /** Reads one response (Content-Length or chunked body); returns whether the connection stays open. */
        private boolean readResponse(InputStream in) throws IOException {
            String status = line(in);
            String[] parts = status.split(" ");
            if (parts.length < 2) {
                throw new IOException("not an HTTP response: " + status);
            }
            byStatus.merge(Integer.parseInt(parts[1]), 1L, Long::sum);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim().toLowerCase();
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> {
                    }
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                     size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                    skip(in, size);
                    line(in);
                }
                line(in); // the empty line after the last chunk
            } else if (length > 0) {
                skip(in, length);
            }
            return !close;
        }

        private static void skip(InputStream in, long n) throws IOException {
            for (long left = n; left > 0; left--) {
                if (in.read() < 0) {
                    throw new IOException("connection closed mid-body");
                }
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        private static void closeQuietly(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a broken connection
                }
            }
        }
    }
}
