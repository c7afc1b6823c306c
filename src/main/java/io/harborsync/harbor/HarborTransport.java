package io.harborsync.harbor;

import jakarta.ws.rs.ProcessingException;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transport of one site's {@link HarborClient}: it adds to the raw {@link HarborApi} a bound on the requests in
 * flight, the site's {@link CircuitBreaker}, every page of a listing with its completeness checks, typed errors that
 * name the site and operation, and Harbor's encoding rules (repository names and {@code q} encoded twice,
 * {@code X-Is-Resource-Name} for project names). Every request goes through it, so URLs are built in this one
 * place; the resource repositories only shape requests and answers.
 *
 * <p>Repository names passed here are without the project ("app/web" in project "team-a").
 */
final class HarborTransport {
    /** The value of {@link HarborApi#NAME}: the project path segment is a name, even when it is all digits. */
    static final String BY_NAME = "true";
    /** A listing whose total moves under us is retried this many times before we call it unknown. */
    private static final int LISTING_ATTEMPTS = 3;

    private final String site;
    private final HarborApi api;
    private final int pageSize;
    private final CircuitBreaker breaker;
    /** Bounds the requests in flight to this site, whoever sends them. */
    private final Semaphore slots;
    private final int maxConcurrency;
    /** The login session every request carries (a user account), or null: Basic auth on each request. */
    private final HarborSession session;

