package io.harborsync.emulator;

import java.util.List;
import java.util.Map;

/** One request and its response as they went over the wire. {@code status} is 0 when the connection was dropped. */
public record RecordedExchange(String method, String rawPath, String rawQuery, Map<String, List<String>> requestHeaders,
                               byte[] requestBody, int status, Map<String, List<String>> responseHeaders,
                               byte[] responseBody) {
}
