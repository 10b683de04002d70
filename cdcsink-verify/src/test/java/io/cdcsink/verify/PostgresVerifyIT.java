package io.cdcsink.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.testing.EmbeddedPg;
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * {@code cdc-sink verify} between two PostgreSQL databases: equal tables compare equal across many chunks even where
 * the target's types differ in ways that do not change a value (numeric scale, integer width, JSON key order and
 * spacing); every planted difference is found, named by key and column, and nothing else.
 */
class PostgresVerifyIT {
    private static final String COLUMNS = "id BIGINT PRIMARY KEY, n NUMERIC(12,4), i INT, f FLOAT8, r REAL, b BOOLEAN,"
            + " t TEXT, d DATE, ts TIMESTAMP(6), tz TIMESTAMPTZ, by BYTEA, j JSONB, js JSON, u UUID, bits BIT(8)";
    /** The same values, in types that hold them alike. */
    private static final String TARGET_COLUMNS = "id BIGINT PRIMARY KEY, n NUMERIC(20,6), i BIGINT, f FLOAT8, r REAL,"
            + " b BOOLEAN, t TEXT, d DATE, ts TIMESTAMP(6), tz TIMESTAMPTZ, by BYTEA, j JSONB, js JSON, u UUID,"
            + " bits BIT(8)";
    private final EmbeddedPg pg = EmbeddedPg.shared();
    private String src;
    private String dst;

    @BeforeEach
    void databases() throws SQLException {
        src = pg.freshDatabase("vsrc");
        dst = pg.freshDatabase("vdst");
    }

