package io.harborsync.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Delivers webhook jobs like Harbor's jobservice (api-notes 2.2): POST, 3 s timeout, success = any 2xx,
 * 3 attempts in total, then dropped. The body is built once, so retries resend identical bytes. A job's first
 * attempt waits what the latency model says for it ({@link LatencyProfile#webhookDelay}: a real Harbor's ~1.9 s,
 * none by default) on the sender's own scheduler: the caller, holding the site lock, never waits.
 */
final class WebhookSender implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Duration retryDelay;
    private final LongFunction<Duration> firstDelay;
    private final AtomicLong jobs = new AtomicLong();
    private final ScheduledExecutorService executor;
    private final HttpClient client;
    private final List<WebhookDelivery> deliveries = new ArrayList<>();

    /** @param firstDelay job number (0, 1, …) -> how long its first attempt waits */
    WebhookSender(String name, Duration retryDelay, LongFunction<Duration> firstDelay) {
        this(retryDelay, firstDelay, Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "harbor-emulator-" + name + "-webhook");
            t.setDaemon(true);
            return t;
        }));
    }

    /** With the scheduler that runs every attempt (a test's, to see the delays asked for). */
    WebhookSender(Duration retryDelay, LongFunction<Duration> firstDelay, ScheduledExecutorService executor) {
        this.retryDelay = retryDelay;
        this.firstDelay = firstDelay;
        this.executor = executor;
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    void send(String address, String authHeader, String contentType, byte[] body, String eventType, String format) {
        send(address, authHeader, contentType, body, eventType, format, ok -> { });
    }

    /** As above; {@code done} hears once, when the job ends, whether it was delivered. */
    void send(String address, String authHeader, String contentType, byte[] body, String eventType, String format,
              Consumer<Boolean> done) {
        Duration delay = firstDelay.apply(jobs.getAndIncrement());
        executor.schedule(() -> attempt(address, authHeader, contentType, body, eventType, format, 1, done),
                delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void attempt(String address, String authHeader, String contentType, byte[] body, String eventType,
                         String format, int attempt, Consumer<Boolean> done) {
        int status = 0;
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(address)).timeout(TIMEOUT)
                    .header("Content-Type", contentType).header("User-Agent", "Go-http-client/1.1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (authHeader != null && !authHeader.isEmpty()) rb.header("Authorization", authHeader);
            status = client.send(rb.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            status = 0; // transport error or timeout counts as a failed attempt
        }
        boolean ok = status >= 200 && status < 300;
        if (ok || attempt >= MAX_ATTEMPTS) {
            synchronized (deliveries) {
                deliveries.add(new WebhookDelivery(address, eventType, format, status, attempt, ok));
            }
            done.accept(ok);
            return;
        }
        if (!executor.isShutdown()) {
            executor.schedule(() -> attempt(address, authHeader, contentType, body, eventType, format, attempt + 1, done),
                    retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    List<WebhookDelivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
