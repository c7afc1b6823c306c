package io.harborsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link BaseStore} over plain JDBC (table {@code base_record}, schema by Flyway, {@code db/migration}).
 * Works on H2 and PostgreSQL. Every method is a few statements that never fail on purpose (no
 * insert-and-catch), so callers may wrap several calls in one transaction, also on PostgreSQL where a
 * failed statement aborts the transaction. No transaction of its own: outside one, each statement commits.
 */
public final class JdbcBaseStore implements BaseStore {
    private static final String BASE_WRITTEN = "base-written";
    private static final String COLUMNS = "kind, item_key, value_json, sites, updated_at";

    private final DataSource ds;
    private volatile boolean baseWritten;

    public JdbcBaseStore(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    @Override
    public Optional<BaseRecord> get(String kind, String key) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT " + COLUMNS + " FROM base_record WHERE kind = ? AND item_key = ?")) {
            ps.setString(1, kind);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read base record " + kind + " " + key, e);
        }
    }

    @Override
    public List<BaseRecord> list(String kind, String keyPrefix) {
        return list(kind, List.of(keyPrefix == null ? "" : keyPrefix));
    }

    @Override
    public void put(BaseRecord r) {
        Objects.requireNonNull(r, "record");
        String sites = String.join(",", r.sites()); // r.sites() is sorted
        try (Connection c = ds.getConnection()) {
            for (int tries = 0; tries < 3; tries++) {
                if (update(c, r, sites) > 0 || insertIfAbsent(c, r, sites) > 0) {
                    markBaseWritten(c);
                    return;
                }
                // deleted between our UPDATE and INSERT ... or inserted by someone else: try again
            }
            throw new StoreException("cannot write base record " + r.kind() + " " + r.key()
                    + ": concurrent writers", null);
        } catch (SQLException e) {
            throw new StoreException("cannot write base record " + r.kind() + " " + r.key(), e);
        }
    }

    /** Records written per transaction by {@link #writeAll}: few commits, and no huge transaction on a small heap. */
    static final int WRITE_CHUNK = 500;

    /**
     * One connection for all, a commit per {@link #WRITE_CHUNK} records instead of one per record: moving the base
     * after a reconcile that changed many keys (the first one writes all of them) spent most of its time in commits.
     * The statements are those of {@link #put} and {@link #delete}, which never fail on purpose; a chunk whose
     * commit fails is rolled back and the error raised, the chunks before it stay (each is a consistent part of
     * the base: records are independent, and a record not moved is decided again by the next reconcile).
     */
    @Override
    public void writeAll(List<BaseRecord> puts, List<Removal> removals) {
        if (puts.isEmpty() && removals.isEmpty()) {
            return;
        }
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement upd = c.prepareStatement("UPDATE base_record SET value_json = ?, sites = ?,"
                    + " updated_at = ? WHERE kind = ? AND item_key = ?");
                 PreparedStatement del = c.prepareStatement("DELETE FROM base_record WHERE kind = ? AND item_key = ?")) {
                int inChunk = 0;
                boolean marked = baseWritten || puts.isEmpty();
                if (!marked) {
                    insertBaseWritten(c); // committed with the first chunk, so never a record without it
                }
                for (BaseRecord r : puts) {
                    Objects.requireNonNull(r, "record");
                    String sites = String.join(",", r.sites());
                    upd.setString(1, r.valueJson());
                    upd.setString(2, sites);
                    Jdbc.setInstant(upd, 3, r.updatedAt());
                    upd.setString(4, r.kind());
                    upd.setString(5, r.key());
                    if (upd.executeUpdate() == 0 && insertIfAbsent(c, r, sites) == 0) {
                        // deleted or inserted by someone else in between: the single-record path retries
                        c.commit();
                        baseWritten |= !marked;
                        put(c, r, sites);
                    }
                    if (++inChunk == WRITE_CHUNK) {
                        c.commit();
                        baseWritten |= !marked;
                        inChunk = 0;
                    }
                }
                for (Removal r : removals) {
                    del.setString(1, r.kind());
                    del.setString(2, r.key());
                    del.executeUpdate();
                    if (++inChunk == WRITE_CHUNK) {
                        c.commit();
                        inChunk = 0;
                    }
                }
                c.commit();
                baseWritten |= !marked;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot write " + puts.size() + " base records and delete " + removals.size(), e);
        }
    }

    /** {@link #put} on a given connection (autocommit off): up to three tries, each committed. */
    private void put(Connection c, BaseRecord r, String sites) throws SQLException {
        for (int tries = 0; tries < 3; tries++) {
            if (update(c, r, sites) > 0 || insertIfAbsent(c, r, sites) > 0) {
                c.commit();
                return;
            }
            c.commit();
        }
        throw new StoreException("cannot write base record " + r.kind() + " " + r.key() + ": concurrent writers", null);
    }

    private static int update(Connection c, BaseRecord r, String sites) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE base_record SET value_json = ?, sites = ?, updated_at = ? WHERE kind = ? AND item_key = ?")) {
            ps.setString(1, r.valueJson());
            ps.setString(2, sites);
            Jdbc.setInstant(ps, 3, r.updatedAt());
            ps.setString(4, r.kind());
            ps.setString(5, r.key());
            return ps.executeUpdate();
        }
    }

    private static int insertIfAbsent(Connection c, BaseRecord r, String sites) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO base_record (" + COLUMNS + ", project)"
                + " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
                + " (SELECT 1 FROM base_record WHERE kind = ? AND item_key = ?)")) {
            ps.setString(1, r.kind());
            ps.setString(2, r.key());
            ps.setString(3, r.valueJson());
            ps.setString(4, sites);
            Jdbc.setInstant(ps, 5, r.updatedAt());
            ps.setString(6, io.harborsync.model.Keys.projectOf(r.key()));
            ps.setString(7, r.kind());
            ps.setString(8, r.key());
            return ps.executeUpdate();
        } catch (SQLException e) {
            if (Jdbc.isDuplicate(e)) {
                return 0; // lost a race with another writer
            }
            throw e;
        }
    }

    private void markBaseWritten(Connection c) throws SQLException {
        if (baseWritten) {
            return;
        }
        insertBaseWritten(c);
        baseWritten = true;
    }

    private static void insertBaseWritten(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO store_meta (name, val)"
                + " SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM store_meta WHERE name = ?)")) {
            ps.setString(1, BASE_WRITTEN);
            ps.setString(2, java.time.Instant.now().toString());
            ps.setString(3, BASE_WRITTEN);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!Jdbc.isDuplicate(e)) {
                throw e;
            }
        }
    }

    @Override
    public void delete(String kind, String key) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM base_record WHERE kind = ? AND item_key = ?")) {
            ps.setString(1, kind);
            ps.setString(2, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot delete base record " + kind + " " + key, e);
        }
    }

    @Override
    public long countOnSite(String kind, String site, long atMost) {
        if (site == null || site.isEmpty() || site.indexOf(',') >= 0 || atMost <= 0) {
            return 0; // no stored record can name such a site
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM base_record"
                     + " WHERE kind = ? AND (',' || sites || ',') LIKE ? ESCAPE '\\' LIMIT ?) AS found")) {
            ps.setString(1, kind);
            ps.setString(2, "%," + Jdbc.likeEscape(site) + ",%");
            ps.setLong(3, atMost);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count base records of kind " + kind + " on " + site, e);
        }
    }

    @Override
    public boolean isEmpty() {
        if (baseWritten) {
            return false;
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM store_meta WHERE name = ?")) {
            ps.setString(1, BASE_WRITTEN);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    baseWritten = true;
                    return false;
                }
                return true;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the store's state", e);
        }
    }

    /** Prefixes per query: one statement for a part's batch of projects, short enough for any database. */
    private static final int PREFIXES_PER_QUERY = 100;

    @Override
    public List<BaseRecord> list(String kind, java.util.Collection<String> keyPrefixes) {
        // A full listing is every key of a kind (tens of thousands), and most of them share their value and sites
        // with many others ({"roleId":2}, "h1,h2"): one instance of each, not one per row, keeps the listing a
        // reconcile holds small on a daemon's small heap.
        java.util.Map<String, String> texts = new java.util.HashMap<>();
        java.util.Map<String, Set<String>> siteSets = new java.util.HashMap<>();
        List<BaseRecord> out = byPrefixes(COLUMNS, "base_record", kind, keyPrefixes, rs -> read(rs, texts, siteSets),
                BaseRecord::key, "cannot list base records of kind " + kind);
        // The database's collation may differ (PostgreSQL uses the locale): fix the order to String order.
        out.sort(Comparator.comparing(BaseRecord::key));
        return out;
    }

    @Override
    public List<ListingMark> marks(java.util.Collection<String> keyPrefixes) {
        return byPrefixes("site, item_key, mark", "listing_mark", null, keyPrefixes,
                rs -> new ListingMark(rs.getString(1), rs.getString(2), rs.getString(3)), ListingMark::key,
                "cannot list listing marks");
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * The {@code columns} of the {@code table}'s rows (of the {@code kind}, when not null) whose key starts with any
     * of the prefixes, {@link #PREFIXES_PER_QUERY} prefixes per statement. Prefixes that are whole projects ("p/", as
     * a part of a full reconcile asks) go by the indexed project column, an equality whatever the database's
     * collation: the projects as a VALUES list joined with the table, so that each is one index lookup (an IN list
     * of parameters is checked item by item against every row it finds, most of a part's listing time on H2); rows
     * without a project (written by an earlier version during a rolling upgrade) and any other prefix by LIKE.
     */
    private <T> List<T> byPrefixes(String columns, String table, String kind, java.util.Collection<String> keyPrefixes,
                                   Row<T> row, java.util.function.Function<T, String> keyOf, String failure) {
        String select = "SELECT " + columns + " FROM " + table + " WHERE" + (kind == null ? "" : " kind = ? AND");
        List<String> projects = new ArrayList<>();
        List<String> others = new ArrayList<>();
        String covering = null;
        for (String prefix : new java.util.TreeSet<>(keyPrefixes)) {
            if (covering != null && prefix.startsWith(covering)) {
                continue; // its rows are the covering prefix's already: listed once
            }
            covering = prefix;
            int slash = prefix.indexOf('/');
            (slash > 0 && slash == prefix.length() - 1 ? projects : others).add(prefix);
        }
        List<String> ofKind = kind == null ? List.of() : List.of(kind);
        List<T> out = new ArrayList<>();
        for (List<String> chunk : chunks(projects)) {
            List<String> names = chunk.stream().map(p -> p.substring(0, p.length() - 1)).toList();
            query("SELECT " + columns + " FROM (VALUES " + String.join(", ", java.util.Collections.nCopies(
                            chunk.size(), "(CAST(? AS VARCHAR(1024)))")) + ") v (p) JOIN " + table
                            + " t ON t.project = v.p" + (kind == null ? "" : " WHERE t.kind = ?"),
                    concat(names, ofKind), row, failure, t -> {
                        if (keyOf.apply(t).indexOf('/') > 0) {
                            out.add(t); // under the project, not its own key (a project record), which has no '/'
                        }
                    });
            query(select + " project IS NULL AND (" + likes(chunk.size()) + ")", concat(ofKind, escaped(chunk)), row,
                    failure, out::add);
        }
        for (List<String> chunk : chunks(others)) {
            query(select + " (" + likes(chunk.size()) + ")", concat(ofKind, escaped(chunk)), row, failure, out::add);
        }
        return out;
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> out = new ArrayList<>(first);
        out.addAll(then);
        return out;
    }

    private static List<List<String>> chunks(List<String> all) {
        List<List<String>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += PREFIXES_PER_QUERY) {
            out.add(all.subList(from, Math.min(all.size(), from + PREFIXES_PER_QUERY)));
        }
        return out;
    }

    private static String likes(int n) {
        return String.join(" OR ", java.util.Collections.nCopies(n, "item_key LIKE ? ESCAPE '\\'"));
    }

    private static List<String> escaped(List<String> prefixes) {
        return prefixes.stream().map(p -> Jdbc.likeEscape(p) + "%").toList();
    }

    /** Runs {@code sql} with the parameters in order, each row read into {@code into}. */
    private <T> void query(String sql, List<String> params, Row<T> row, String failure,
                           java.util.function.Consumer<T> into) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.accept(row.read(rs));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }

    @Override
    public List<ListingMark> marks(String keyPrefix) {
        return marks(List.of(keyPrefix == null ? "" : keyPrefix));
    }

    /** One connection, one transaction: the forgotten keys first, then the marks put (update, else insert). */
    @Override
    public void writeMarks(List<ListingMark> puts, java.util.Collection<String> forget) {
        if (puts.isEmpty() && forget.isEmpty()) {
            return;
        }
        try {
            Jdbc.inTransaction(ds, c -> {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM listing_mark WHERE item_key = ?");
                     PreparedStatement upd = c.prepareStatement(
                             "UPDATE listing_mark SET mark = ? WHERE site = ? AND item_key = ?");
                     PreparedStatement ins = c.prepareStatement("INSERT INTO listing_mark (site, item_key, mark,"
                             + " project) SELECT ?, ?, ?, ? WHERE NOT EXISTS"
                             + " (SELECT 1 FROM listing_mark WHERE site = ? AND item_key = ?)")) {
                    for (String key : forget) {
                        del.setString(1, key);
                        del.executeUpdate();
                    }
                    for (ListingMark m : puts) {
                        upd.setString(1, m.mark());
                        upd.setString(2, m.site());
                        upd.setString(3, m.key());
                        if (upd.executeUpdate() == 0) {
                            ins.setString(1, m.site());
                            ins.setString(2, m.key());
                            ins.setString(3, m.mark());
                            ins.setString(4, io.harborsync.model.Keys.projectOf(m.key()));
                            ins.setString(5, m.site());
                            ins.setString(6, m.key());
                            ins.executeUpdate();
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot write " + puts.size() + " listing marks and forget " + forget.size(), e);
        }
    }

    private static BaseRecord read(ResultSet rs) throws SQLException {
        return read(rs, new java.util.HashMap<>(), new java.util.HashMap<>());
    }

    /** @param texts, siteSets equal kinds, values and site lists read before, whose instances are reused */
    private static BaseRecord read(ResultSet rs, java.util.Map<String, String> texts,
                                   java.util.Map<String, Set<String>> siteSets) throws SQLException {
        String sites = rs.getString("sites");
        Set<String> siteSet = sites == null || sites.isEmpty() ? Set.of()
                : siteSets.computeIfAbsent(sites, x -> Set.copyOf(Arrays.asList(x.split(","))));
        String kind = texts.computeIfAbsent(rs.getString("kind"), x -> x);
        String json = rs.getString("value_json");
        if (json != null) {
            json = texts.computeIfAbsent(json, x -> x);
        }
        return new BaseRecord(kind, rs.getString("item_key"), json, siteSet, Jdbc.getInstant(rs, "updated_at"));
    }
}
