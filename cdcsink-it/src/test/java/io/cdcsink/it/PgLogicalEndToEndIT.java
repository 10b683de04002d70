package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.it.JarCommand.Run;
import io.cdcsink.testing.EmbeddedPg;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cdc-sink pglogical} as users run it: the real jar between two embedded PostgreSQL servers, set up with the
 * README's steps (publication, slot, then the command).
 */
class PgLogicalEndToEndIT {
    private static EmbeddedPg source;
    private final EmbeddedPg target = EmbeddedPg.shared();
    private String sourceDb;
    private String targetDb;

    @BeforeAll
    static void startSource() {
        source = EmbeddedPg.start();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @BeforeEach
    void freshDatabases() {
        sourceDb = source.freshDatabase("src");
        targetDb = target.freshDatabase("dst");
    }

    private void both(String... ddl) throws SQLException {
        source.exec(sourceDb, ddl);
        target.exec(targetDb, ddl);
    }


    /** The README's setup: a publication for all tables and a pgoutput slot. */
    private void publicationAndSlot() throws SQLException {
        source.exec(sourceDb, "CREATE PUBLICATION my_pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('cdc_sink_" + sourceDb + "', 'pgoutput')");
    }

    private CdcSinkProcess run(String... extra) throws Exception {
        List<String> flags = new ArrayList<>(List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb
                        + "?sslmode=disable",
                "--targetConn", "postgresql://postgres@localhost:" + target.port() + "/postgres?sslmode=disable",
                "--targetDB", targetDb, "--publicationName", "my_pub", "--slotName", "cdc_sink_" + sourceDb,
                "--standbyTimeout", "500ms", "--retryDelay", "500ms", "--targetDBConns", "20"));
        flags.addAll(List.of(extra));
        return CdcSinkProcess.logical("pglogical", "pglogical", flags);
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void prefilledTablesThenUpdatesAndDeletesArrive(boolean immediate) throws Exception {
        both("CREATE TABLE t1 (k INT PRIMARY KEY, v TEXT)", "CREATE TABLE t2 (k INT PRIMARY KEY, v TEXT)");
        publicationAndSlot();
        source.exec(sourceDb, "INSERT INTO t1 SELECT g, 'one ' || g FROM generate_series(1, 1000) g",
                "INSERT INTO t2 SELECT g, 'two ' || g FROM generate_series(1, 1000) g");
        try (CdcSinkProcess p = immediate ? run("--immediate") : run()) {
            awaitSame("t1", "t2");
            source.exec(sourceDb, "BEGIN", "UPDATE t1 SET v = v || ' updated'", "UPDATE t2 SET v = v || ' updated'",
                    "COMMIT");
            source.exec(sourceDb, "BEGIN", "DELETE FROM t1 WHERE k < 50", "DELETE FROM t2 WHERE k < 50", "COMMIT");
            String lastCommit = currentLsn();
            awaitSame("t1", "t2");
            assertThat(count(target, targetDb, "t1")).isEqualTo(951);
            String varz = get(p, "/_/varz");
            assertThat(varz).contains("logical_committed_transactions_total{loop=\"pglogical\"}")
                    .contains("logical_position_info");
            awaitConfirmed(lastCommit);
        }
    }

    @Test
    void primaryKeyChangesTruncateAndUnchangedToastValues() throws Exception {
        both("CREATE TABLE p (k INT PRIMARY KEY, big TEXT, n INT)", "CREATE TABLE gone (k INT PRIMARY KEY)");
        publicationAndSlot();
        String big = randomText(200_000);
        try (CdcSinkProcess p = run()) {
            source.exec(sourceDb, "INSERT INTO p VALUES (1, '" + big + "', 0), (2, 'small', 0)",
                    "INSERT INTO gone SELECT generate_series(1, 10)");
            awaitSame("p", "gone");
            source.exec(sourceDb, "UPDATE p SET n = n + 1 WHERE k = 1", "UPDATE p SET k = 20 WHERE k = 2",
                    "TRUNCATE gone", "INSERT INTO gone VALUES (99)");
            awaitSame("p", "gone");
            assertThat(count(target, targetDb, "p")).isEqualTo(2);
            assertThat(count(target, targetDb, "gone")).isEqualTo(1);
        }
    }

    @Test
    void everyBuiltInTypeArrivesEqual() throws Exception {
        String columns = "k INT PRIMARY KEY, a BIGINT, b BIT(8), c BIT VARYING(16), d BOOLEAN, e BYTEA, f CHAR(5),"
                + " g VARCHAR(20), h DATE, i DOUBLE PRECISION, j INET, l INTEGER, m INTERVAL, n JSON, o JSONB,"
                + " p NUMERIC, q REAL, r SMALLINT, s TEXT, t TIME, u TIMETZ, v UUID, w TIMESTAMPTZ, x TIMESTAMP,"
                + " y INT[], z TEXT[], mood MOOD";
        both("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", "CREATE TABLE types (" + columns + ")");
        publicationAndSlot();
        String bigJson = "{\"pad\": \"" + "j".repeat(64 * 1024) + "\"}";
        try (CdcSinkProcess p = run()) {
            source.exec(sourceDb,
                    "INSERT INTO types VALUES (1, 9223372036854775807, B'10101010', B'101', true,"
                            + " decode(repeat('00ff7f80', 16384), 'hex'), 'ab', 'hello \"q\" \\ ''s',"
                            + " '2024-02-29', 1.7976931348623157e308, '192.168.1.0/24', -2147483648,"
                            + " '1 year 2 mons 3 days 04:05:06.789', '{\"a\": [1, 2.50, null]}', '" + bigJson + "',"
                            + " 123456789012345678901234567890.123456789012345678901234567890, 3.4028235e38, -32768,"
                            + " E'line\\nnext\\ttab \u00e9\u4e2d\ud83d\ude00', '23:59:59.999999', '12:00:00+05:30',"
                            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-06-01 12:34:56.123456+02',"
                            + " '1999-12-31 23:59:59.5', '{1,NULL,3}', ARRAY['x,y', 'q\"uote', NULL], 'happy')",
                    "INSERT INTO types (k) VALUES (2)",
                    "INSERT INTO types (k, p, i, s) VALUES (3, 'NaN', '-Infinity', repeat('t', 1048576))");
            awaitSame("types");
        }
    }

    @Test
    void aHugeTransactionReplicatesWithASmallBudget() throws Exception {
        both("CREATE TABLE huge (k INT PRIMARY KEY, v TEXT, n NUMERIC, ts TIMESTAMPTZ)");
        publicationAndSlot();
        source.exec(sourceDb, "INSERT INTO huge SELECT g, md5(g::text), g * 1.5, now() FROM generate_series(1, 200000) g");
        try (CdcSinkProcess p = run("--bytesInFlight", "1048576")) {
            awaitSame(Duration.ofMinutes(4), "huge");
            String varz = get(p, "/_/varz");
            assertThat(varz).contains("logical_backpressure_waits_total");
        }
        assertThat(count(target, targetDb, "huge")).isEqualTo(200_000);
    }

    /**
     * Issue #27, poison rows under {@code --onApplyError stop} (the default): a row the target's CHECK constraint
     * refuses stops the stream (consistent) or its transaction (immediate) without applying half of it; the ERROR
     * line names the table, the key and the reason once, {@code /_/healthz} answers 503 with it (the key hidden, as
     * on {@code /_/status}: neither needs a token), {@code /_/status} and {@code replication_blocked} show it; once the constraint is dropped, replication resumes by itself and the
     * target equals the source.
     */
    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void aRowTheTargetRefusesWaitsNamedOnceAndResumesWhenTheTargetIsFixed(boolean immediate) throws Exception {
        both("CREATE TABLE t1 (k INT PRIMARY KEY, v TEXT)", "CREATE TABLE t2 (k INT PRIMARY KEY, v TEXT)");
        target.exec(targetDb, "ALTER TABLE t1 ADD CONSTRAINT no_poison CHECK (v <> 'poison')");
        publicationAndSlot();
        try (CdcSinkProcess p = immediate ? run("--immediate") : run()) {
            source.exec(sourceDb, "INSERT INTO t1 SELECT g, 'v' || g FROM generate_series(1, 100) g");
            awaitSame("t1");
            source.exec(sourceDb, "BEGIN", "INSERT INTO t2 VALUES (1, 'with the poison')",
                    "UPDATE t1 SET v = 'poison' WHERE k = 42", "UPDATE t1 SET v = 'later' WHERE k = 43", "COMMIT");
            // Neither route needs a token, so both name the table and hide the key; the ERROR line names it.
            HttpResponse<String> health = awaitHealth(p, 503, "the row with key (hidden) of table");
            assertThat(health.body()).contains("loop pglogical waits").contains("table " + targetDb + ".public.t1")
                    .contains("no_poison").contains("--onApplyError deadletter").doesNotContain("[\"42\"]");
            assertThat(get(p, "/_/status")).contains("\"kind\" : \"refused_row\"")
                    .contains("\"key\" : \"(hidden)\"").doesNotContain("[\\\"42\\\"]");
            assertThat(get(p, "/_/varz")).contains("replication_blocked{kind=\"refused_row\",scope=\"loop pglogical\"");
            if (!immediate) {
                assertThat(count(target, targetDb, "t2")).as("nothing of the refused transaction").isZero();
            }
            Thread.sleep(2_000); // several retries
            assertThat(p.logText().lines().filter(l -> l.contains("ERROR") && l.contains("key [\"42\"]")).count())
                    .as("the refused row is logged as an ERROR once, not on every retry").isEqualTo(1);
            target.exec(targetDb, "ALTER TABLE t1 DROP CONSTRAINT no_poison");
            awaitSame("t1", "t2");
            awaitHealth(p, 200, "OK");
            assertThat(get(p, "/_/status")).contains("\"blocked\" : [ ]");
        }
    }

    /**
     * Issue #27, {@code --onApplyError deadletter}: the refused row goes to dead_letters in the transaction that
     * applies the rest of its source transaction, a later change of its key follows it there, other rows flow on and
     * the stream never waits; {@code cdc-sink deadletters list} shows both, {@code retry} before the fix keeps them
     * (exit 1), after the fix applies them in source order (exit 0) and the target equals the source.
     */
    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void deadLetterModeSetsTheRefusedRowAsideAndRetryAppliesItInOrderAfterTheFix(boolean immediate)
            throws Exception {
        both("CREATE TABLE t1 (k INT PRIMARY KEY, v TEXT)", "CREATE TABLE t2 (k INT PRIMARY KEY, v TEXT)");
        target.exec(targetDb, "ALTER TABLE t1 ADD CONSTRAINT no_poison CHECK (v NOT LIKE 'poison%')");
        publicationAndSlot();
        List<String> mode = immediate ? List.of("--immediate", "--onApplyError", "deadletter")
                : List.of("--onApplyError", "deadletter");
        try (CdcSinkProcess p = run(mode.toArray(String[]::new))) {
            source.exec(sourceDb, "INSERT INTO t1 SELECT g, 'v' || g FROM generate_series(1, 100) g");
            awaitSame("t1");
            source.exec(sourceDb, "BEGIN", "INSERT INTO t2 VALUES (1, 'in the same transaction')",
                    "UPDATE t1 SET v = 'poison 1' WHERE k = 42", "UPDATE t1 SET v = 'later' WHERE k = 43", "COMMIT");
            // One change at a time: changes of a key that reach the target together are folded to the newest.
            String letterCount = "SELECT count(*)::text FROM _cdc_sink.dead_letters";
            awaitRow(targetDb, letterCount, "1");
            awaitSame("t2");
            source.exec(sourceDb, "UPDATE t1 SET v = 'poison 2' WHERE k = 42");
            awaitRow(targetDb, letterCount, "2");
            source.exec(sourceDb, "UPDATE t1 SET v = 'fine now' WHERE k = 42", "UPDATE t1 SET v = 'on' WHERE k = 44");
            awaitRow(targetDb, "SELECT v FROM t1 WHERE k = 44", "on");
            awaitRow(targetDb, letterCount, "3");
            assertThat(value(target, targetDb, "SELECT v FROM t1 WHERE k = 43")).isEqualTo("later");
            assertThat(value(target, targetDb, "SELECT v FROM t1 WHERE k = 42"))
                    .as("key 42 waits in dead_letters with every later change of it").isEqualTo("v42");
            assertThat(get(p, "/_/healthz")).isEqualToIgnoringWhitespace("OK");
            assertThat(get(p, "/_/varz")).contains("apply_dead_letters_total{database=\"" + targetDb
                    + "\",schema=\"public\",table=\"t1\"} 3.0");
            assertThat(get(p, "/_/status")).contains("\"deadLettered\" : 3");

            List<String> letters = List.of("--targetConn", "postgresql://postgres@localhost:" + target.port()
                    + "/" + targetDb + "?sslmode=disable");
            Run list = cdcSink("deadletters", "list", letters);
            assertThat(list.exit()).isZero();
            assertThat(list.output()).contains("3 dead letters in " + targetDb).contains("poison 1")
                    .contains("poison 2").contains("fine now").contains("no_poison")
                    .contains("an earlier change of this key is in dead_letters");
            Run early = cdcSink("deadletters", "retry", letters);
            assertThat(early.exit()).as(early.output()).isEqualTo(1);
            assertThat(early.output()).contains("0 of 3 dead letters applied")
                    .contains("an earlier change of its key is still refused");

            target.exec(targetDb, "ALTER TABLE t1 DROP CONSTRAINT no_poison");
            Run retry = cdcSink("deadletters", "retry", letters);
            assertThat(retry.exit()).as(retry.output()).isZero();
            assertThat(retry.output()).contains("3 of 3 dead letters applied");
            awaitSame("t1", "t2");
            assertThat(cdcSink("deadletters", "list", letters).output()).contains("0 dead letters");
        }
    }

    private static Run cdcSink(String command, String action, List<String> flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(command, action));
        args.addAll(flags);
        return JarCommand.run(Duration.ofMinutes(2), args);
    }

