package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.testing.EmbeddedPg;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #28 part 1's benchmarks: the initial load ({@code cdc-sink pglogical --snapshot initial}, the real jar in its
 * own JVM with its defaults: 2 workers, 100,000-row chunks) against its reference, {@code psql -c "COPY t TO STDOUT"}
 * piped into {@code psql -c "COPY t FROM STDIN"} (two processes and an operating-system pipe per table), once table
 * after table as a user would type it and once all tables at once; then {@code cdc-sink verify} (the jar) of the
 * loaded, equal target.
 *
 * <p>N rows ({@code -Dbench.rows}, default 5,000,000) in four tables of mixed types, generated on a source server of
 * their own (not timed): {@code orders} (40%: bigint key, text, numeric, timestamptz, jsonb), {@code lines} (40%: a
 * composite key, integer, numeric, text, boolean, date), {@code wide} (10%: bigint key, bytea, text[], a 130-byte
 * text, uuid, double) and {@code events} (10%: text key, bigint, text, timestamptz, uuid), with NULLs here and there. Every
 * run copies into empty tables of a fresh database on the shared target server; each target is checked afterwards
 * (row counts per table, a hash of every 97th row) and cdc-sink's is compared in full by {@code verify}, which must
 * exit 0. CPU time per row comes from {@code /proc}: the cdc-sink JVM (by thread), the psql processes (reaped children
 * of this JVM), and every process of each server. A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=PgSnapshotLoadBench [-Dbench.rows=5000000] [-Dbench.repeats=3]")
class PgSnapshotLoadBench {
    /** A table of the workload: its DDL, its share of the rows, how to fill rows 1..n, and a sampled checksum. */
    private record Table(String name, String ddl, double share, String fill, String key, String sample) {
        long rows(long total) {
            return Math.round(total * share);
        }
    }

