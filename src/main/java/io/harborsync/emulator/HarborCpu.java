package io.harborsync.emulator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A model of the CPU a real Harbor spends on each request, by how it authenticated (issue 18). No time passes in the
 * emulator: it only counts, so that tests and the benchmark can say what a daemon's traffic would cost a real Harbor.
 *
 * <p>The figures, measured on a real Harbor v2.15.2 (the CPU of its core per request; figures of issue 18): a user's Basic
 * auth runs its password through PBKDF2 with 600,000 iterations on every request, ~100 ms; a robot's Basic auth
 * ~3 ms; a request with a session cookie ~2 ms; an anonymous one ~1 ms. A login ({@code POST /c/login}) checks the
 * password once, as a user's Basic auth does.
 */
public final class HarborCpu {
    /** How a request authenticated, with the CPU (ms) Harbor spends on it. */
    public enum Account {
        BASIC_USER(100),
        BASIC_ROBOT(3),
        SESSION(2),
        ANONYMOUS(1),
        /** {@code POST /c/login}: one password check. */
        LOGIN(100);

        /** Modelled Harbor CPU per request, in milliseconds. */
        public final int millis;

        Account(int millis) {
            this.millis = millis;
        }
    }

    /** Requests per account type, and the modelled Harbor CPU they cost. */
    public record Totals(Map<Account, Long> byAccount) {
        public Totals {
            byAccount = Map.copyOf(byAccount);
        }

        public long requests(Account a) {
            return byAccount.getOrDefault(a, 0L);
        }

        public long requests() {
            return byAccount.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Modelled Harbor CPU of every request, in milliseconds. */
        public long millis() {
            long ms = 0;
            for (Map.Entry<Account, Long> e : byAccount.entrySet()) ms += e.getKey().millis * e.getValue();
            return ms;
        }

        public double millisPerRequest() {
            long n = requests();
            return n == 0 ? 0 : (double) millis() / n;
        }

        @Override
        public String toString() {
            return "HarborCpu[" + millis() + " ms over " + requests() + " requests " + byAccount + "]";
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(Account.values().length);

    void count(Account a) {
        counts.incrementAndGet(a.ordinal());
    }

    Totals totals() {
        Map<Account, Long> m = new EnumMap<>(Account.class);
        for (Account a : Account.values()) {
            long n = counts.get(a.ordinal());
            if (n > 0) m.put(a, n);
        }
        return new Totals(m);
    }

    void reset() {
        for (int i = 0; i < counts.length(); i++) counts.set(i, 0);
    }
}
