package io.harborsync.fidelity;

import io.harborsync.fidelity.RealExchanges.Answer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for the one recorded request that {@link java.net.http.HttpClient} refuses to send
 * because its path is not a valid URI (query.badescape: {@code /repositories/%zz}; real Harbor answered 400).
 */
final class RawHttp {
    private RawHttp() {
    }

    static Answer send(URI base, String method, String pathAndQuery, Map<String, String> headers, String body) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + pathAndQuery + " HTTP/1.1\r\n");
            req.append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            req.append("Connection: close\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return parse(s.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        String head = end < 0 ? all : all.substring(0, end);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) h.merge(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim(), (a, b) -> a + ", " + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (end >= 0) body.write(raw, end + 4, raw.length - end - 4);
        String text = body.toString(StandardCharsets.UTF_8);
        if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) text = unchunk(text);
        return new Answer(status, h, text);
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int nl = chunked.indexOf("\r\n", i);
            if (nl < 0) break;
            int size = Integer.parseInt(chunked.substring(i, nl).trim().split(";")[0], 16);
            if (size == 0) break;
            out.append(chunked, nl + 2, Math.min(chunked.length(), nl + 2 + size));
            i = nl + 2 + size + 2;
        }
        return out.toString();
    }
}
