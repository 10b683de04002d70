package io.cdcsink.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Seeded random writes to one source table keyed by {@code k INT}: inserts of new keys, updates of every column of a
 * random existing key, deletes, in source transactions of one to three statements, on a thread of its own until
 * closed. Each column's values are SQL literals from the caller (edge values included), so one writer serves a
 * PostgreSQL and a MariaDB source. The test prints the seed; the target is compared with the source, not with what
 * was written.
 */
final class RandomWriter implements AutoCloseable {
    /** A column and how to draw a value: a SQL literal, {@code NULL} included. */
    record Column(String name, Function<Random, String> literal) {
    }

    private final Random random;
    private final Callable<Connection> db;
    private final String table;
    private final List<Column> columns;
    private final List<Integer> keys = new ArrayList<>();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private int nextKey = 1;
    private volatile boolean running;
    private Thread thread;

    RandomWriter(long seed, Callable<Connection> db, String table, List<Column> columns) {
        this.random = new Random(seed);
        this.db = db;
        this.table = table;
        this.columns = List.copyOf(columns);
    }

    /** Inserts {@code rows} new rows now, in one transaction. */
    void fill(int rows) throws Exception {
        try (Connection c = db.call(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                s.execute(insert());
            }
            c.commit();
        }
    }

    /** Starts writing on a thread of its own, a transaction about every {@code pauseMillis}. */
    void start(int pauseMillis) {
        running = true;
        thread = new Thread(() -> {
            try (Connection c = db.call(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                while (running) {
                    int statements = 1 + random.nextInt(3);
                    for (int i = 0; i < statements; i++) {
                        s.execute(next());
                    }
                    c.commit();
                    transactions.incrementAndGet();
                    Thread.sleep(pauseMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.set(e);
            }
        }, "random-writer");
        thread.setDaemon(true);
        thread.start();
    }

    long transactions() {
        return transactions.get();
    }

    /** Stops the thread; a failed write fails the test here. */
    @Override
    public void close() throws Exception {
        running = false;
        if (thread != null) {
            thread.join(10_000);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private String next() {
        int roll = random.nextInt(100);
        if (keys.isEmpty() || roll < 30) {
            return insert();
        }
        int at = random.nextInt(keys.size());
        if (roll < 85) {
            return "UPDATE " + table + " SET " + columns.stream().map(c -> c.name() + " = " + c.literal().apply(random))
                    .collect(Collectors.joining(", ")) + " WHERE k = " + keys.get(at);
        }
        int k = keys.remove(at);
        return "DELETE FROM " + table + " WHERE k = " + k;
    }

    private String insert() {
        int k = nextKey++;
        keys.add(k);
        return "INSERT INTO " + table + " (k, " + columns.stream().map(Column::name).collect(Collectors.joining(", "))
                + ") VALUES (" + k + ", " + columns.stream().map(c -> c.literal().apply(random))
                .collect(Collectors.joining(", ")) + ")";
    }

    /** One of {@code values} (literals), or NULL one time in {@code nullOneIn}. */
    static Function<Random, String> oneOf(int nullOneIn, String... values) {
        return r -> nullOneIn > 0 && r.nextInt(nullOneIn) == 0 ? "NULL" : values[r.nextInt(values.length)];
    }

    /** A quoted string literal of random characters from {@code alphabet} (code points), up to {@code max} long. */
    static Function<Random, String> text(String alphabet, int max, int nullOneIn) {
        int[] points = alphabet.codePoints().toArray();
        return r -> {
            if (nullOneIn > 0 && r.nextInt(nullOneIn) == 0) {
                return "NULL";
            }
            StringBuilder b = new StringBuilder("'");
            int n = r.nextInt(max + 1);
            for (int i = 0; i < n; i++) {
                int cp = points[r.nextInt(points.length)];
                b.append(cp == '\'' ? "''" : Character.toString(cp));
            }
            return b.append('\'').toString();
        };
    }

    /** {@code bytes} random bytes as hex digits, for a bytes literal ({@code X'...'}, {@code '\\x...'}). */
    static String hex(Random r, int bytes) {
        StringBuilder b = new StringBuilder(2 * bytes);
        for (int i = 0; i < bytes; i++) {
            b.append(String.format("%02x", r.nextInt(256)));
        }
        return b.toString();
    }

    /** Rows of a query as text, each value through {@code value} (bytes as hex, say), for an exact comparison. */
    static List<String> rows(Connection c, String query, ValueReader value) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); var rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? " | " : "").append(value.read(rs, i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    /**
     * Waits up to a minute for the target's rows to equal the source's (both as {@link #rows} gives them, in key
     * order), prints what was compared, and fails with the first differences if they never do.
     */
    void awaitSame(String what, long seed, Callable<List<String>> source, Callable<List<String>> target)
            throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        List<String> want = source.call();
        List<String> got = target.call();
        while (!want.equals(got) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            got = target.call();
        }
        System.out.printf("%s: seed %d, %d source transactions, %d rows compared%n", what, seed, transactions(),
                want.size());
        org.assertj.core.api.Assertions.assertThat(got).as("%s, every value (seed %d); first differences:%n%s", what,
                seed, differences(want, got, 5)).isEqualTo(want);
    }

    /**
     * Up to {@code limit} rows that differ, by key (the first value), each with the values that differ on each side:
     * what a failed comparison prints instead of two whole tables.
     */
    static String differences(List<String> want, List<String> got, int limit) {
        java.util.Map<String, String[]> byKey = new java.util.LinkedHashMap<>();
        for (String row : got) {
            String[] v = row.split(" \\| ", -1);
            byKey.put(v[0], v);
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (String row : want) {
            String[] w = row.split(" \\| ", -1);
            String[] g = byKey.remove(w[0]);
            if (g == null || !java.util.Arrays.equals(w, g)) {
                if (shown++ == limit) {
                    break;
                }
                out.append("key ").append(w[0]).append(':');
                for (int i = 1; i < w.length; i++) {
                    String other = g == null ? "(no row)" : i < g.length ? g[i] : "(missing)";
                    if (!w[i].equals(other)) {
                        out.append(" column ").append(i + 1).append(" source [").append(w[i]).append("] target [")
                                .append(other).append(']');
                    }
                }
                out.append(System.lineSeparator());
            }
        }
        byKey.keySet().stream().limit(Math.max(0, limit - shown)).forEach(k -> out.append("key ").append(k)
                .append(": only on the target").append(System.lineSeparator()));
        return out.toString();
    }

    /** Reads one value of the current row as text. */
    @FunctionalInterface
    interface ValueReader {
        String read(java.sql.ResultSet rs, int column) throws SQLException;
    }
}
