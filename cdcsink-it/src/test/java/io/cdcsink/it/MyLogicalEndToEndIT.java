package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcsink.it.JarCommand.Run;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cdc-sink mylogical} as users run it: the real jar from a MariaDB server with GTID binlogs into an embedded
 * PostgreSQL target, started with {@code --defaultGTIDSet} taken from the source as the README's steps say. Crash
 * safety (kill -9 storms) is {@link CrashStormIT}'s.
 */
class MyLogicalEndToEndIT {
    private final EmbeddedMariaDb source = EmbeddedMariaDb.shared();
    private final EmbeddedPg target = EmbeddedPg.shared();
    private String sourceDb;
    private String targetDb;

    @BeforeEach
    void freshDatabases() throws SQLException {
        sourceDb = source.newDatabase("mysrc");
        targetDb = target.freshDatabase("mydst");
    }

    private void targetSql(String... sql) throws SQLException {
        try (Connection c = target.dataSource(targetDb).getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private CdcSinkProcess run(String gtid, String... extra) throws Exception {
        return run(TestTarget.POSTGRESQL, targetDb, gtid, extra);
    }

    private CdcSinkProcess run(TestTarget to, String db, String gtid, String... extra) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--sourceConn", source.sourceConn(),
                "--targetConn", to.conn(db), "--targetDB", db, "--targetSchema", to.schema(db),
                "--sourceDatabase", sourceDb, "--defaultGTIDSet", gtid,
                // On MySQL cdc-sink's metadata is one database per server: the loop's name is unique on it.
                "--loopName", to == TestTarget.MARIADB ? db : "mylogical",
                "--standbyTimeout", "500ms", "--retryDelay", "500ms", "--targetDBConns", "20"));
        flags.addAll(List.of(extra));
        return CdcSinkProcess.logical("mylogical", "mylogical", flags);
    }

    @ParameterizedTest(name = "immediate={0}")
    @ValueSource(booleans = {false, true})
    void insertsUpdatesAndDeletesArrive(boolean immediate) throws Exception {
        source.execute(sourceDb, "CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(64))");
        targetSql("CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
        String gtid = source.gtidBinlogPos();
        StringBuilder insert = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 0; i < 1024; i++) {
            insert.append(i == 0 ? "" : ",").append("(").append(i).append(", 'v").append(i).append("')");
        }
        source.execute(sourceDb, "START TRANSACTION", insert.toString(), "COMMIT");
        try (CdcSinkProcess p = immediate ? run(gtid, "--immediate") : run(gtid)) {
            awaitSame("SELECT k, v FROM t ORDER BY k");
            source.execute(sourceDb, "UPDATE t SET v = CONCAT(v, ' updated')");
            source.execute(sourceDb, "DELETE FROM t WHERE k < 50");
            awaitSame("SELECT k, v FROM t ORDER BY k");
        }
        assertThat(rows(false, "SELECT count(*) FROM t")).containsExactly("974");
    }

    /**
     * Issue #27, poison rows from a binlog: under the default policy the refused row stops the stream, named once by
     * table on /_/healthz (its key in the log), and the stream resumes when the target accepts it; under {@code deadletter} it is set aside
     * and the rest flows on, then {@code deadletters retry} applies it after the fix. Either way the target ends equal
     * to the source.
     */
    @ParameterizedTest(name = "onApplyError={0}")
    @ValueSource(strings = {"stop", "deadletter"})
    void aRowTheTargetRefusesWaitsOrIsSetAsideAndConvergesAfterTheFix(String policy) throws Exception {
        source.execute(sourceDb, "CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(64))");
        targetSql("CREATE TABLE t (k INT PRIMARY KEY, v TEXT CONSTRAINT no_poison CHECK (v <> 'poison'))");
        String gtid = source.gtidBinlogPos();
        source.execute(sourceDb, "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        try (CdcSinkProcess p = run(gtid, "--onApplyError", policy)) {
            awaitSame("SELECT k, v FROM t ORDER BY k");
            source.execute(sourceDb, "START TRANSACTION", "UPDATE t SET v = 'poison' WHERE k = 2",
                    "UPDATE t SET v = 'c2' WHERE k = 3", "COMMIT");
            if (policy.equals("stop")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                String health = "";
                // /_/healthz needs no token, so it shows the refused row's table but not its key; the log names it.
                while (!health.contains("the row with key (hidden) of table")) {
                    assertThat(System.nanoTime()).as("healthz names the table; last: " + health).isLessThan(deadline);
                    Thread.sleep(200);
                    health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(p.uri("/_/healthz")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                }
                assertThat(health).contains("loop mylogical waits").contains("no_poison").doesNotContain("[\"2\"]");
                assertThat(p.logText()).contains("the target refused the row with key [\"2\"] of table");
                assertThat(rows(false, "SELECT v FROM t WHERE k = 3")).as("nothing of the transaction")
                        .containsExactly("c");
                targetSql("ALTER TABLE t DROP CONSTRAINT no_poison");
            } else {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!rows(false, "SELECT v FROM t WHERE k = 3").equals(List.of("c2"))) {
                    assertThat(System.nanoTime()).as("the rest of the transaction applied").isLessThan(deadline);
                    Thread.sleep(100);
                }
                targetSql("ALTER TABLE t DROP CONSTRAINT no_poison");
                Run retry = JarCommand.run("deadletters", "retry", "--targetConn",
                        "postgresql://postgres@localhost:" + target.port() + "/" + targetDb + "?sslmode=disable");
                assertThat(retry.exit()).as(retry.output()).isZero();
                assertThat(retry.output()).contains("1 of 1 dead letters applied");
            }
            awaitSame("SELECT k, v FROM t ORDER BY k");
        }
    }

    @Test
    void typesArriveExactly() throws Exception {
        source.execute(sourceDb, "CREATE TABLE ty (k BIGINT UNSIGNED PRIMARY KEY, d DECIMAL(65,30), e ENUM('a','b c'),"
                + " s SET('x','y','z'), b BIT(8), bin VARBINARY(8), dt DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6),"
                + " y YEAR, j JSON, u VARCHAR(20) CHARACTER SET utf8mb4)");
        targetSql("CREATE TABLE ty (k NUMERIC(20) PRIMARY KEY, d NUMERIC(65,30), e TEXT, s TEXT, b BIT(8), bin BYTEA,"
                + " dt TIMESTAMP(6), ts TIMESTAMPTZ, tm INTERVAL, y INT, j TEXT, u TEXT)");
        String gtid = source.gtidBinlogPos();
        source.execute(sourceDb, "SET time_zone = '+00:00'",
                "INSERT INTO ty VALUES (18446744073709551615, 12345678901234567890123456789012345.123456789012345678901234567891,"
                        + " 'b c', 'x,z', b'10100101', X'00FF80', '2024-02-29 23:59:59.123456',"
                        + " '2024-06-01 12:00:00.5', '838:59:59.000000', 2024, '{\"a\": [1, 2]}', 'h\u00e9 \ud83d\ude00')",
                "INSERT INTO ty (k) VALUES (1)");
        try (CdcSinkProcess p = run(gtid)) {
            awaitCount("ty", 2);
        }
        assertThat(rows(false, "SELECT k::text, d::text, e, s, b::text, encode(bin, 'hex'), dt::text,"
                + " (ts AT TIME ZONE 'UTC')::text, y::text, u FROM ty ORDER BY k DESC")).containsExactly(
                "18446744073709551615|12345678901234567890123456789012345.123456789012345678901234567891|b c|x,z|"
                        + "10100101|00ff80|2024-02-29 23:59:59.123456|2024-06-01 12:00:00.5|2024|h\u00e9 \ud83d\ude00",
                "1|null|null|null|null|null|null|null|null|null");
    }

    @Test
    void aHugeTransactionReplicatesWithASmallBudget() throws Exception {
        source.execute(sourceDb, "CREATE TABLE huge (k INT PRIMARY KEY, v VARCHAR(40), n DECIMAL(20,4))");
        targetSql("CREATE TABLE huge (k INT PRIMARY KEY, v TEXT, n NUMERIC(20,4))");
        String gtid = source.gtidBinlogPos();
        source.execute(sourceDb, "SET SESSION max_recursive_iterations = 300000",
                "INSERT INTO huge WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 200000)"
                        + " SELECT i, MD5(i), i * 1.5 FROM g");
        try (CdcSinkProcess p = run(gtid, "--bytesInFlight", "1048576")) {
            awaitCount("huge", 200_000, Duration.ofMinutes(4));
        }
        assertThat(rows(false, "SELECT sum(n)::text FROM huge")).containsExactly("30000150000.0000");
    }

    /**
     * MariaDB database A into database B (issue #29): a table of every MariaDB type family, filled before the start
     * and copied by {@code --snapshot initial}, then written by a seeded random writer (edge values, NULLs) while
     * cdc-sink runs, is killed with SIGKILL once and started again. Every value of every row ends byte-identical.
     */
    @Test
    void intoMariaDbEveryTypeEndsByteIdenticalThroughALoadAKillAndTheStream() throws Exception {
        TestTarget to = TestTarget.MARIADB;
        String db = to.freshDatabase("mydst");
        String ddl = "CREATE TABLE ty (k INT PRIMARY KEY, ti TINYINT, su SMALLINT UNSIGNED, mi MEDIUMINT,"
                + " bu BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, db DOUBLE, bt BIT(10), c CHAR(5),"
                + " v VARCHAR(100) CHARACTER SET utf8mb4, tx TEXT CHARACTER SET utf8mb4, bl BLOB, vb VARBINARY(20),"
                + " dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), y YEAR, e ENUM('a','b c','\u00e9'),"
                + " s SET('x','y','z'), j JSON)";
        source.execute(sourceDb, ddl);
        to.exec(db, ddl);
        long seed = Long.getLong("types.seed", System.nanoTime());
        System.out.println("mylogical into MariaDB, type matrix seed " + seed + " (-Dtypes.seed replays it)");
        String text = "ab' \\\t\n\r\u00e9\u4e2d\ud83d\ude00\"%_";
        List<RandomWriter.Column> columns = List.of(
                new RandomWriter.Column("ti", RandomWriter.oneOf(8, "-128", "127", "0", "-1", "42")),
                new RandomWriter.Column("su", RandomWriter.oneOf(8, "0", "65535", "1", "32768")),
                new RandomWriter.Column("mi", RandomWriter.oneOf(8, "-8388608", "8388607", "0", "12345")),
                new RandomWriter.Column("bu", RandomWriter.oneOf(8, "0", "18446744073709551615",
                        "9223372036854775808", "1")),
                new RandomWriter.Column("d", r -> r.nextInt(8) == 0 ? "NULL" : (r.nextBoolean() ? "-" : "")
                        + Math.abs(r.nextLong() % 100_000_000_000_000_000L) + "." + String.format("%010d",
                        Math.abs(r.nextLong() % 10_000_000_000L))),
                new RandomWriter.Column("f", r -> r.nextInt(8) == 0 ? "NULL" : Float.toString(
                        (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(30) - 15)))),
                new RandomWriter.Column("db", r -> r.nextInt(8) == 0 ? "NULL" : r.nextInt(6) == 0
                        ? "1.7976931348623157e308" : Double.toString((r.nextDouble() - 0.5)
                        * Math.pow(10, r.nextInt(600) - 300))),
                new RandomWriter.Column("bt", RandomWriter.oneOf(8, "b'0'", "b'1111111111'", "b'1000000001'",
                        "b'0101'")),
                new RandomWriter.Column("c", RandomWriter.text("ab xy", 5, 8)),
                new RandomWriter.Column("v", RandomWriter.text(text, 100, 8)),
                new RandomWriter.Column("tx", RandomWriter.text(text, 3000, 8)),
                new RandomWriter.Column("bl", r -> r.nextInt(8) == 0 ? "NULL" : "X'" + RandomWriter.hex(r, r.nextInt(300)) + "'"),
                new RandomWriter.Column("vb", r -> r.nextInt(8) == 0 ? "NULL" : "X'" + RandomWriter.hex(r, r.nextInt(21)) + "'"),
                new RandomWriter.Column("dt", RandomWriter.oneOf(8, "'1000-01-01'", "'9999-12-31'", "'2024-02-29'",
                        "'1970-01-01'")),
                new RandomWriter.Column("dtm", RandomWriter.oneOf(8, "'1000-01-01 00:00:00'",
                        "'9999-12-31 23:59:59.999999'", "'2024-02-29 12:34:56.000001'", "'1999-12-31 23:59:59.5'")),
                new RandomWriter.Column("ts", RandomWriter.oneOf(8, "'1970-01-01 00:00:01'",
                        "'2038-01-19 03:14:07.999999'", "'2024-06-01 12:00:00.123456'")),
                new RandomWriter.Column("tm", RandomWriter.oneOf(8, "'-838:59:59'", "'838:59:59'", "'00:00:00'",
                        "'-00:00:00.000001'", "'12:34:56.789'")),
                new RandomWriter.Column("y", RandomWriter.oneOf(8, "1901", "2155", "0", "2024")),
                new RandomWriter.Column("e", RandomWriter.oneOf(8, "'a'", "'b c'", "'\u00e9'")),
                new RandomWriter.Column("s", RandomWriter.oneOf(8, "''", "'x'", "'x,z'", "'x,y,z'")),
                new RandomWriter.Column("j", RandomWriter.oneOf(8, "'{}'", "'[1, 2.50, null, \"\u00e9\"]'",
                        "'{\"a\": {\"b\": [true, false]}, \"t\": \"x\\\\ny\"}'", "'\"\ud83d\ude00\"'")));
        // The literals keep backslashes as they are, as PostgreSQL's do.
        Callable<Connection> literal = () -> {
            Connection c = source.connect(sourceDb);
            try (Statement s = c.createStatement()) {
                s.execute("SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
            }
            return c;
        };
        try (RandomWriter writer = new RandomWriter(seed, literal, "ty", columns)) {
            writer.fill(300);
            String gtid = source.gtidBinlogPos();
            writer.start(5);
            String[] load = {"--snapshot", "initial", "--snapshotChunkRows", "100"};
            CdcSinkProcess first = run(to, db, gtid, load);
            try {
                Thread.sleep(1_500);
            } finally {
                first.kill();
            }
            try (CdcSinkProcess p = run(to, db, gtid, load)) {
                Thread.sleep(1_500);
                writer.close();
                // MariaDB's text of a FLOAT keeps 6 digits: f is read as the DOUBLE that holds it exactly.
                String query = "SELECT k, ti, su, mi, bu, d, CAST(f AS DOUBLE), db, bt, c, v, tx, bl, vb, dt, dtm, ts,"
                        + " tm, y, e, s, j FROM ty ORDER BY k";
                writer.awaitSame("mylogical into MariaDB", seed, () -> bytes(source.connect(sourceDb), query),
                        () -> bytes(to.connect(db), query));
            }
        }
    }

    /**
     * The rows of a query, every value exactly: binary strings and bits as the hex of their bytes, floating point
     * numbers as Java prints the double (which tells every value apart), everything else as the server's text of
     * it; closes the connection.
     */
    private static List<String> bytes(Connection c, String query) throws SQLException {
        try (c) {
            return RandomWriter.rows(c, query, (rs, i) -> {
                switch (rs.getMetaData().getColumnType(i)) {
                    case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, Types.BIT -> {
                        byte[] v = rs.getBytes(i);
                        return v == null ? "null" : HexFormat.of().formatHex(v);
                    }
                    case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                        return String.valueOf(rs.getObject(i));
                    }
                    default -> {
                        return rs.getString(i);
                    }
                }
            });
        }
    }

    /**
     * Into MariaDB with the default {@code --targetSchema public}, which names a database the server lacks: the loop
     * waits, and /_/healthz says the database is missing with the statements that fix it; run, they let it resume.
     */
    @Test
    void intoMariaDbATargetSchemaNamingNoDatabaseWaitsWithTheStatementsThatFixIt() throws Exception {
        TestTarget to = TestTarget.MARIADB;
        String db = to.freshDatabase("mydst");
        source.execute(sourceDb, "CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(64))");
        String gtid = source.gtidBinlogPos();
        source.execute(sourceDb, "INSERT INTO t VALUES (1, 'a')");
        List<String> flags = List.of("--sourceConn", source.sourceConn(), "--targetConn", to.conn(db), "--targetDB",
                db, "--loopName", db, "--sourceDatabase", sourceDb, "--defaultGTIDSet", gtid, "--retryDelay", "300ms");
        try (CdcSinkProcess p = CdcSinkProcess.logical("mylogical", "mylogical-nodb", flags)) {
            String want = "and the target server has no database `public` (on MySQL the schema part names the database"
                    + " that holds the table: mylogical's --targetSchema, pglogical's source schema); to resume:"
                    + " CREATE DATABASE `public`; CREATE TABLE `public`.`t`";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String health = "";
            while (!health.contains(want)) {
                assertThat(System.nanoTime()).as("healthz names the missing database; last: " + health)
                        .isLessThan(deadline);
                Thread.sleep(200);
                health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(p.uri("/_/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            String fix = health.substring(health.indexOf("to resume: ") + "to resume: ".length()).strip();
            try {
                to.exec(db, fix.split("; "));
                while (!rows(to, "public", "SELECT k, v FROM t").equals(List.of("1|a"))) {
                    assertThat(System.nanoTime()).as("resumed after the fix").isLessThan(deadline);
                    Thread.sleep(200);
                }
            } finally {
                to.exec(db, "DROP DATABASE IF EXISTS `public`");
            }
        }
    }

    private static List<String> rows(TestTarget to, String db, String query) throws SQLException {
        try (Connection c = to.connect(db)) {
            return RandomWriter.rows(c, query, (rs, i) -> rs.getString(i)).stream()
                    .map(r -> r.replace(" | ", "|")).toList();
        }
    }

    private void awaitSame(String query) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> want = rows(true, query);
        List<String> got = rows(false, query);
        while (!want.equals(got)) {
            assertThat(System.nanoTime()).as("replicated: " + query + "; source has " + want.size() + " rows, target "
                    + got.size()).isLessThan(deadline);
            Thread.sleep(100);
            want = rows(true, query);
            got = rows(false, query);
        }
    }

    private void awaitCount(String table, int n) throws Exception {
        awaitCount(table, n, Duration.ofSeconds(60));
    }

    private void awaitCount(String table, int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!rows(false, "SELECT count(*) FROM " + table).equals(List.of(String.valueOf(n)))) {
            assertThat(System.nanoTime()).as(table + " has " + n + " rows").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Rows as {@code a|b|c} text, from the source (MariaDB) or the target (PostgreSQL). */
    private List<String> rows(boolean fromSource, String query) throws SQLException {
        try (Connection c = fromSource ? source.connect(sourceDb) : target.dataSource(targetDb).getConnection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<String> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
            return out;
        }
    }
}