    private static String value(EmbeddedPg pg, String db, String query) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The query's value, or null while the table it reads does not exist yet. */
    private String valueOrNothing(String db, String query) throws SQLException {
        try {
            return value(target, db, query);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    private void awaitRow(String db, String query, String want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!want.equals(valueOrNothing(db, query))) {
            assertThat(System.nanoTime()).as(query + " = " + want).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> awaitHealth(CdcSinkProcess p, int status, String containing)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(p.uri("/_/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == status && r.body().contains(containing)) {
                return r;
            }
            assertThat(System.nanoTime()).as("healthz " + status + " with " + containing + "; last: "
                    + r.statusCode() + " " + r.body()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void missingPublicationOrSlotStopsWithTheFix() throws Exception {
        both("CREATE TABLE t1 (k INT PRIMARY KEY)");
        assertThatThrownBy(this::run).hasMessageContaining("CREATE PUBLICATION my_pub FOR ALL TABLES");
        source.exec(sourceDb, "CREATE PUBLICATION my_pub FOR ALL TABLES");
        assertThatThrownBy(this::run).hasMessageContaining("pg_create_logical_replication_slot");
    }

    /**
     * PostgreSQL into MariaDB (issue #29): a table of every type family docs/types.md maps, filled before the start
     * and copied by {@code --snapshot initial} in 100-row chunks, then written by a seeded random writer (edge values,
     * NULLs) while cdc-sink runs; cdc-sink is killed with SIGKILL once, half way through the load, and started again,
     * which continues the load from its copied chunks. Every value ends equal to the source's: PostgreSQL's
     * text output next to MariaDB's, in the forms docs/types.md gives (floats by their exact value, bytes as hex, bit
     * strings padded, times without trailing fractional zeros, {@code timestamptz} as its UTC wall time).
     */
    @Test
    void intoMariaDbEveryMappedTypeArrivesThroughALoadAKillAndTheStream() throws Exception {
        TestTarget to = TestTarget.MARIADB;
        String db = to.freshDatabase("pgmy");
        source.exec(sourceDb, "CREATE SCHEMA \"" + db + "\"", "CREATE TABLE \"" + db + "\".ty (k INT PRIMARY KEY,"
                + " i2 SMALLINT, i8 BIGINT, n NUMERIC(30,10), r REAL, d DOUBLE PRECISION, b BOOLEAN, v VARCHAR(100),"
                + " t TEXT, by BYTEA, dt DATE, tm TIME(6), ts TIMESTAMP(6), tz TIMESTAMPTZ(6), j JSONB, js JSON,"
                + " u UUID, bt BIT(10))",
                "CREATE PUBLICATION my_pub FOR ALL TABLES");
        to.exec(db, "CREATE TABLE ty (k INT PRIMARY KEY, i2 SMALLINT, i8 BIGINT, n DECIMAL(30,10), r FLOAT, d DOUBLE,"
                + " b BOOLEAN, v VARCHAR(100) CHARACTER SET utf8mb4, t LONGTEXT CHARACTER SET utf8mb4, `by` LONGBLOB,"
                + " dt DATE, tm TIME(6), ts DATETIME(6), tz DATETIME(6), j JSON, js JSON, u CHAR(36), bt BIT(10))");
        long seed = Long.getLong("types.seed", System.nanoTime());
        System.out.println("pglogical into MariaDB, type matrix seed " + seed + " (-Dtypes.seed replays it)");
        String text = "ab' \\\t\n\r\u00e9\u4e2d\ud83d\ude00\"%_";
        List<RandomWriter.Column> columns = List.of(
                new RandomWriter.Column("i2", RandomWriter.oneOf(8, "-32768", "32767", "0", "-1")),
                new RandomWriter.Column("i8", RandomWriter.oneOf(8, "-9223372036854775808", "9223372036854775807",
                        "0", "4294967296")),
                new RandomWriter.Column("n", r -> r.nextInt(8) == 0 ? "NULL" : (r.nextBoolean() ? "-" : "")
                        + Math.abs(r.nextLong() % 100_000_000_000_000_000L) + "." + String.format("%010d",
                        Math.abs(r.nextLong() % 10_000_000_000L))),
                new RandomWriter.Column("r", r -> r.nextInt(8) == 0 ? "NULL" : "'" + (float) ((r.nextDouble() - 0.5)
                        * Math.pow(10, r.nextInt(60) - 30)) + "'"),
                new RandomWriter.Column("d", r -> r.nextInt(8) == 0 ? "NULL" : r.nextInt(6) == 0
                        ? "'1.7976931348623157e308'" : "'" + (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(600) - 300)
                        + "'"),
                new RandomWriter.Column("b", RandomWriter.oneOf(8, "true", "false")),
                new RandomWriter.Column("v", RandomWriter.text(text, 100, 8)),
                new RandomWriter.Column("t", RandomWriter.text(text, 3000, 8)),
                new RandomWriter.Column("by", r -> r.nextInt(8) == 0 ? "NULL" : "'\\x" + RandomWriter.hex(r, r.nextInt(300)) + "'"),
                new RandomWriter.Column("dt", RandomWriter.oneOf(8, "'1000-01-01'", "'9999-12-31'", "'2024-02-29'")),
                new RandomWriter.Column("tm", RandomWriter.oneOf(8, "'00:00:00'", "'23:59:59.999999'", "'24:00:00'",
                        "'12:34:56.789'")),
                new RandomWriter.Column("ts", RandomWriter.oneOf(8, "'1000-01-01 00:00:00'",
                        "'9999-12-31 23:59:59.999999'", "'2024-02-29 12:34:56.000001'")),
                new RandomWriter.Column("tz", RandomWriter.oneOf(8, "'1000-01-01 00:00:00+00'",
                        "'2024-06-01 12:00:00.123456+02'", "'9999-12-31 20:59:59.999999-03'")),
                new RandomWriter.Column("j", RandomWriter.oneOf(8, "'{\"a\": [1, 2.50, null]}'",
                        "'\"\u00e9\ud83d\ude00\"'", "'{}'", "'{\"t\": \"x\\\\ny\\ttab\"}'")),
                new RandomWriter.Column("js", RandomWriter.oneOf(8, "'{\"b\":1,  \"a\" : [ ]}'", "'[1, \"x\"]'",
                        "'  3.10 '")),
                new RandomWriter.Column("u", r -> r.nextInt(8) == 0 ? "NULL" : "'" + new java.util.UUID(r.nextLong(),
                        r.nextLong()) + "'"),
                new RandomWriter.Column("bt", RandomWriter.oneOf(8, "B'0000000001'", "B'1111111111'",
                        "B'1010101010'", "B'0000000000'")));
        // On MySQL cdc-sink's metadata is one database per server: the loop's name is unique on it.
        List<String> load = new ArrayList<>(List.of("--targetConn", to.conn(db), "--targetDB", db, "--loopName", db,
                "--snapshot", "initial", "--snapshotChunkRows", "100", "--snapshotWorkers", "1"));
        try (RandomWriter writer = new RandomWriter(seed, source.dataSource(sourceDb)::getConnection,
                "\"" + db + "\".ty", columns)) {
            writer.fill(2_000);
            writer.start(5);
            CdcSinkProcess first = CdcSinkProcess.logicalStarting("pglogical", "pglogical-mariadb", flags(load));
            String copied = "SELECT count(*) FROM _cdc_sink.load_chunks WHERE loop_name = '" + db + "' AND copied_at"
                    + " IS NOT NULL";
            long copiedBeforeKill;
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (count(to, db, copied) < 3) {
                    assertThat(first.isAlive()).as("cdc-sink runs: %s", first.logText()).isTrue();
                    assertThat(System.nanoTime()).as("chunks copied in time").isLessThan(deadline);
                    Thread.sleep(10);
                }
            } finally {
                first.kill();
            }
            copiedBeforeKill = count(to, db, copied);
            long chunks = count(to, db, "SELECT count(*) FROM _cdc_sink.load_chunks WHERE loop_name = '" + db + "'");
            System.out.printf("pglogical into MariaDB: killed with %d of %d chunks copied%n", copiedBeforeKill, chunks);
            assertThat(copiedBeforeKill).as("killed half way through the load").isLessThan(chunks);
            try (CdcSinkProcess p = runInto(load)) {
                long loaded = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (count(to, db, "SELECT count(*) FROM _cdc_sink.loads WHERE loop_name = '" + db + "' AND"
                        + " finished_at IS NOT NULL") == 0) {
                    assertThat(System.nanoTime()).as("the load finished").isLessThan(loaded);
                    Thread.sleep(50);
                }
                Thread.sleep(1_000);
                writer.close();
                String want = "SELECT k, i2, i8, n::text, r, d, b::int, v, t, encode(by, 'hex'), dt::text, tm::text,"
                        + " ts::text, (tz AT TIME ZONE 'UTC')::text, j::text, js::text, u::text, bt::text FROM \""
                        + db + "\".ty ORDER BY k";
                // MariaDB's text of a FLOAT keeps 6 digits: read it as the DOUBLE that holds it exactly.
                String got = "SELECT k, i2, i8, CAST(n AS CHAR), CAST(r AS DOUBLE), d, CAST(b AS SIGNED), v, t,"
                        + " LOWER(HEX(`by`)),"
                        + " CAST(dt AS CHAR), CAST(tm AS CHAR), CAST(ts AS CHAR), CAST(tz AS CHAR), j, js, u,"
                        + " LPAD(BIN(bt), 10, '0') FROM ty ORDER BY k";
                writer.awaitSame("pglogical into MariaDB", seed,
                        () -> values(source.dataSource(sourceDb).getConnection(), want),
                        () -> values(to.connect(db), got));
            }
        }
    }

    /** pglogical from this test's source database into another target, with {@code flags} naming it. */
    private CdcSinkProcess runInto(List<String> flags) throws Exception {
        return CdcSinkProcess.logical("pglogical", "pglogical-mariadb", flags(flags));
    }

    private List<String> flags(List<String> target) {
        List<String> all = new ArrayList<>(List.of(
                "--sourceConn", "postgresql://postgres@localhost:" + source.port() + "/" + sourceDb
                        + "?sslmode=disable",
                "--publicationName", "my_pub", "--slotName", "cdc_sink_" + sourceDb,
                "--standbyTimeout", "500ms", "--retryDelay", "500ms", "--targetDBConns", "20"));
        all.addAll(target);
        return all;
    }

    /** The count a query gives; 0 while its table does not exist yet (cdc-sink creates its tables as it starts). */
    private static long count(TestTarget to, String db, String query) throws SQLException {
        try (Connection c = to.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * The rows of a query as text: the fifth value as a float and other floating point values as a double, each as
     * Java prints it (exact), times without trailing fractional zeros, everything else as the server's text; closes
     * the connection.
     */
    private static List<String> values(Connection c, String query) throws SQLException {
        try (c) {
            return RandomWriter.rows(c, query, (rs, i) -> {
                Object v = rs.getObject(i);
                if (v == null) {
                    return "null";
                }
                if (v instanceof Float || v instanceof Double) {
                    return i == 5 ? Float.toString(((Number) v).floatValue()) : v.toString();
                }
                String s = rs.getString(i);
                return i >= 12 && i <= 14 && s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
            });
        }
    }

    private void awaitSame(String... tables) throws Exception {
        awaitSame(Duration.ofSeconds(60), tables);
    }

    private void awaitSame(Duration timeout, String... tables) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String t : tables) {
            String want = digest(source, sourceDb, t);
            String got = digest(target, targetDb, t);
            while (!want.equals(got)) {
                assertThat(System.nanoTime()).as("table " + t + " replicated; source " + want + " target " + got)
                        .isLessThan(deadline);
                Thread.sleep(100);
                want = digest(source, sourceDb, t);
                got = digest(target, targetDb, t);
            }
        }
    }

    /** Every row's text form, in key order: equal digests mean equal tables. */
    private static String digest(EmbeddedPg pg, String db, String table) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|'"
                     + " ORDER BY x::text)), '') FROM " + table + " x")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(EmbeddedPg pg, String db, String table) throws SQLException {
        try (Connection c = pg.dataSource(db).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String currentLsn() throws SQLException {
        try (Connection c = source.dataSource(sourceDb).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The slot's confirmed position reaches {@code lsn} while cdc-sink runs: the source may discard its WAL. */
    private void awaitConfirmed(String lsn) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Connection c = source.dataSource(sourceDb).getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn >= '" + lsn + "'::pg_lsn,"
                         + " confirmed_flush_lsn::text FROM pg_replication_slots"
                         + " WHERE slot_name = 'cdc_sink_" + sourceDb + "'")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
                assertThat(System.nanoTime()).as("slot confirmed " + rs.getString(2) + ", wanted " + lsn)
                        .isLessThan(deadline);
            }
            Thread.sleep(200);
        }
    }

    private static String get(CdcSinkProcess p, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(p.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String randomText(int length) {
        Random r = new Random(9);
        StringBuilder sb = new StringBuilder(length);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
