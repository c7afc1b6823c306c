package io.harborsync.emulator;

import io.harborsync.testsupport.EmulatorExtension;
import io.harborsync.testsupport.PlainHarborHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Harbor's webhook delivery delay as the emulator's latency model has it (issue 18): a real Harbor's ~1.9 s from
 * the event to the first attempt under {@link LatencyProfile#realHarbor()}, none otherwise; the delay is waited on
 * the sender's scheduler, never under the site lock.
 */
class WebhookDelayTest {
    @RegisterExtension
    static EmulatorExtension h1 = EmulatorExtension.named("h1", o -> o.withWebhookRetryDelay(Duration.ofMillis(50)));

    static WebhookReceiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    /** A scheduler that only notes what it is asked to run and when; the test runs the tasks itself. */
    static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        record Asked(Runnable task, Duration delay) {
        }

        final List<Asked> asked = new ArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            asked.add(new Asked(command, Duration.ofNanos(unit.toNanos(delay))));
            return null;
        }

        synchronized Asked take(int i) {
            return asked.get(i);
        }
    }

    @Test
    void theRealHarborProfileDelaysEachJobAbout1_9sEvenlyAndTheSameForTheSameSeed() {
        LatencyProfile real = LatencyProfile.realHarbor();
        double[] ms = LongStream.range(0, 2000).mapToDouble(j -> real.webhookDelay(j).toNanos() / 1e6).sorted()
                .toArray();
        assertThat(ms[0]).isGreaterThanOrEqualTo(1650);
        assertThat(ms[ms.length - 1]).isLessThan(2150);
        assertThat(ms[ms.length / 2]).as("p50, as measured on Harbor v2.15.2").isBetween(1870.0, 1930.0);
        assertThat(ms[ms.length * 9 / 10]).as("p90").isBetween(2070.0, 2130.0);

        assertThat(LatencyProfile.realHarbor().webhookDelay(7)).as("same seed, same job: same delay")
                .isEqualTo(real.webhookDelay(7));
        long[] a = LongStream.range(0, 20).map(j -> LatencyProfile.realHarbor(1).webhookDelay(j).toNanos()).toArray();
        long[] b = LongStream.range(0, 20).map(j -> LatencyProfile.realHarbor(2).webhookDelay(j).toNanos()).toArray();
        assertThat(Arrays.equals(a, b)).as("another seed, other delays").isFalse();
    }

    @Test
    void aFlatLatencyOrAProfileWithoutOneDelaysNoWebhook() {
        Faults f = new Faults();
        assertThat(f.webhookDelay(0)).isEqualTo(Duration.ZERO);
        f.latency(Duration.ofMillis(20));
        assertThat(f.webhookDelay(1)).as("a flat latency is the requests', not the webhooks'").isEqualTo(Duration.ZERO);
        f.profile((method, path, query, account) -> Duration.ofMillis(5));
        assertThat(f.webhookDelay(2)).as("a profile that does not say").isEqualTo(Duration.ZERO);
        f.profile(LatencyProfile.realHarbor());
        assertThat(f.webhookDelay(3)).isEqualTo(LatencyProfile.realHarbor().webhookDelay(3));
        f.clear();
        assertThat(f.webhookDelay(3)).as("cleared with the faults").isEqualTo(Duration.ZERO);
    }

    @Test
    void theFirstAttemptIsScheduledAfterTheJobsDelayAndNothingIsSentBefore() {
        RecordingScheduler scheduler = new RecordingScheduler();
        WebhookSender sender = new WebhookSender(Duration.ofMillis(50),
                job -> Duration.ofMillis(1000 + job), scheduler);
        try {
            sender.send(receiver.url("/late"), "", "application/json", "{\"n\":0}".getBytes(), "DELETE_ARTIFACT",
                    "Default");
            sender.send(receiver.url("/late"), "", "application/json", "{\"n\":1}".getBytes(), "DELETE_ARTIFACT",
                    "Default");
            assertThat(scheduler.asked).extracting(RecordingScheduler.Asked::delay)
                    .containsExactly(Duration.ofMillis(1000), Duration.ofMillis(1001));
            assertThat(receiver.at("/late")).as("not delivered before its delay").isEmpty();
            assertThat(sender.deliveries()).isEmpty();

            scheduler.take(0).task().run(); // the delay has passed
            assertThat(receiver.at("/late")).hasSize(1);
            assertThat(sender.deliveries()).singleElement().satisfies(d -> assertThat(d.delivered()).isTrue());
        } finally {
            sender.close();
            scheduler.shutdownNow();
        }
    }

    @Test
    void aRetryWaitsTheRetryDelayNotTheFirstDelayAgain() {
        RecordingScheduler scheduler = new RecordingScheduler();
        WebhookSender sender = new WebhookSender(Duration.ofMillis(50), job -> Duration.ofSeconds(2), scheduler);
        try {
            sender.send(receiver.url("/fail-late"), "", "application/json", "{}".getBytes(), "DELETE_ARTIFACT",
                    "Default");
            scheduler.take(0).task().run(); // answered 500
            assertThat(scheduler.asked).extracting(RecordingScheduler.Asked::delay)
                    .containsExactly(Duration.ofSeconds(2), Duration.ofMillis(50));
        } finally {
            sender.close();
            scheduler.shutdownNow();
        }
    }

    @Test
    void aDelayedWebhookKeepsTheSiteAnsweringAndArrivesAfterwards() {
        PlainHarborHttp c = h1.client();
        c.createProject("late", false);
        assertThat(c.post("projects/late/webhook/policies", Map.of("name", "d", "enabled", true,
                "event_types", List.of("PUSH_ARTIFACT"),
                "targets", List.of(Map.of("type", "http", "address", receiver.url("/late-site"))))).statusCode())
                .isEqualTo(201);
        long before = h1.emulator().webhookDeliveries().size();
        // a delay no test waits for: the job stays scheduled while the site goes on answering
        h1.emulator().faults().profile(new LatencyProfile() {
            @Override
            public Duration latency(String method, String rawPath, String rawQuery, HarborCpu.Account account) {
                return Duration.ZERO;
            }

            @Override
            public Duration webhookDelay(long job) {
                return job == 0 ? Duration.ofHours(1) : Duration.ofMillis(100);
            }
        });
        try {
            h1.emulator().pushArtifact("late", "app", null, "1");
            assertThat(c.get("projects/late").statusCode()).as("the site lock is free").isEqualTo(200);
            h1.emulator().pushArtifact("late", "app", null, "2"); // job 1: 100 ms
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.at("/late-site").size() == 1);
            assertThat(receiver.at("/late-site").get(0).body().path("event_data").path("resources").get(0)
                    .path("tag").asText()).as("the later event's job, the first one still waits").isEqualTo("2");
            assertThat(h1.emulator().webhookDeliveries()).hasSize((int) before + 1);
        } finally {
            h1.emulator().faults().clear();
        }
    }
}