    private static final List<Table> TABLES = List.of(
            new Table("orders", "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer TEXT, total NUMERIC(18,4),"
                    + " placed TIMESTAMPTZ, doc JSONB)", 0.4,
                    "INSERT INTO orders SELECT g, 'customer-' || (g % 100000), round((g % 100000) * 1.3721, 4),"
                            + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1.5 second',"
                            + " CASE WHEN g % 11 = 0 THEN NULL ELSE jsonb_build_object('sku', 'sku-' || (g % 5000),"
                            + " 'qty', g % 17, 'tags', jsonb_build_array('a', g % 3), 'price', (g % 977) * 0.25)"
                            + " END FROM generate_series(1, {n}) g", "id", "id % 97 = 0"),
            new Table("lines", "CREATE TABLE lines (order_id BIGINT, line INT, qty INT, price NUMERIC(12,2),"
                    + " note TEXT, gift BOOLEAN, ship DATE, PRIMARY KEY (order_id, line))", 0.4,
                    "INSERT INTO lines SELECT (g - 1) / 4 + 1, (g - 1) % 4 + 1, g % 9 + 1, (g % 1000) * 0.25,"
                            + " CASE WHEN g % 7 = 0 THEN NULL ELSE 'line note ' || g END, g % 2 = 0,"
                            + " date '2020-01-01' + (g % 1500) FROM generate_series(1, {n}) g",
                    "order_id, line", "order_id % 97 = 0"),
            new Table("wide", "CREATE TABLE wide (id BIGINT PRIMARY KEY, blob BYTEA, tags TEXT[], body TEXT,"
                    + " ref UUID, score DOUBLE PRECISION)", 0.1,
                    "INSERT INTO wide SELECT g, decode(md5(g::text) || md5((g + 1)::text), 'hex'),"
                            + " ARRAY['tag-' || (g % 10), 'tag-' || (g % 7), 'x y'], repeat('lorem ipsum ', 10) || g,"
                            + " md5('w' || g)::uuid, CASE WHEN g % 13 = 0 THEN NULL ELSE g / 7.0 END"
                            + " FROM generate_series(1, {n}) g", "id", "id % 97 = 0"),
            // A text key, not a uuid one: verify cuts chunks with COLLATE "C", which PostgreSQL refuses on uuid.
            new Table("events", "CREATE TABLE events (id TEXT PRIMARY KEY, seq BIGINT, kind TEXT, at TIMESTAMPTZ,"
                    + " ref UUID)", 0.1, "INSERT INTO events SELECT 'evt-' || md5('e' || g), g, 'kind-' || (g % 20),"
                            + " timestamptz '2025-06-01 12:00:00+00' + g * interval '10 ms', md5('r' || g)::uuid"
                            + " FROM generate_series(1, {n}) g", "id", "seq % 97 = 0"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();
    private final long total = Long.getLong("bench.rows", 5_000_000L);
    private final Duration timeout = Duration.ofMinutes(Long.getLong("bench.timeoutMinutes", 60));

    @BeforeAll
    static void startSource() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @Test
    void initialLoadAgainstCopyPipedIntoCopyThenVerify() throws Exception {
        int repeats = Ratios.repeats(5, "every run holds up to three copies of the rows on the target at once");
        String src = source.freshDatabase("lsrc");
        Map<String, Long> counts = fill(src);
        List<Double> sequentialRatios = new ArrayList<>();
        List<Double> parallelRatios = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            // The reference first in even runs, cdc-sink first in odd ones: neither always comes after the other.
            Run sequential;
            Run parallel;
            Run ours;
            if (r % 2 == 0) {
                sequential = reference(src, counts, false);
                parallel = reference(src, counts, true);
                ours = ours(src, counts, r);
            } else {
                ours = ours(src, counts, r);
                sequential = reference(src, counts, false);
                parallel = reference(src, counts, true);
            }
            sequentialRatios.add(ours.seconds() / sequential.seconds());
            parallelRatios.add(ours.seconds() / parallel.seconds());
            report(r, sequential, parallel, ours);
            verify(src, ours.database());
            target.exec("postgres", "DROP DATABASE " + ours.database());
        }
        if (repeats > 1) {
            System.out.printf("BENCH initial load, %,d rows, median of %d runs: cdc-sink / psql COPY pipes one table"
                            + " after another %.2fx wall time (runs %s); cdc-sink / all tables at once %.2fx (runs %s)%n",
                    total, repeats, Ratios.median(sequentialRatios), Ratios.list(sequentialRatios),
                    Ratios.median(parallelRatios), Ratios.list(parallelRatios));
        }
    }

    /** Creates, fills and vacuums the source tables (not timed); returns each table's row count. */
    private Map<String, Long> fill(String src) throws SQLException {
        long filling = System.nanoTime();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Table t : TABLES) {
            source.exec(src, t.ddl(), t.fill().replace("{n}", Long.toString(t.rows(total))));
            counts.put(t.name(), t.rows(total));
        }
        source.exec(src, "CREATE PUBLICATION p FOR ALL TABLES");
        // Hint bits and the visibility map set, statistics gathered: a settled source, as in production.
        CpuMeter.settle(source);
        long bytes;
        try (Connection c = source.dataSource(src).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(pg_table_size(relid)) FROM pg_stat_user_tables")) {
            rs.next();
            bytes = rs.getLong(1);
        }
        System.out.printf("BENCH initial load source: %,d rows in %d tables (%s), %,d MiB of tables, generated and"
                + " vacuumed in %.1f s%n", total, TABLES.size(), counts, bytes >> 20, (System.nanoTime() - filling) / 1e9);
        planQueries(src);
        return counts;
    }

    /**
     * Times, untimed by the runs, the query cdc-sink's chunk plan runs per table on the source (PgSnapshots'
     * {@code row_number()} boundaries, 100,000-row chunks) beside a plain ordered scan of the keys: what planning costs.
     */
    private void planQueries(String src) throws SQLException {
        StringBuilder line = new StringBuilder();
        double plan = 0;
        double scan = 0;
        double keyset = 0;
        for (Table t : TABLES) {
            long a = System.nanoTime();
            row(source, src, "SELECT count(*), NULL FROM (SELECT " + t.key() + " FROM (SELECT " + t.key()
                    + ", row_number() OVER (ORDER BY " + t.key() + ") AS n FROM " + t.name()
                    + ") x WHERE n % 100000 = 0 ORDER BY n) y");
            long b = System.nanoTime();
            row(source, src, "SELECT count(*), NULL FROM (SELECT " + t.key() + " FROM " + t.name() + " ORDER BY "
                    + t.key() + ") y");
            long c = System.nanoTime();
            int cuts = keysetCuts(src, t);
            long d = System.nanoTime();
            plan += (b - a) / 1e9;
            scan += (c - b) / 1e9;
            keyset += (d - c) / 1e9;
            line.append(String.format(" %s %.2f s (ordered key scan %.2f s, keyset %.2f s for %d cuts);", t.name(),
                    (b - a) / 1e9, (c - b) / 1e9, (d - c) / 1e9, cuts));
        }
        System.out.printf("BENCH initial load plan: the row_number() boundary queries take %.2f s in all, an"
                + " ordered scan of the keys %.2f s, keyset cuts (OFFSET 99999 LIMIT 1 after the previous cut) %.2f"
                + " s:%s%n", plan, scan, keyset, line);
    }

