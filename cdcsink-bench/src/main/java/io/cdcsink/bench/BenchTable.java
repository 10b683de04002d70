package io.cdcsink.bench;

import io.cdcsink.engine.ColumnInfo;
import io.cdcsink.api.Hlc;
import io.cdcsink.engine.TableInfo;
import io.cdcsink.api.TableName;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark table of issue #8, {@code id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ},
 * and batches of its rows in the shapes each source delivers them. Every microbenchmark works on one batch of
 * {@link #BATCH} rows per operation, so its µs/op is also its ns/row.
 */
public final class BenchTable {
    /** Rows per benchmark operation. */
    public static final int BATCH = 1000;
    public static final TableName TABLE = new TableName("bench", "public", "t");

    private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
    private static final DateTimeFormatter PG_TIMESTAMPTZ =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);
    private static final long HLC_BASE_NANOS = 1_732_000_000_000_000_000L;

    private BenchTable() {
    }

    /** One source row. {@code name} is unique per id, so a check can find every row in an output. */
    public record Row(long id, String name, BigDecimal amount, Instant at) {
        /** The row as a CockroachDB changefeed renders it ({@code after}): columns in table order. */
        public String cockroachJson() {
            return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"amount\":" + amount.toPlainString()
                    + ",\"at\":\"" + at + "\"}";
        }

        public String keyJson() {
            return "[" + id + "]";
        }

        /** The {@code at} value in PostgreSQL's text output format, as pgoutput sends it. */
        public String pgAt() {
            return PG_TIMESTAMPTZ.format(at);
        }

        /** {@code at} as microseconds since the epoch, as the binlog connector delivers a TIMESTAMP(6). */
        public long atMicros() {
            return Math.multiplyExact(at.getEpochSecond(), 1_000_000L) + at.getNano() / 1_000;
        }

        /** The source time of this row's change, one batch per HLC wall time step. */
        public Hlc updated() {
            return new Hlc(HLC_BASE_NANOS + id, 0);
        }
    }

    /** {@code count} realistic rows: ids 1..count, names of 20-30 characters, 4-decimal amounts, µs timestamps. */
    public static List<Row> rows(int count) {
        List<Row> rows = new ArrayList<>(count);
        for (long id = 1; id <= count; id++) {
            rows.add(new Row(id, "customer " + id + " of batch " + (id % 97),
                    BigDecimal.valueOf(id * 7_919_123L % 10_000_000_000L, 4),
                    BASE.plusSeconds(id * 37).plusNanos(id * 1_000L % 1_000_000_000L)));
        }
        return rows;
    }

    /** A CockroachDB webhook sink body ({@code {"payload":[…],"length":n}}) of the rows, topic {@code t}. */
    public static byte[] webhookBody(List<Row> rows) {
        StringBuilder sb = new StringBuilder(rows.size() * 160).append("{\"payload\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"after\":").append(r.cockroachJson()).append(",\"key\":")
                    .append(r.keyJson()).append(",\"topic\":\"t\",\"updated\":\"").append(r.updated()).append("\"}");
        }
        return sb.append("],\"length\":").append(rows.size()).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A CockroachDB cloud-storage sink ndjson file of the rows: one change per line. */
    public static byte[] ndjsonBody(List<Row> rows) {
        StringBuilder sb = new StringBuilder(rows.size() * 150);
        for (Row r : rows) {
            sb.append("{\"after\":").append(r.cockroachJson()).append(",\"key\":").append(r.keyJson())
                    .append(",\"updated\":\"").append(r.updated()).append("\"}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The target table as the schema catalog describes it. */
    public static TableInfo tableInfo() {
        return new TableInfo(TABLE, List.of(
                new ColumnInfo("id", "bigint", 1, false, false, false),
                new ColumnInfo("name", "text", 0, false, false, true),
                new ColumnInfo("amount", "numeric(18,4)", 0, false, false, true),
                new ColumnInfo("at", "timestamp with time zone", 0, false, false, true)));
    }

    /** Fails the benchmark's setup with a message when a check of its output does not hold. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("benchmark check failed: " + message);
        }
    }
}