    /** Fills the source with generated rows (seed printed) and edge values, and copies them to the target. */
    private void populate(int rows) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("PostgresVerifyIT seed " + seed);
        pg.exec(src, "CREATE TABLE t (" + COLUMNS + ")", "SELECT setseed(" + (seed % 1000) / 1000.0 + ")",
                "INSERT INTO t SELECT g, round((random() * 1e7)::numeric, 4), (random() * 2e9 - 1e9)::int,"
                        + " random() * 1e300, random()::real, g % 3 = 0, md5(g::text) || ' é ✓',"
                        + " DATE '2000-01-01' + (g % 9000), TIMESTAMP '2020-01-01' + g * INTERVAL '1.000001 second',"
                        + " TIMESTAMPTZ '2024-03-10 01:59:59.5+00' + g * INTERVAL '1 minute',"
                        + " decode(md5(g::text), 'hex'), jsonb_build_object('b', g, 'a', ARRAY[g, g * 1.5]),"
                        + " ('{\"z\": ' || g || ', \"y\": [true, null]}')::json, md5(g::text)::uuid,"
                        + " (g % 256)::bit(8) FROM generate_series(1, " + rows + ") g",
                "INSERT INTO t VALUES (-1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                        + " NULL, NULL), (0, -0.0001, -2147483648, 'NaN', '-Infinity', false, '', '0001-01-01',"
                        + " '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '\\x', '{}', '[]',"
                        + " '00000000-0000-0000-0000-000000000000', B'00000000')");
        pg.exec(dst, "CREATE TABLE t (" + TARGET_COLUMNS + ")");
        copy("t");
    }

    private void copy(String table) throws Exception {
        StringWriter text = new StringWriter();
        try (Connection s = pg.dataSource(src).getConnection()) {
            s.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT", text);
        }
        try (Connection d = pg.dataSource(dst).getConnection()) {
            d.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN",
                    new StringReader(text.toString()));
        }
    }

    private List<TableResult> verify(int chunkRows) throws Exception {
        try (Connection s = pg.dataSource(src).getConnection(); Connection d = pg.dataSource(dst).getConnection()) {
            return new Verifier(s, d, new VerifyOptions(chunkRows, 0, java.time.Duration.ZERO, 100))
                    .verify("public", "public", List.of(), rows -> { });
        }
    }

    @Test
    void equalTablesCompareEqualAcrossChunksWhateverTheTargetTypesSpellingOfAValue() throws Exception {
        populate(5_000);
        // The same JSON document, keys in another order and spaced otherwise; the same number at another scale.
        pg.exec(dst, "UPDATE t SET js = ('{ \"y\" :[true,null],\"z\":' || id || '.0}')::json WHERE id > 0",
                "UPDATE t SET n = n * 1.000 WHERE id % 2 = 0");
        List<TableResult> results = verify(700);
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.equal()).as(Reports.text(results)).isTrue();
            assertThat(r.sourceRows()).isEqualTo(5_002);
            assertThat(r.targetRows()).isEqualTo(5_002);
            assertThat(r.chunks()).isEqualTo(8);
        });
        assertThat(Reports.text(results)).contains("EQUAL").contains("1 table: 1 equal, 0 different");
    }

    @Test
    void everyPlantedDifferenceIsFoundByKeyAndColumnAndNothingElse() throws Exception {
        populate(3_000);
        pg.exec(dst, "DELETE FROM t WHERE id = 1500",
                "INSERT INTO t (id, t) VALUES (999999, 'after the last key'), (1500000, 'beyond')",
                "UPDATE t SET n = n + 0.0001 WHERE id = 10",
                "UPDATE t SET t = NULL WHERE id = 0",
                "UPDATE t SET tz = tz + INTERVAL '1 microsecond', b = NOT b WHERE id = 2999",
                "UPDATE t SET js = '{\"z\": 7, \"y\": [true, false]}' WHERE id = 7",
                "UPDATE t SET by = '\\x00' WHERE id = -1");
        List<TableResult> results = verify(500);
        TableResult r = results.get(0);
        String report = Reports.text(results);
        assertThat(r.missing()).as(report).isEqualTo(1);
        assertThat(r.extra()).as(report).isEqualTo(2);
        assertThat(r.changed()).as(report).isEqualTo(5);
        assertThat(report).contains("missing key (1500)").contains("extra   key (999999)")
                .contains("extra   key (1500000)")
                .contains("changed key (0): t source '', target NULL")
                .contains("changed key (-1): by source NULL, target '00'")
                .contains("changed key (7): js source '{\"z\": 7, \"y\": [true, null]}', target '{\"z\": 7, \"y\":"
                        + " [true, false]}'")
                .containsPattern("changed key \\(10\\): n source '[0-9.]+', target '[0-9.]+'")
                .containsPattern("changed key \\(2999\\): b source '[01]', target '[01]'; tz source '2024-03-12"
                        + " [0-9:.]+', target '2024-03-12 [0-9:.]+'")
                .contains("1 table: 0 equal, 1 different");
        assertThat(Reports.json(results)).contains("\"equal\" : false").contains("\"type\" : \"missing\"");
    }

    @Test
    void aUuidKeyIsOrderedByItsOwnTypeNotACollation() throws Exception {
        String ddl = "CREATE TABLE u (id uuid PRIMARY KEY, v int)";
        pg.exec(src, ddl, "INSERT INTO u SELECT md5(g::text)::uuid, g FROM generate_series(1, 300) g");
        pg.exec(dst, ddl);
        copy("u");
        pg.exec(dst, "UPDATE u SET v = -1 WHERE v = 77");
        List<TableResult> results = verify(13);
        assertThat(results.get(0).changed()).as(Reports.text(results)).isEqualTo(1);
        assertThat(results.get(0).missing() + results.get(0).extra()).isZero();
    }

    @Test
    void textAndCompositeKeysAreCutInTheSameChunksOnBothSides() throws Exception {
        String ddl = "CREATE TABLE k (a TEXT, b INT, v TEXT, PRIMARY KEY (a, b))";
        pg.exec(src, ddl, "INSERT INTO k SELECT chr(65 + g % 40) || 'é' || (g % 7), g, 'v' || g"
                + " FROM generate_series(1, 400) g");
        pg.exec(dst, ddl);
        copy("k");
        pg.exec(dst, "UPDATE k SET v = 'changed' WHERE b = 123");
        List<TableResult> results = verify(7);
        assertThat(results.get(0).changed()).as(Reports.text(results)).isEqualTo(1);
        assertThat(results.get(0).missing() + results.get(0).extra()).isZero();
        assertThat(Reports.text(results)).containsPattern("changed key \\([^,]+, 123\\): v source 'v123', target"
                + " 'changed'");
    }

    /**
     * {@code --live}: a chunk that differs is compared again after the delay, as replication catches up; a row that
     * arrives meanwhile is not reported. {@code --rowsPerSecond} paces the reads.
     */
    @Test
    void liveModeReportsOnlyWhatStillDiffersAfterTheDelayAndTheRateIsKept() throws Exception {
        populate(1_000);
        pg.exec(dst, "DELETE FROM t WHERE id IN (10, 900)");
        Thread catchUp = new Thread(() -> {
            try {
                Thread.sleep(500);
                pg.exec(dst, "INSERT INTO t (id, t) VALUES (10, 'late')"); // still differs: t is not the source's
                copyRow(900);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        catchUp.start();
        long start = System.nanoTime();
        List<TableResult> results;
        try (Connection s = pg.dataSource(src).getConnection(); Connection d = pg.dataSource(dst).getConnection()) {
            results = new Verifier(s, d, new VerifyOptions(250, 2_000, java.time.Duration.ofSeconds(1), 100))
                    .verify("public", "public", List.of(), rows -> { });
        }
        catchUp.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        TableResult r = results.get(0);
        assertThat(r.missing()).as(Reports.text(results)).isZero();
        assertThat(r.changed()).as(Reports.text(results)).isEqualTo(1);
        assertThat(Reports.text(results)).contains("changed key (10)");
        assertThat(seconds).as("1,002 rows at 2,000 rows/s").isGreaterThan(0.45);
    }

    /**
     * {@code --live} while the source is written the whole time: a "replicator" thread brings each source write to the
     * target 300 ms later, so no chunk is ever equal at one moment; JSON columns lag too. Only rows that differ in
     * every re-check are reported: the one changed on the target alone, not the lagging ones.
     */
    @Test
    void liveModeUnderContinuousWritesReportsOnlyRowsThatKeepDiffering() throws Exception {
        populate(2_000);
        pg.exec(dst, "UPDATE t SET j = '{\"edited\": true}' WHERE id = 77");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
        Thread writer = new Thread(() -> {
            Random random = new Random(5);
            try {
                while (!stop.get()) {
                    long id = 1 + random.nextInt(2_000);
                    if (id == 77) {
                        continue;
                    }
                    String set = "SET n = n + 1, j = jsonb_set(j, '{w}', to_jsonb(" + writes.get() + "))";
                    pg.exec(src, "UPDATE t " + set + " WHERE id = " + id);
                    Thread.sleep(300); // the replication lag
                    pg.exec(dst, "UPDATE t " + set + " WHERE id = " + id);
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        List<TableResult> results;
        try {
            try (Connection s = pg.dataSource(src).getConnection();
                 Connection d = pg.dataSource(dst).getConnection()) {
                results = new Verifier(s, d, new VerifyOptions(400, 0, java.time.Duration.ofMillis(700), 100))
                        .verify("public", "public", List.of(), rows -> { });
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writes.get()).as("writes during the comparison").isGreaterThan(5);
        TableResult r = results.get(0);
        assertThat(r.missing() + r.extra()).as(Reports.text(results)).isZero();
        assertThat(r.changed()).as(Reports.text(results)).isEqualTo(1);
        assertThat(Reports.text(results)).contains("changed key (77): j source");
    }

    private void copyRow(long id) throws Exception {
        StringWriter text = new StringWriter();
        try (Connection s = pg.dataSource(src).getConnection()) {
            s.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM t WHERE id = " + id
                    + ") TO STDOUT", text);
        }
        try (Connection d = pg.dataSource(dst).getConnection()) {
            d.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY t FROM STDIN", new StringReader(text.toString()));
        }
    }

    @Test
    void tablesThatCannotBeComparedByRowSayWhy() throws Exception {
        pg.exec(src, "CREATE TABLE nokey (v INT)", "CREATE TABLE gone (id INT PRIMARY KEY)",
                "CREATE TABLE narrower (id INT PRIMARY KEY, a INT, b INT)");
        pg.exec(dst, "CREATE TABLE nokey (v INT)", "CREATE TABLE narrower (id INT PRIMARY KEY, a INT, c INT)");
        String report = Reports.text(verify(100));
        assertThat(report).contains("public.gone: the target has no table public.gone")
                .contains("public.nokey: source table public.nokey has no primary key")
                .contains("public.narrower: the target table has no column b")
                .contains("public.narrower: note: target column c is not in the source")
                .contains("3 tables: 0 equal, 3 different");
    }
}