    /**
     * The same cuts found another way, for comparison: {@code SELECT key ... WHERE (key) > (previous cut) ORDER BY key
     * OFFSET 99999 LIMIT 1} until none is left. Returns the number of cuts.
     */
    private static int keysetCuts(String src, Table t) throws SQLException {
        int width = t.key().split(",").length;
        int cuts = 0;
        try (Connection c = source.dataSource(src).getConnection()) {
            Object[] previous = null;
            while (true) {
                StringBuilder sql = new StringBuilder("SELECT ").append(t.key()).append(" FROM ").append(t.name());
                if (previous != null) {
                    sql.append(" WHERE (").append(t.key()).append(") > (")
                            .append(String.join(", ", java.util.Collections.nCopies(width, "?"))).append(')');
                }
                sql.append(" ORDER BY ").append(t.key()).append(" OFFSET 99999 LIMIT 1");
                try (java.sql.PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    for (int i = 0; previous != null && i < width; i++) {
                        ps.setObject(i + 1, previous[i]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return cuts;
                        }
                        previous = new Object[width];
                        for (int i = 0; i < width; i++) {
                            previous[i] = rs.getObject(i + 1);
                        }
                        cuts++;
                    }
                }
            }
        }
    }

    private String emptyTarget(String prefix) throws SQLException {
        String db = target.freshDatabase(prefix);
        target.exec(db, TABLES.stream().map(Table::ddl).toArray(String[]::new));
        return db;
    }

    /**
     * One run's wall time and CPU seconds: of the cdc-sink JVM (0 for the reference), of the psql processes (0 for
     * cdc-sink), of the source's and the target's server processes; for cdc-sink also the JVM's CPU by thread group,
     * when its load became visible (planned) and its own rows/s.
     */
    private record Run(String what, String database, double seconds, double sinkCpu, double psqlCpu,
                       double sourceCpu, double targetCpu, Map<String, Double> threads, double plannedAt,
                       double loadRowsPerSecond, int chunks) {
    }

