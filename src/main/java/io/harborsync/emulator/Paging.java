package io.harborsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Harbor's paging, in one place for every list handler: {@code page}/{@code page_size} as go-swagger binds them,
 * X-Total-Count and the Link header exactly as api-notes 1 and observations §2 describe them.
 */
final class Paging {
    private Paging() {
    }

    /** page and page_size as given (defaults 1 and 10); only page_size over 100 is refused (observations §2). */
    static long[] params(Request r) {
        Long page = r.longParam("page");
        Long size = r.longParam("page_size");
        if (size != null && size > 100) {
            throw ApiError.unprocessable("page_size in query should be less than or equal to 100");
        }
        return new long[]{page == null ? 1 : page, size == null ? 10 : size};
    }

    /** Paged list with X-Total-Count and Link exactly as api-notes 1 (relative URL, sorted unescaped query, " , "). */
    static <T> Response page(Request r, List<T> all, Function<T, JsonNode> f) {
        return page(r, all, all.size(), f);
    }

    /**
     * As Harbor pages: {@code page_size} 0 or negative lists every row, a page below 1 is served as page 1, and the
     * links are computed from the values as given, so {@code page_size=-1} gets a next link to page 2 and
     * {@code page=0} one to page 1 ({@code lib.Links}: none when page_size is 0; observations §2, steps page.*).
     *
     * @param total the X-Total-Count, which Harbor counts with its own query (not always the rows listed)
     */
    static <T> Response page(Request r, List<T> all, long total, Function<T, JsonNode> f) {
        long[] ps = params(r);
        long page = ps[0], size = ps[1];
        ArrayNode arr = Json.arr();
        long from = size <= 0 ? 0 : (Math.max(1, page) - 1) * size;
        long to = size <= 0 ? all.size() : Math.min(all.size(), from + size);
        for (long i = from; i < to; i++) arr.add(f.apply(all.get((int) i)));
        Response resp = Response.ok(arr).header("X-Total-Count", String.valueOf(total));
        List<String> links = new ArrayList<>();
        if (size != 0 && page > 1 && (page - 1) * size < total) links.add("<" + linkUrl(r, page - 1, size) + ">; rel=\"prev\"");
        if (size != 0 && size * page < total) links.add("<" + linkUrl(r, page + 1, size) + ">; rel=\"next\"");
        if (!links.isEmpty()) resp.header("Link", String.join(" , ", links));
        return resp;
    }

    private static String linkUrl(Request r, long page, long size) {
        TreeMap<String, List<String>> q = new TreeMap<>(r.query); // url.Values.Encode sorts by key
        q.put("page", List.of(String.valueOf(page)));
        q.put("page_size", List.of(String.valueOf(size)));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> e : q.entrySet()) {
            for (String v : e.getValue()) sb.append(sb.length() == 0 ? "" : "&").append(e.getKey()).append('=').append(v);
        }
        String path = r.path;
        try {
            path = Request.pathUnescape(path); // Harbor unescapes the path once more (repository names)
        } catch (ApiError ignored) {
            // keep it as it is
        }
        return path + "?" + sb;
    }
}
