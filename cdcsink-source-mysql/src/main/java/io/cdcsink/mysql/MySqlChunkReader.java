package io.cdcsink.mysql;

import io.cdcsink.api.SnapshotReader;
import io.cdcsink.api.SnapshotTable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One worker of a {@link MySqlSnapshot}: copies a chunk of a table, in key order and streamed from the server, as
 * PostgreSQL {@code COPY} text lines, each value exactly the text the binlog path writes for it.
 */
final class MySqlChunkReader implements SnapshotReader {
    /** Rows are handed to the sink in batches of about this many bytes. */
    private static final int BATCH_BYTES = 64 * 1024;

    private final Connection conn;
    private final Function<SnapshotTable, MySqlSnapshot.Source> sources;

    MySqlChunkReader(Connection conn, Function<SnapshotTable, MySqlSnapshot.Source> sources) {
        this.conn = conn;
        this.sources = sources;
    }

    @Override
    public long copy(SnapshotTable table, Optional<List<String>> after, Optional<List<String>> upTo, CopySink sink)
            throws Exception {
        MySqlSnapshot.Source source = sources.apply(table);
        List<SnapshotColumn> columns = table.columns().stream().map(source::column).toList();
        List<SnapshotColumn> key = table.key().stream().map(source::column).toList();
        if (key.isEmpty() && (after.isPresent() || upTo.isPresent())) {
            throw new IllegalArgumentException("table " + table.source() + " has no key to cut chunks by: copy it"
                    + " whole (no bounds)");
        }
        after.ifPresent(v -> requireSize(table, key, v));
        upTo.ifPresent(v -> requireSize(table, key, v));
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(columns.get(i).valueSql());
        }
        sql.append(" FROM ").append(source.qualified());
        List<String> params = new ArrayList<>();
        List<String> where = new ArrayList<>();
        after.ifPresent(v -> where.add(compare(key, v, true, params)));
        upTo.ifPresent(v -> where.add(compare(key, v, false, params)));
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        if (!key.isEmpty()) {
            sql.append(" ORDER BY ").append(MySqlSnapshot.orderBy(key));
        }
        long rows = 0;
        CopyLines lines = new CopyLines(BATCH_BYTES);
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            ps.setFetchSize(MySqlSnapshot.FETCH_ROWS); // streams: the driver holds one batch of rows at a time
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int i = 0; i < columns.size(); i++) {
                        String text;
                        try {
                            text = columns.get(i).text(rs, i + 1);
                        } catch (RuntimeException e) {
                            throw new IllegalStateException("source table " + table.source() + ": "
                                    + e.getMessage(), e);
                        }
                        lines.value(i > 0, text);
                    }
                    lines.endRow();
                    rows++;
                    if (lines.size() >= BATCH_BYTES) {
                        lines.flush(sink);
                    }
                }
            }
        }
        lines.flush(sink);
        return rows;
    }

    private static void requireSize(SnapshotTable table, List<SnapshotColumn> key, List<String> value) {
        if (value.size() != key.size()) {
            throw new IllegalArgumentException("a key value of " + table.source() + " needs " + key.size()
                    + " texts (" + table.key() + "), got " + value.size());
        }
    }

    /**
     * {@code (k1..kn) > (v1..vn)} (or {@code <=} when not {@code greater}) spelt out column by column, which the range
     * optimizer reads as an index range, with a first-column bound in front to help it.
     */
    static String compare(List<SnapshotColumn> key, List<String> value, boolean greater, List<String> params) {
        String strict = greater ? " > " : " < ";
        StringBuilder sql = new StringBuilder("(");
        sql.append(MySqlSql.quote(key.get(0).name())).append(greater ? " >= " : " <= ")
                .append(key.get(0).keyBind()).append(" AND (");
        params.add(value.get(0));
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? " OR (" : "(");
            for (int j = 0; j < i; j++) {
                sql.append(MySqlSql.quote(key.get(j).name())).append(" = ").append(key.get(j).keyBind())
                        .append(" AND ");
                params.add(value.get(j));
            }
            boolean last = i == key.size() - 1;
            sql.append(MySqlSql.quote(key.get(i).name())).append(last && !greater ? " <= " : strict)
                    .append(key.get(i).keyBind()).append(')');
            params.add(value.get(i));
        }
        return sql.append("))").toString();
    }

    /** A growing buffer of COPY text lines. */
    static final class CopyLines {
        private byte[] buf;
        private int size;

        CopyLines(int capacity) {
            buf = new byte[capacity + 1024];
        }

        int size() {
            return size;
        }

        /** One value, escaped for COPY text format; null is {@code \N}. */
        void value(boolean separator, String text) {
            if (separator) {
                put((byte) '\t');
            }
            if (text == null) {
                put((byte) '\\');
                put((byte) 'N');
                return;
            }
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                switch (ch) {
                    case '\\' -> escape('\\');
                    case '\t' -> escape('t');
                    case '\n' -> escape('n');
                    case '\r' -> escape('r');
                    default -> {
                        if (ch < 0x80) {
                            put((byte) ch);
                        } else {
                            int end = i + 1;
                            while (end < text.length() && text.charAt(end) >= 0x80) {
                                end++;
                            }
                            byte[] utf8 = text.substring(i, end).getBytes(StandardCharsets.UTF_8);
                            for (byte b : utf8) {
                                put(b);
                            }
                            i = end - 1;
                        }
                    }
                }
            }
        }

        void endRow() {
            put((byte) '\n');
        }

        void flush(CopySink sink) throws Exception {
            if (size > 0) {
                sink.write(buf, 0, size);
                size = 0;
            }
        }

        private void escape(char c) {
            put((byte) '\\');
            put((byte) c);
        }

        private void put(byte b) {
            if (size == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = b;
        }
    }
}