    /** {@code psql COPY TO STDOUT | psql COPY FROM STDIN} for every table, one after another or all at once. */
    private Run reference(String src, Map<String, Long> counts, boolean parallel) throws Exception {
        String db = emptyTarget(parallel ? "lpar" : "lseq");
        Path logs = JarCommand.logs();
        Map<Integer, Double> source0 = CpuMeter.server(source);
        Map<Integer, Double> target0 = CpuMeter.server(target);
        double children0 = CpuMeter.reapedChildren();
        long start = System.nanoTime();
        List<List<Process>> running = new ArrayList<>();
        for (Table t : TABLES) {
            ProcessBuilder out = new ProcessBuilder(psql(source, src, "COPY public." + t.name() + " TO STDOUT"))
                    .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve("psql-out.log").toFile()));
            ProcessBuilder in = new ProcessBuilder(psql(target, db, "COPY public." + t.name() + " FROM STDIN"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("psql-in.log").toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve("psql-in.log").toFile()));
            running.add(ProcessBuilder.startPipeline(List.of(out, in)));
            if (!parallel) {
                awaitAll(running.get(running.size() - 1), t.name());
            }
        }
        for (int i = 0; i < running.size(); i++) {
            awaitAll(running.get(i), TABLES.get(i).name());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Run run = new Run(parallel ? "psql COPY pipes, all tables at once" : "psql COPY pipes, one table after"
                + " another", db, seconds, 0, CpuMeter.reapedChildren() - children0,
                CpuMeter.between(source0, CpuMeter.server(source)),
                CpuMeter.between(target0, CpuMeter.server(target)), Map.of(), 0, 0, TABLES.size());
        check(src, db, counts);
        target.exec("postgres", "DROP DATABASE " + db);
        return run;
    }

    private static List<String> psql(EmbeddedPg pg, String db, String sql) {
        return List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "localhost", "-p",
                Integer.toString(pg.port()), "-U", "postgres", "-d", db, "-c", sql);
    }

    private void awaitAll(List<Process> pipeline, String table) throws InterruptedException {
        for (Process p : pipeline) {
            assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("psql for %s ended", table).isTrue();
            assertThat(p.exitValue()).as("psql for %s exit code (see target/process-logs/psql-*.log)", table)
                    .isZero();
        }
    }

    /** The real jar: {@code cdc-sink pglogical --snapshot initial}, timed from its launch to the finished load. */
    private Run ours(String src, Map<String, Long> counts, int r) throws Exception {
        String db = emptyTarget("lours");
        String slot = "load_" + db;
        int port = CdcSinkProcess.freePort();
        List<String> args = List.of("pglogical", "--metricsAddr", "127.0.0.1:" + port,
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + src + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", db, "--publicationName", "p", "--slotName", slot, "--snapshot", "initial",
                "--standbyTimeout", "1s", "--retryDelay", "1s");
        Map<Integer, Double> source0 = CpuMeter.server(source);
        Map<Integer, Double> target0 = CpuMeter.server(target);
        long start = System.nanoTime();
        Run run;
        try (CdcSinkProcess p = CdcSinkProcess.asUsersRunItStarting("snapshot-load-" + r, port, args)) {
            Http http = new Http();
            long deadline = start + timeout.toNanos();
            double plannedAt = 0;
            JsonNode load = null;
            while (true) {
                assertThat(p.isAlive()).as("cdc-sink still running; log:%n%s", tail(p)).isTrue();
                assertThat(System.nanoTime()).as("the load finished within %s", timeout).isLessThan(deadline);
                load = load(http, p);
                if (load != null && plannedAt == 0) {
                    plannedAt = (System.nanoTime() - start) / 1e9;
                }
                if (load != null && "finished".equals(load.path("state").asText())) {
                    break;
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // Read before the process stops, which ends its connections and their backends.
            double sinkCpu = CpuMeter.process(p.pid());
            Map<String, Double> threads = CpuMeter.groupsBetween(Map.of(), CpuMeter.threads(p.pid()));
            run = new Run("cdc-sink pglogical --snapshot initial (the jar, 2 workers, 100,000-row chunks)", db,
                    seconds, sinkCpu, 0, CpuMeter.between(source0, CpuMeter.server(source)),
                    CpuMeter.between(target0, CpuMeter.server(target)), threads, plannedAt,
                    load.path("rowsPerSecond").asDouble(), load.path("chunks").asInt());
            assertThat(load.path("rows").asLong()).as("rows the load reports")
                    .isEqualTo(counts.values().stream().mapToLong(Long::longValue).sum());
            assertThat(p.stop()).as("cdc-sink exit code after SIGTERM").isIn(0, 143);
        }
        dropSlot(src, slot);
        check(src, db, counts);
        return run;
    }

    /** The loop's {@code load} object of {@code /_/status}, or null while there is none (or no answer yet). */
    private static JsonNode load(Http http, CdcSinkProcess p) throws InterruptedException {
        try {
            Http.Reply reply = http.get(p.uri("/_/status"));
            if (reply.status() != 200) {
                return null;
            }
            for (JsonNode loop : JSON.readTree(reply.body()).path("loops")) {
                if (loop.has("load")) {
                    return loop.get("load");
                }
            }
            return null;
        } catch (IOException notYet) {
            return null;
        }
    }

    private static void dropSlot(String src, String slot) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                source.exec(src, "SELECT pg_drop_replication_slot('" + slot + "')");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // its walsender has not exited yet
            }
        }
    }

    /** Every table holds the source's row count, and every 97th row (by a column) hashes the same on both sides. */
    private void check(String src, String db, Map<String, Long> counts) throws SQLException {
        for (Table t : TABLES) {
            String sql = "SELECT count(*), (SELECT md5(string_agg(x::text, '|' ORDER BY " + t.key() + ")) FROM "
                    + t.name() + " x WHERE " + t.sample() + ") FROM " + t.name();
            List<String> want = row(source, src, sql);
            List<String> got = row(target, db, sql);
            assertThat(want.get(0)).as("source rows of %s", t.name()).isEqualTo(counts.get(t.name()).toString());
            assertThat(got).as("%s of %s: row count and hash of every 97th row", db, t.name()).isEqualTo(want);
        }
    }

    private static List<String> row(EmbeddedPg pg, String db, String sql) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return List.of(rs.getString(1), String.valueOf(rs.getString(2)));
        }
    }

    /** {@code cdc-sink verify} (the jar, its defaults) of the source against cdc-sink's loaded target. */
    private void verify(String src, String db) throws Exception {
        // The load's inserts leave the target's tables for autovacuum; vacuum them now, untimed, so it does not run
        // during the measurement.
        target.exec(db, "VACUUM (ANALYZE)");
        List<String> args = List.of("verify",
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + src + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", db);
        File log = JarCommand.logs().resolve("verify-" + db + ".log").toFile();
        Map<Integer, Double> source0 = CpuMeter.server(source);
        Map<Integer, Double> target0 = CpuMeter.server(target);
        double children0 = CpuMeter.reapedChildren();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(CdcSinkProcess.asUsersRunItCommand(args)).redirectErrorStream(true)
                .redirectOutput(log).start();
        assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("verify ended").isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        double verifyCpu = CpuMeter.reapedChildren() - children0;
        double sourceCpu = CpuMeter.between(source0, CpuMeter.server(source));
        double targetCpu = CpuMeter.between(target0, CpuMeter.server(target));
        String out = Files.readString(log.toPath());
        assertThat(p.exitValue()).as("verify exit code (0: every table equal); output:%n%s", out).isZero();
        assertThat(out).contains(TABLES.size() + " tables: " + TABLES.size() + " equal");
        System.out.printf("BENCH verify, %,d equal rows in %d tables (the jar, --chunkRows 10000): %.1f s, %,.0f"
                        + " rows/s; CPU per row: verify JVM %.2f us, source server %.2f us, target server %.2f us%n",
                total, TABLES.size(), seconds, total / seconds, verifyCpu * 1e6 / total, sourceCpu * 1e6 / total,
                targetCpu * 1e6 / total);
    }

    private void report(int r, Run sequential, Run parallel, Run ours) {
        System.out.printf("BENCH initial load, %,d rows, run %d: psql COPY pipes one table after another %.1f s"
                        + " (%,.0f rows/s); all tables at once %.1f s (%,.0f rows/s); cdc-sink %.1f s from launch to"
                        + " finished (%,.0f rows/s; planned and copying after %.1f s; the load's own rate %,.0f"
                        + " rows/s, %d chunks): %.2fx and %.2fx the references' wall time%n", total, r + 1,
                sequential.seconds(), total / sequential.seconds(), parallel.seconds(), total / parallel.seconds(),
                ours.seconds(), total / ours.seconds(), ours.plannedAt(), ours.loadRowsPerSecond(), ours.chunks(),
                ours.seconds() / sequential.seconds(), ours.seconds() / parallel.seconds());
        for (Run run : List.of(sequential, parallel, ours)) {
            System.out.printf("BENCH   CPU per row, %s: cdc-sink JVM %.2f us, psql processes %.2f us, source"
                            + " server %.2f us, target server %.2f us%n", run.what(), run.sinkCpu() * 1e6 / total,
                    run.psqlCpu() * 1e6 / total, run.sourceCpu() * 1e6 / total, run.targetCpu() * 1e6 / total);
        }
        System.out.printf("BENCH     cdc-sink JVM threads per row:%s%n", CpuMeter.perRow(ours.threads(), total));
    }

    private static String tail(CdcSinkProcess p) {
        try {
            String log = p.logText();
            return log.substring(Math.max(0, log.length() - 4_000));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