    HarborTransport(String site, HarborApi api, int pageSize, int maxConcurrency, CircuitBreaker breaker,
                    HarborSession session) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("max concurrency must be at least 1, got " + maxConcurrency);
        }
        this.site = site;
        this.api = api;
        this.pageSize = Math.max(1, Math.min(100, pageSize));
        this.breaker = breaker;
        this.maxConcurrency = maxConcurrency;
        this.slots = new Semaphore(maxConcurrency, true);
        this.session = session;
    }

    /** The login session, or null with Basic auth. */
    HarborSession session() {
        return session;
    }

    /** Successful logins to this site (0 with Basic auth). */
    long logins() {
        return session == null ? 0 : session.logins();
    }

    /**
     * Login sessions Harbor refused or forgot while they were in use (0 with Basic auth): answers read before one
     * was noticed may have been anonymous ones.
     */
    long sessionsLost() {
        return session == null ? 0 : session.lost();
    }

    /** Requests that may be in flight to this site at once. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Requests waiting for a free slot right now (a sign the bound is too low for the work). */
    public int waitingForSlot() {
        return slots.getQueueLength();
    }

    public String site() {
        return site;
    }

    /** This site's circuit breaker: closed, open or half-open, and the failures in a row. */
    public CircuitBreaker.Snapshot breakerState() {
        return breaker.snapshot();
    }

    // ---------------------------------------------------------------- transport, for the repositories

    /** One page of a listing: page number from 1 and the client's page size, answered with Harbor's headers. */
    @FunctionalInterface
    interface Page<T> {
        RestResponse<List<T>> fetch(HarborApi api, int page, int pageSize);
    }

    /** Every item of a listing whose X-Total-Count counts exactly the items it lists. */
    <T> List<T> list(String op, Page<T> page) {
        return all(op, Total.EXACT, p -> page.fetch(api, p, pageSize));
    }

    /**
     * Every item of a listing whose X-Total-Count may also count rows Harbor does not list (members: the ones
     * hidden by a role id outside Harbor's roles, and all of them when filtered by name).
     */
    <T> List<T> listUpToTotal(String op, Page<T> page) {
        return all(op, Total.UPPER_BOUND, p -> page.fetch(api, p, pageSize));
    }

    /** One page of a listing as Harbor answered it: its items and its X-Total-Count (null when it sent none). */
    record OnePage<T>(List<T> items, Long total) {
    }

    /**
     * One page of a listing, on its own: for a caller that fetches a listing's pages side by side and checks their
     * consistency itself (the quota listing). A read like any other: through the slots and the breaker, retried once.
     */
    <T> OnePage<T> page(String op, Page<T> page, int number) {
        RestResponse<List<T>> r = sendIdempotent(op, () -> page.fetch(api, number, pageSize));
        return new OnePage<>(r.getEntity() == null ? List.of() : r.getEntity(), headerLong(r, "X-Total-Count"));
    }

    /** Items per page of a listing. */
    int pageSize() {
        return pageSize;
    }

    /** One request whose answer is needed. */
    <T> T call(String op, Function<HarborApi, T> request) {
        return send(op, () -> request.apply(api));
    }

    /**
     * One read (GET or HEAD): safe to send again, so a transient failure (5xx, a dropped connection, a timeout)
     * is retried once after a short pause before it makes the resource unknown. Writes are never retried here:
     * whether a write that got no answer was applied is for the engine to find out by reading.
     */
    <T> T read(String op, Function<HarborApi, T> request) {
        return sendIdempotent(op, () -> request.apply(api));
    }

    /** One request whose answer carries nothing we need. */
    void run(String op, Consumer<HarborApi> request) {
        send(op, () -> {
            request.accept(api);
            return null;
        });
    }

    /** A create whose answer is the new resource's id, the last segment of its Location header. */
    long create(String op, Function<HarborApi, RestResponse<?>> request) {
        return idFromLocation(send(op, () -> request.apply(api)), op);
    }

    /** A refusal before sending (or a typed answer built from a lookup), naming this site and the operation. */
    HarborException refused(String op, int status, String code, String message) {
        return HarborException.of(site, op, status, code, message);
    }

    // ---------------------------------------------------------------- plumbing

    /** What a listing's X-Total-Count says about its items. */
    private enum Total {
        /** The number of items listed: fewer items than that means a page was skipped. */
        EXACT,
        /**
         * At least the number of items listed: Harbor also counts rows it does not list (members' count ignores
         * {@code entityname} and counts members hidden by an invalid role). Only a change between pages tells
         * the listing moved.
         */
        UPPER_BOUND
    }

    /**
     * Follows every page. A listing that changed while it was paged (items shift between pages) is re-read; still
     * moving = unknown. It moved when the total changed between pages, or, where the total counts exactly the
     * items, when fewer or more items came than it said. A next link that does not lead to the following page is
     * never followed (Harbor sends such links for {@code page_size=-1} and {@code page<1}, observations §2):
     * the listing is unknown rather than read forever.
     */
    private <T> List<T> all(String op, Total kind, IntFunction<RestResponse<List<T>>> fetchPage) {
        for (int attempt = 1; ; attempt++) {
            List<T> items = new ArrayList<>();
            Long firstTotal = null;
            boolean moved = false;
            for (int page = 1; ; page++) {
                int p = page;
                RestResponse<List<T>> r = sendIdempotent(op, () -> fetchPage.apply(p));
                List<T> batch = r.getEntity() == null ? List.of() : r.getEntity();
                items.addAll(batch);
                Long total = headerLong(r, "X-Total-Count");
                if (firstTotal == null) {
                    firstTotal = total;
                } else if (total != null && !total.equals(firstTotal)) {
                    moved = true;
                }
                if (!hasNext(r, batch, items.size(), total, kind)) {
                    break;
                }
                Long next = nextPage(r);
                if (next != null && next != page + 1) {
                    throw HarborException.of(site, op, 503, "PAGING",
                            "Harbor's next page link after page " + page + " leads to page " + next);
                }
                if (page > 100_000) {
                    throw HarborException.of(site, op, 500, "PAGING", "more than 100000 pages");
                }
            }
            boolean complete = firstTotal == null
                    || (kind == Total.EXACT ? firstTotal == items.size() : items.size() <= firstTotal);
            if (!moved && complete) {
                return items;
            }
            if (attempt == LISTING_ATTEMPTS) {
                throw HarborException.of(site, op, 503, "INCOMPLETE_LISTING",
                        "the listing changed while it was read (" + items.size() + " of " + firstTotal + ")");
            }
        }
    }

    private boolean hasNext(RestResponse<?> r, List<?> batch, int seen, Long total, Total kind) {
        String link = r.getHeaderString("Link");
        if (link != null) {
            return link.contains("rel=\"next\"");
        }
        if (batch.isEmpty()) {
            return false;
        }
        return total != null && kind == Total.EXACT ? seen < total : batch.size() >= pageSize;
    }

    private static final Pattern NEXT_LINK =
            Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"next\"");
    private static final Pattern PAGE_PARAM = Pattern.compile("[?&]page=([^&]*)");

    /** The page number of the Link header's next link, null when it has none or names no page. */
    private static Long nextPage(RestResponse<?> r) {
        String link = r.getHeaderString("Link");
        Matcher next = link == null ? null : NEXT_LINK.matcher(link);
        if (next == null || !next.find()) {
            return null;
        }
        Matcher page = PAGE_PARAM.matcher(next.group(1));
        if (!page.find()) {
            return null;
        }
        try {
            return Long.parseLong(page.group(1));
        } catch (NumberFormatException e) {
            return -1L; // no page that could be asked for
        }
    }

    private static Long headerLong(RestResponse<?> r, String name) {
        String v = r.getHeaderString(name);
        try {
            return v == null ? null : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private long idFromLocation(RestResponse<?> r, String op) {
        URI location = r.getLocation();
        String path = location == null ? null : location.getPath();
        if (path == null || path.isEmpty()) {
            throw HarborException.of(site, op, r.getStatus(), "NO_LOCATION", "Harbor sent no Location header");
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        try {
            return Long.parseLong(last);
        } catch (NumberFormatException e) {
            throw HarborException.of(site, op, r.getStatus(), "BAD_LOCATION", "Location is not an id: " + path);
        }
    }

    /** Attempts of a read before its failure counts (see {@link #read}). */
    private static final int READ_ATTEMPTS = 2;

    private <T> T sendIdempotent(String op, Supplier<T> request) {
        HarborException first = null;
        for (int attempt = 1; ; attempt++) {
            try {
                return send(op, request);
            } catch (HarborException.CircuitOpen e) {
                throw first == null ? e : first; // the first failure opened it: that one says what went wrong
            } catch (HarborException.ServerError | HarborException.Unreachable e) {
                first = first == null ? e : first;
                if (attempt == READ_ATTEMPTS || !pausedBeforeRetry()) {
                    throw e;
                }
            }
        }
    }

    /** 50-150 ms, jittered so that parallel reads that failed together do not retry together; outside a slot. */
    private static boolean pausedBeforeRetry() {
        try {
            Thread.sleep(50 + java.util.concurrent.ThreadLocalRandom.current().nextInt(100));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every request goes through here: the slots bound it, the breaker sees each outcome, errors get their type. */
    private <T> T send(String op, Supplier<T> request) {
        // Uninterruptibly: every request has a read timeout, so a slot is always given back.
        slots.acquireUninterruptibly();
        try {
            return callInSlot(op, request);
        } finally {
            slots.release();
        }
    }

    private <T> T callInSlot(String op, Supplier<T> request) {
        breaker.acquire(op);
        boolean judged = false;
        try {
            T result = withLogin(op, request);
            breaker.succeeded();
            judged = true;
            return result;
        } catch (HarborHttpError e) {
            judged = true;
            throw judge(HarborException.of(site, op, e.status, e.code, e.harborMessage));
        } catch (HarborException e) {
            judged = true; // the login failed: as unknown as a 401 of the request itself
            throw judge(e);
        } catch (WriteFence.Refused e) {
            throw e; // not sent: the breaker learns nothing about the site
        } catch (ProcessingException e) {
            if (e.getCause() instanceof WriteFence.Refused r) {
                throw r;
            }
            judged = true;
            throw judge(new HarborException.Unreachable(site, op, e));
        } catch (jakarta.ws.rs.WebApplicationException e) {
            judged = true;
            throw judge(HarborException.of(site, op, e.getResponse().getStatus(), null, null));
        } finally {
            if (!judged) {
                breaker.released();
            }
        }
    }

    /**
     * The request with the site's login session: logged in first when needed; refused as not logged in (401, a CSRF
     * 403, an anonymous answer), logged in again once and sent once more. Such a refusal came before any handler
     * ran, so a write is safe to resend. At most one login per request, and at most one resend.
     */
    private <T> T withLogin(String op, Supplier<T> request) {
        if (session == null) {
            return request.get();
        }
        HarborSession.Login used = session.ensure(op);
        try {
            return request.get();
        } catch (HarborHttpError e) {
            if (!HarborSession.refusesSession(e)) {
                throw e;
            }
            session.renewAfterRefusal(op, used);
            return request.get();
        }
    }

    private HarborException judge(HarborException e) {
        if (e.isUnknownState()) {
            breaker.failed(e);
        } else {
            breaker.succeeded(); // Harbor answered about the resource: the site works
        }
        return e;
    }

    /**
     * Harbor unescapes repository names once more than the router does (api-notes §1), so the name
     * goes out encoded twice: once here, once by the REST client. References and tags are unescaped
     * only by the router: they are left to the REST client alone.
     */
    static String repoSegment(String repo) {
        return segment(repo);
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, '/' included. */
    static String segment(String value) {
        StringBuilder b = new StringBuilder();
        for (byte c : value.getBytes(StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
                    || u == '-' || u == '.' || u == '_' || u == '~') {
                b.append((char) u);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(u & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** Harbor URL-unescapes q a second time, so a '+' or '%' in a value must be encoded twice. */
    static String query(String q) {
        return segment(q);
    }
}
