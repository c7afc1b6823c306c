package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.harborsync.testsupport.PlainHarborHttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback webhook target for the emulator's deliveries: keeps every one, answers 500 under /fail, else 200. */
final class WebhookReceiver implements AutoCloseable {
    record Received(String path, Map<String, List<String>> headers, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Deliveries answered 500. */
    final AtomicInteger failed = new AtomicInteger();

    private WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            received.add(new Received(path, Map.copyOf(ex.getRequestHeaders()), PlainHarborHttp.JSON.readTree(body)));
            int status = path.startsWith("/fail") ? 500 : 200;
            if (status == 500) failed.incrementAndGet();
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    static WebhookReceiver start() {
        return new WebhookReceiver();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The deliveries to a path, in arrival order. */
    List<Received> at(String path) {
        return received.stream().filter(x -> x.path().equals(path)).toList();
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
