package io.cdcsink.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares one table of the source with its target table in chunks of the source's keys. For each chunk both
 * databases hash their rows' canonical texts themselves ({@link Side}), so only a count and a hash per chunk cross the
 * network while the table is equal. A chunk whose hashes differ is narrowed: both sides list the chunk's keys with each
 * row's hash, which names the missing, extra and changed rows, and a changed row's columns are read from both sides to
 * name the columns that differ. JSON columns are compared parsed, per chunk, in this process. Memory stays within one
 * chunk whatever the table's size.
 */
final class TableVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** JSON numbers compare by value: {@code 1.0} equals {@code 1}. */
    private static final Comparator<JsonNode> JSON_VALUES = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    private final Connection sourceConn;
    private final Side source;
    private final Connection targetConn;
    private final Side target;
    private final VerifyOptions options;
    private final Pacer pacer;

    TableVerifier(Connection sourceConn, Side source, Connection targetConn, Side target, VerifyOptions options,
                  Pacer pacer) {
        this.sourceConn = sourceConn;
        this.source = source;
        this.targetConn = targetConn;
        this.target = target;
        this.options = options;
        this.pacer = pacer;
    }

    /** The columns compared and how: the source's columns the target has, each of the target column's kind. */
    record Plan(TableShape src, TableShape dst, List<Column> srcColumns, List<Column> dstColumns, List<Kind> kinds,
                List<Integer> keyPositions) {
        boolean hasJson() {
            return kinds.contains(Kind.JSON);
        }
    }

    /**
     * The plan for a pair of tables; empty when {@code problems} (which this fills) keep them from being compared
     * row by row.
     */
    static Optional<Plan> plan(TableShape src, TableShape dst, List<String> problems, List<String> notes) {
        if (dst.columns().isEmpty()) {
            problems.add("the target has no table " + dst.label());
            return Optional.empty();
        }
        if (src.key().isEmpty()) {
            problems.add("source table " + src.label() + " has no primary key; cdc-sink verify compares by key");
            return Optional.empty();
        }
        if (!src.key().equals(dst.key())) {
            problems.add("the primary keys differ: source " + src.key() + ", target " + dst.key());
            return Optional.empty();
        }
        List<Column> srcColumns = new ArrayList<>();
        List<Column> dstColumns = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        for (Column c : src.columns()) {
            Optional<Column> d = dst.column(c.name());
            if (d.isEmpty()) {
                problems.add("the target table has no column " + c.name());
                continue;
            }
            srcColumns.add(c);
            dstColumns.add(d.get());
            kinds.add(Kind.ofPostgres(d.get().type()));
        }
        for (Column d : dst.columns()) {
            if (src.column(d.name()).isEmpty()) {
                notes.add("target column " + d.name() + " is not in the source and was not compared");
            }
        }
        List<Integer> keyPositions = new ArrayList<>();
        for (String k : src.key()) {
            for (int i = 0; i < srcColumns.size(); i++) {
                if (srcColumns.get(i).name().equals(k)) {
                    keyPositions.add(i);
                }
            }
        }
        if (keyPositions.size() != src.key().size()) {
            return Optional.empty(); // a key column the target lacks: already a problem
        }
        return Optional.of(new Plan(src, dst, srcColumns, dstColumns, kinds, keyPositions));
    }

    /** One side of a plan: its connection, dialect and columns. */
    private record End(Connection conn, Side side, TableShape table, List<Column> columns, List<Kind> kinds,
                       List<Integer> keyPositions) {
        List<String> order() {
            List<String> out = new ArrayList<>();
            for (int p : keyPositions) {
                out.add(side.order(columns.get(p), kinds.get(p)));
            }
            return out;
        }

        List<String> params() {
            List<String> out = new ArrayList<>();
            for (int p : keyPositions) {
                out.add(side.param(columns.get(p), kinds.get(p)));
            }
            return out;
        }

        List<String> canonicalKeys() {
            List<String> out = new ArrayList<>();
            for (int p : keyPositions) {
                out.add(side.canonical(columns.get(p), kinds.get(p)));
            }
            return out;
        }

        List<String> rawKeys() {
            List<String> out = new ArrayList<>();
            for (int p : keyPositions) {
                out.add(side.raw(columns.get(p)));
            }
            return out;
        }

        String rowHash() {
            List<String> canonical = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                if (kinds.get(i).hashed()) {
                    canonical.add(side.canonical(columns.get(i), kinds.get(i)));
                }
            }
            return side.rowHash(canonical);
        }

        /** {@code SELECT <what>, <order as o1..on> FROM table WHERE <range>}. */
        String select(String what, Optional<List<String>> after, Optional<List<String>> upTo) {
            List<String> order = order();
            List<String> aliased = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                aliased.add(order.get(i) + " AS o" + (i + 1));
            }
            return "SELECT " + what + ", " + String.join(", ", aliased) + " FROM " + side.qualified(table)
                    + " WHERE " + range(after, upTo);
        }

        String range(Optional<List<String>> after, Optional<List<String>> upTo) {
            List<String> parts = new ArrayList<>();
            after.ifPresent(a -> parts.add(side.compare(order(), params(), ">")));
            upTo.ifPresent(u -> parts.add(side.compare(order(), params(), "<=")));
            return parts.isEmpty() ? "1 = 1" : String.join(" AND ", parts);
        }

        String orderAliases() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < keyPositions.size(); i++) {
                out.add("o" + (i + 1));
            }
            return String.join(", ", out);
        }

        void bind(PreparedStatement ps, Optional<List<String>> after, Optional<List<String>> upTo)
                throws SQLException {
            int i = 1;
            for (Optional<List<String>> bound : List.of(after, upTo)) {
                if (bound.isPresent()) {
                    for (String v : bound.get()) {
                        ps.setString(i++, v);
                    }
                }
            }
        }
    }

    /** Counts and the first differences of one table. */
    private static final class Tally {
        long sourceRows;
        long targetRows;
        long chunks;
        long missing;
        long extra;
        long changed;
        final List<Difference> shown = new ArrayList<>();
    }

    /** Compares the planned tables row by row; {@code problems} and {@code notes} are the plan's, reported with it. */
    TableResult verify(Plan plan, List<String> problems, List<String> notes)
            throws SQLException, InterruptedException {
        End src = new End(sourceConn, source, plan.src(), plan.srcColumns(), plan.kinds(), plan.keyPositions());
        End dst = new End(targetConn, target, plan.dst(), plan.dstColumns(), plan.kinds(), plan.keyPositions());
        Tally tally = new Tally();
        Optional<List<String>> lower = Optional.empty();
        while (true) {
            Optional<List<String>> upper = boundary(src, lower);
            if (upper.isEmpty()) {
                upper = boundary(dst, lower); // the target's rows after the source's last key, a chunk at a time
            }
            compareChunk(plan, src, dst, lower, upper, tally);
            tally.chunks++;
            if (upper.isEmpty()) {
                break;
            }
            lower = upper;
        }
        return new TableResult(plan.src().label(), plan.dst().label(), tally.sourceRows, tally.targetRows,
                tally.chunks, tally.missing, tally.extra, tally.changed, tally.shown, problems, notes);
    }

    /** The raw key values of the chunk's last row: the {@code chunkRows}-th after {@code lower}; empty if fewer. */
    private Optional<List<String>> boundary(End end, Optional<List<String>> lower) throws SQLException {
        String sql = end.select(String.join(", ", end.rawKeys()), lower, Optional.empty()) + " ORDER BY "
                + end.orderAliases() + end.side().limitOneOffset(options.chunkRows() - 1L);
        try (PreparedStatement ps = end.conn().prepareStatement(sql)) {
            end.bind(ps, lower, Optional.empty());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<String> key = new ArrayList<>();
                for (int i = 1; i <= end.keyPositions().size(); i++) {
                    key.add(rs.getString(i));
                }
                return Optional.of(key);
            }
        }
    }

    private record ChunkHash(long rows, String hash) {
    }

    private ChunkHash hash(End end, Optional<List<String>> after, Optional<List<String>> upTo) throws SQLException {
        String sql = end.side().chunkHash(end.select(end.rowHash() + " AS h", after, upTo), end.orderAliases());
        try (PreparedStatement ps = end.conn().prepareStatement(sql)) {
            end.bind(ps, after, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ChunkHash(rs.getLong(1), rs.getString(2));
            }
        }
    }

    private void compareChunk(Plan plan, End src, End dst, Optional<List<String>> lower,
                              Optional<List<String>> upper, Tally tally) throws SQLException, InterruptedException {
        ChunkHash s = hash(src, lower, upper);
        ChunkHash d = hash(dst, lower, upper);
        Map<String, Difference> found = differences(plan, src, dst, lower, upper, s, d);
        // Live: replication may only be behind. The chunk's rows are compared again after the delay, up to three
        // times, and only a row that differed every time is reported: a row the stream has caught up with drops
        // out, and so does one written again meanwhile that it then catches up with, while the source keeps being
        // written to (where the chunk as a whole may never be equal at one moment).
        for (int i = 0; i < VerifyOptions.LIVE_RECHECKS && !found.isEmpty() && !options.live().isZero(); i++) {
            Thread.sleep(options.live().toMillis());
            s = hash(src, lower, upper);
            d = hash(dst, lower, upper);
            Map<String, Difference> again = differences(plan, src, dst, lower, upper, s, d);
            again.keySet().retainAll(found.keySet());
            found = again;
        }
        tally.sourceRows += s.rows();
        tally.targetRows += d.rows();
        pacer.read(s.rows());
        for (Difference diff : found.values()) {
            switch (diff.type()) {
                case MISSING -> tally.missing++;
                case EXTRA -> tally.extra++;
                case CHANGED -> tally.changed++;
            }
            if (tally.shown.size() < options.maxDifferences()) {
                tally.shown.add(diff);
            }
        }
    }

    /** The chunk's differing rows by key: narrowed when the hashes differ, and its JSON columns compared parsed. */
    private Map<String, Difference> differences(Plan plan, End src, End dst, Optional<List<String>> lower,
                                                Optional<List<String>> upper, ChunkHash s, ChunkHash d)
            throws SQLException {
        Map<String, Difference> found = new LinkedHashMap<>();
        if (!s.equals(d)) {
            narrow(src, dst, lower, upper, found);
        }
        if (plan.hasJson()) {
            compareJson(src, dst, lower, upper, found);
        }
        return found;
    }

    /** A row of a narrowed chunk: its raw key (to read it again) and its hash. */
    private record Listed(List<String> raw, String hash) {
    }

    private Map<String, Listed> list(End end, Optional<List<String>> after, Optional<List<String>> upTo)
            throws SQLException {
        List<String> canonical = end.canonicalKeys();
        String what = String.join(", ", canonical) + ", " + String.join(", ", end.rawKeys()) + ", " + end.rowHash();
        String sql = end.select(what, after, upTo) + " ORDER BY " + end.orderAliases();
        Map<String, Listed> rows = new LinkedHashMap<>();
        int n = canonical.size();
        try (PreparedStatement ps = end.conn().prepareStatement(sql)) {
            end.bind(ps, after, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>(n);
                    List<String> raw = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        key.add(rs.getString(1 + i));
                        raw.add(rs.getString(1 + n + i));
                    }
                    rows.put(keyText(key), new Listed(raw, rs.getString(1 + 2 * n)));
                }
            }
        }
        return rows;
    }

    private static String keyText(List<String> key) {
        return "(" + String.join(", ", key) + ")";
    }

    private void narrow(End src, End dst, Optional<List<String>> lower, Optional<List<String>> upper,
                        Map<String, Difference> found) throws SQLException {
        Map<String, Listed> s = list(src, lower, upper);
        Map<String, Listed> d = list(dst, lower, upper);
        for (Map.Entry<String, Listed> e : s.entrySet()) {
            Listed there = d.get(e.getKey());
            if (there == null) {
                found.put(e.getKey(), new Difference(Difference.Type.MISSING, e.getKey(), List.of()));
            } else if (!there.hash().equals(e.getValue().hash())) {
                found.put(e.getKey(), new Difference(Difference.Type.CHANGED, e.getKey(),
                        columns(src, e.getValue().raw(), dst, there.raw())));
            }
        }
        for (String key : d.keySet()) {
            if (!s.containsKey(key)) {
                found.put(key, new Difference(Difference.Type.EXTRA, key, List.of()));
            }
        }
    }

    /** The hashed columns of one row whose canonical texts differ, with both. */
    private List<Difference.ColumnDifference> columns(End src, List<String> srcKey, End dst, List<String> dstKey)
            throws SQLException {
        List<String> a = row(src, srcKey);
        List<String> b = row(dst, dstKey);
        List<Difference.ColumnDifference> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (src.kinds().get(i).hashed() && !java.util.Objects.equals(a.get(i), b.get(i))) {
                out.add(new Difference.ColumnDifference(src.columns().get(i).name(), a.get(i), b.get(i)));
            }
        }
        return out;
    }

    /** Every compared column of the row with this raw key, as canonical text. */
    private List<String> row(End end, List<String> rawKey) throws SQLException {
        List<String> canonical = new ArrayList<>();
        for (int i = 0; i < end.columns().size(); i++) {
            canonical.add(end.side().canonical(end.columns().get(i), end.kinds().get(i)));
        }
        List<String> keyColumns = new ArrayList<>();
        for (int p : end.keyPositions()) {
            keyColumns.add(end.side().quote(end.columns().get(p).name()));
        }
        String sql = "SELECT " + String.join(", ", canonical) + " FROM " + end.side().qualified(end.table())
                + " WHERE " + end.side().compare(keyColumns, end.params(), "=");
        try (PreparedStatement ps = end.conn().prepareStatement(sql)) {
            for (int i = 0; i < rawKey.size(); i++) {
                ps.setString(i + 1, rawKey.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> values = new ArrayList<>();
                if (rs.next()) {
                    for (int i = 1; i <= canonical.size(); i++) {
                        values.add(rs.getString(i));
                    }
                }
                return values;
            }
        }
    }

    /** JSON columns of the rows both sides have, parsed and compared; differences join those of the row. */
    private void compareJson(End src, End dst, Optional<List<String>> lower, Optional<List<String>> upper,
                             Map<String, Difference> found) throws SQLException {
        Map<String, List<String>> s = jsonValues(src, lower, upper);
        Map<String, List<String>> d = jsonValues(dst, lower, upper);
        List<Integer> json = new ArrayList<>();
        for (int i = 0; i < src.kinds().size(); i++) {
            if (src.kinds().get(i) == Kind.JSON) {
                json.add(i);
            }
        }
        for (Map.Entry<String, List<String>> e : s.entrySet()) {
            List<String> there = d.get(e.getKey());
            if (there == null) {
                continue; // missing: the hash found it
            }
            List<Difference.ColumnDifference> cols = new ArrayList<>();
            for (int j = 0; j < json.size(); j++) {
                if (!sameJson(e.getValue().get(j), there.get(j))) {
                    cols.add(new Difference.ColumnDifference(src.columns().get(json.get(j)).name(),
                            e.getValue().get(j), there.get(j)));
                }
            }
            if (!cols.isEmpty()) {
                Difference was = found.get(e.getKey());
                List<Difference.ColumnDifference> all = new ArrayList<>(was == null ? List.of() : was.columns());
                all.addAll(cols);
                found.put(e.getKey(), new Difference(Difference.Type.CHANGED, e.getKey(), all));
            }
        }
    }

    private Map<String, List<String>> jsonValues(End end, Optional<List<String>> lower,
                                                 Optional<List<String>> upper) throws SQLException {
        List<String> what = new ArrayList<>(end.canonicalKeys());
        int keys = what.size();
        for (int i = 0; i < end.columns().size(); i++) {
            if (end.kinds().get(i) == Kind.JSON) {
                what.add(end.side().canonical(end.columns().get(i), Kind.JSON));
            }
        }
        String sql = end.select(String.join(", ", what), lower, upper) + " ORDER BY " + end.orderAliases();
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = end.conn().prepareStatement(sql)) {
            end.bind(ps, lower, upper);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>();
                    for (int i = 1; i <= keys; i++) {
                        key.add(rs.getString(i));
                    }
                    List<String> values = new ArrayList<>();
                    for (int i = keys + 1; i <= what.size(); i++) {
                        values.add(rs.getString(i));
                    }
                    out.put(keyText(key), values);
                }
            }
        }
        return out;
    }

    static boolean sameJson(String a, String b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        try {
            return JSON.readTree(a).equals(JSON_VALUES, JSON.readTree(b));
        } catch (java.io.IOException e) {
            return a.equals(b);
        }
    }
}
