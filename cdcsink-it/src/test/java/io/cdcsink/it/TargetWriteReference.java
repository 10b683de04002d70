package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;

/**
 * The raw target write path of issue #8, workload 1, as a reference for the benchmarks: rows written straight into
 * {@code t (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ)} over 4 JDBC connections, as
 * batched multi-row upserts of 1,000 rows ({@code INSERT ... SELECT FROM jsonb_populate_recordset(...) ON CONFLICT
 * DO UPDATE}). Row {@code i} is {@code (i, 'name-i', i * 1.25, 2024-01-01 00:00:00+00)}, so a benchmark can load
 * the same rows into its source.
 */
final class TargetWriteReference {
    static final int BATCH = 1_000;
    static final int CONNECTIONS = 4;
    static final String AT = "2024-01-01 00:00:00";
    private static final BigDecimal AMOUNT_FACTOR = new BigDecimal("1.25");
    private static final String UPSERT = "INSERT INTO t SELECT * FROM jsonb_populate_recordset(NULL::t, ?::jsonb)"
            + " ON CONFLICT (id) DO UPDATE SET (name, amount, at) = (excluded.name, excluded.amount, excluded.at)";

    private TargetWriteReference() {
    }

    /** Writes rows 1..{@code rows} into the empty table {@code t} of {@code db}; returns rows per second. */
    static double write(EmbeddedPg pg, String db, int rows) throws Exception {
        return write(pg, db, rows, false);
    }

    /**
     * As {@link #write(EmbeddedPg, String, int)} with a {@code COPY ... FROM STDIN} per batch instead of the upsert:
     * the fastest way into an empty table, and the path cdc-sink itself takes for new keys (since the sixth round).
     */
    static double copy(EmbeddedPg pg, String db, int rows) throws Exception {
        return write(pg, db, rows, true);
    }

    private static double write(EmbeddedPg pg, String db, int rows, boolean copy) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            long start = System.nanoTime();
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int connection = i;
                work.add(pool.submit(() -> {
                    writeBatches(pg, db, rows, connection, copy);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /** Batches {@code connection}, {@code connection + CONNECTIONS}, ... of rows 1..{@code rows}. */
    private static void writeBatches(EmbeddedPg pg, String db, int rows, int connection, boolean copy)
            throws Exception {
        try (Connection c = pg.dataSource(db).getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (long first = 1L + (long) connection * BATCH; first <= rows; first += (long) CONNECTIONS * BATCH) {
                if (copy) {
                    StringBuilder text = new StringBuilder();
                    for (long id = first; id < first + BATCH && id <= rows; id++) {
                        text.append(id).append("\tname-").append(id).append('\t').append(amount(id)).append('\t')
                                .append(AT).append("+00\n");
                    }
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY t (id, name, amount, at) FROM STDIN",
                            new StringReader(text.toString()));
                    continue;
                }
                StringBuilder json = new StringBuilder("[");
                for (long id = first; id < first + BATCH && id <= rows; id++) {
                    json.append(id == first ? "" : ",").append("{\"id\":").append(id).append(",\"name\":\"name-")
                            .append(id).append("\",\"amount\":").append(amount(id)).append(",\"at\":\"")
                            .append(AT).append("+00\"}");
                }
                ps.setString(1, json.append(']').toString());
                ps.executeUpdate();
            }
        }
    }

    /** {@code id * 1.25} as exact decimal text. */
    static String amount(long id) {
        return BigDecimal.valueOf(id).multiply(AMOUNT_FACTOR).toPlainString();
    }

    /**
     * Seconds from {@code start} until {@code t} of {@code db} holds {@code rows} rows, {@code lastId} (the last one
     * sent) among them. That id is looked up by key until it is there (cheap), and only then are the rows counted: a
     * {@code count(*)} of a large table every poll would cost the target server a good part of a core while it is
     * being measured.
     */
    static double awaitRows(EmbeddedPg pg, String db, long lastId, int rows, long start) throws Exception {
        long deadline = start + Duration.ofMinutes(30).toNanos();
        try (Connection c = pg.dataSource(db).getConnection();
             PreparedStatement last = c.prepareStatement("SELECT count(*) FROM t WHERE id = ?");
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM t")) {
            last.setLong(1, lastId);
            while (true) {
                if (first(last) == 1 && first(count) >= rows) {
                    return (System.nanoTime() - start) / 1e9;
                }
                assertThat(System.nanoTime()).as("caught up within 30 minutes").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    private static long first(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Checks that {@code t} of {@code db} holds exactly rows 1..{@code rows}, each with the values above. */
    static void verify(EmbeddedPg pg, String db, int rows) throws Exception {
        try (Connection c = pg.dataSource(db).getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE id BETWEEN 1"
                     + " AND ? AND name = 'name-' || id AND amount = id * 1.25 AND at = ?::timestamptz), sum(amount)"
                     + " FROM t")) {
            ps.setLong(1, rows);
            ps.setString(2, AT + "+00");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                BigDecimal n = BigDecimal.valueOf(rows);
                assertThat(rs.getLong(1)).as("rows in " + db).isEqualTo(rows);
                assertThat(rs.getLong(2)).as("rows of " + db + " with the expected id and values").isEqualTo(rows);
                assertThat(rs.getBigDecimal(3)).as("sum(amount) of " + db)
                        .isEqualByComparingTo(n.multiply(n.add(BigDecimal.ONE)).divide(BigDecimal.valueOf(2))
                                .multiply(AMOUNT_FACTOR));
            }
        }
    }
}
