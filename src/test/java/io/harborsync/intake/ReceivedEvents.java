package io.harborsync.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test observer: what the sync engine will see. */
@ApplicationScoped
public class ReceivedEvents {
    private final List<WebhookReceived> seen = new CopyOnWriteArrayList<>();

    void on(@ObservesAsync WebhookReceived event) {
        seen.add(event);
    }

    public List<WebhookReceived> seen() {
        return seen;
    }
}
