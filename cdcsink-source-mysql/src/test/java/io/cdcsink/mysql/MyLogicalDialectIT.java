package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.testing.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MyLogicalDialectIT {
    private static final long WAIT_SECONDS = 30;
    private static EmbeddedMariaDb server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EmbeddedMariaDb.shared();
        System.out.println("MariaDB under test: " + server.version());
    }

    private static MyLogicalDialect dialect(String database) {
        return new MyLogicalDialect(new MyLogicalConfig(MySqlConn.parse(server.sourceConn()), Optional.empty(),
                "target", "public", Set.of(database), 10));
    }

    private static Optional<LogicalPosition> now() throws Exception {
        return Optional.of(new LogicalPosition("mariadb:" + server.gtidBinlogPos(), Instant.EPOCH));
    }

    private static String table(String name) {
        return "target.public." + name;
    }

    @Test
    void preflightAcceptsAProperlyConfiguredServer() throws Exception {
        dialect("any").preflight();
        assertThat(SourceServer.problems(server.connect(""), Flavor.MARIADB)).isEmpty();
    }

    @Test
    void preflightNamesTheWrongSettingItsValueAndTheOption() throws Exception {
        server.execute("", "SET GLOBAL binlog_row_metadata = MINIMAL", "SET GLOBAL binlog_row_image = MINIMAL");
        try {
            assertThatThrownBy(() -> dialect("any").preflight())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("binlog_row_metadata is MINIMAL but must be FULL")
                    .hasMessageContaining("--binlog-row-metadata=FULL")
                    .hasMessageContaining("binlog_row_image is MINIMAL but must be FULL")
                    .hasMessageNotContaining("binlog_format");
        } finally {
            server.execute("", "SET GLOBAL binlog_row_metadata = FULL", "SET GLOBAL binlog_row_image = FULL");
        }
    }

    @Test
    void bulkInsertUpdateAndDeleteArriveAsThreeTransactions() throws Exception {
        String db = server.newDatabase("bulk");
        server.execute(db, "CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(20))");
        Optional<LogicalPosition> from = now();
        try (Connection conn = server.connect(db); Statement st = conn.createStatement()) {
            conn.setAutoCommit(false);
            for (int k = 0; k < 1024; k++) {
                st.addBatch("INSERT INTO t VALUES (" + k + ", 'v" + k + "')");
            }
            st.executeBatch();
            conn.commit();
            st.execute("UPDATE t SET v = CONCAT(v, '!')");
            conn.commit();
            st.execute("DELETE FROM t WHERE k < 50");
            conn.commit();
        }
        RecordingEvents events = new RecordingEvents();
        try (StreamRun run = new StreamRun(dialect(db), from, events)) {
            run.awaitCommits(events, 3, WAIT_SECONDS);
        }
        List<String> lines = events.lines();
        assertThat(lines).hasSize(3 * 2 + 1024 + 1024 + 50);
        assertThat(lines.get(0)).isEqualTo("begin");
        assertThat(lines.get(1)).isEqualTo("upsert " + table("t") + " [\"0\"] {\"k\":\"0\",\"v\":\"v0\"}");
        assertThat(lines.get(1024)).isEqualTo("upsert " + table("t") + " [\"1023\"] {\"k\":\"1023\",\"v\":\"v1023\"}");
        assertThat(lines.get(1025)).startsWith("commit mariadb:0-1-");
        assertThat(lines.get(1026)).isEqualTo("begin");
        assertThat(lines.get(1027)).isEqualTo("upsert " + table("t") + " [\"0\"] {\"k\":\"0\",\"v\":\"v0!\"}");
        assertThat(lines.get(2051)).startsWith("commit ");
        assertThat(lines.get(2052)).isEqualTo("begin");
        assertThat(lines.get(2053)).isEqualTo("delete " + table("t") + " [\"0\"]");
        assertThat(lines.get(2102)).isEqualTo("delete " + table("t") + " [\"49\"]");
        assertThat(lines.get(2103)).startsWith("commit ");
        List<LogicalPosition> commits = events.commits();
        assertThat(commits.get(2).text()).isEqualTo("mariadb:" + server.gtidBinlogPos());
        for (int i = 1; i < commits.size(); i++) {
            assertThat(GtidPositions.parse(commits.get(i - 1).text()).isBefore(GtidPositions.parse(commits.get(i).text())))
                    .isTrue();
        }
        assertThat(commits.get(0).commitTime()).isAfter(Instant.now().minusSeconds(600));
    }

    @Test
    void primaryKeyChangeDeletesTheOldKey() throws Exception {
        String db = server.newDatabase("pk");
        server.execute(db, "CREATE TABLE t (a INT, b VARCHAR(5), v INT, PRIMARY KEY (b, a))",
                "INSERT INTO t VALUES (1, 'x', 10)");
        Optional<LogicalPosition> from = now();
        server.execute(db, "UPDATE t SET a = 2 WHERE a = 1", "UPDATE t SET v = 11 WHERE a = 2");
        RecordingEvents events = new RecordingEvents();
        try (StreamRun run = new StreamRun(dialect(db), from, events)) {
            run.awaitCommits(events, 2, WAIT_SECONDS);
        }
        List<String> lines = events.lines();
        assertThat(lines.subList(0, 4)).containsExactly("begin",
                "delete " + table("t") + " [\"x\",\"1\"]",
                "upsert " + table("t") + " [\"x\",\"2\"] {\"a\":\"2\",\"b\":\"x\",\"v\":\"10\"}",
                lines.get(3));
        assertThat(lines.get(3)).startsWith("commit ");
        assertThat(lines.subList(4, 7)).containsExactly("begin",
                "upsert " + table("t") + " [\"x\",\"2\"] {\"a\":\"2\",\"b\":\"x\",\"v\":\"11\"}", lines.get(6));
    }

    @Test
    void schemaChangeBetweenTransactionsAdvancesThePositionAndKeepsStreaming() throws Exception {
        String db = server.newDatabase("ddl");
        server.execute(db, "CREATE TABLE t (k INT PRIMARY KEY, v INT)");
        Optional<LogicalPosition> from = now();
        server.execute(db, "INSERT INTO t VALUES (1, 1)", "ALTER TABLE t ADD COLUMN w VARCHAR(3) DEFAULT 'n'",
                "INSERT INTO t VALUES (2, 2, 'y')");
        RecordingEvents events = new RecordingEvents();
        try (StreamRun run = new StreamRun(dialect(db), from, events)) {
            run.awaitCommits(events, 3, WAIT_SECONDS);
        }
        List<String> lines = events.lines();
        assertThat(lines).hasSize(8);
        assertThat(lines.get(1)).isEqualTo("upsert " + table("t") + " [\"1\"] {\"k\":\"1\",\"v\":\"1\"}");
        assertThat(lines.subList(3, 5)).containsExactly("begin", lines.get(4));
        assertThat(lines.get(4)).startsWith("commit mariadb:");
        assertThat(lines.get(6)).isEqualTo("upsert " + table("t") + " [\"2\"] {\"k\":\"2\",\"v\":\"2\",\"w\":\"y\"}");
        assertThat(events.commits().get(2).text()).isEqualTo("mariadb:" + server.gtidBinlogPos());
    }

    @Test
    void restartingFromAReportedPositionReportsNothingTwice() throws Exception {
        String db = server.newDatabase("restart");
        server.execute(db, "CREATE TABLE t (k INT PRIMARY KEY)");
        Optional<LogicalPosition> from = now();
        server.execute(db, "INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)", "INSERT INTO t VALUES (3)");
        RecordingEvents first = new RecordingEvents();
        try (StreamRun run = new StreamRun(dialect(db), from, first)) {
            run.awaitCommits(first, 3, WAIT_SECONDS);
        }
        LogicalPosition second = first.commits().get(1);
        RecordingEvents again = new RecordingEvents();
        try (StreamRun run = new StreamRun(dialect(db), Optional.of(second), again)) {
            server.execute(db, "INSERT INTO t VALUES (4)");
            run.awaitCommits(again, 2, WAIT_SECONDS);
        }
        List<String> upserts = new ArrayList<>();
        for (String line : again.lines()) {
            if (line.startsWith("upsert")) {
                upserts.add(line);
            }
        }
        assertThat(upserts).containsExactly("upsert " + table("t") + " [\"3\"] {\"k\":\"3\"}",
                "upsert " + table("t") + " [\"4\"] {\"k\":\"4\"}");
        assertThat(again.commits().get(0)).isEqualTo(first.commits().get(2));
    }

    @Test
    void tableWithoutPrimaryKeyFailsNamingTheTable() throws Exception {
        String db = server.newDatabase("nopk");
        server.execute(db, "CREATE TABLE loose (v INT)");
        Optional<LogicalPosition> from = now();
        server.execute(db, "INSERT INTO loose VALUES (1), (1)");
        RecordingEvents events = new RecordingEvents();
        StreamRun run = new StreamRun(dialect(db), from, events);
        Throwable failure = run.awaitFailure(WAIT_SECONDS);
        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("source table " + db + ".loose has no primary key");
        // No rollback: the loop would take it for an abandoned transaction and retry at once, hiding the failure.
        assertThat(events.lines()).containsExactly("begin");
    }

    @Test
    void otherSourceDatabasesAreFilteredOut() throws Exception {
        String db = server.newDatabase("kept");
        String other = server.newDatabase("skipped");
        server.execute(db, "CREATE TABLE t (k INT PRIMARY KEY)");
        server.execute(other, "CREATE TABLE t (k INT PRIMARY KEY)");
        Optional<LogicalPosition> from = now();
        server.execute(other, "INSERT INTO t VALUES (7)");
        server.execute(db, "INSERT INTO t VALUES (8)");
        RecordingEvents events = new RecordingEvents();
        try (StreamRun run = new StreamRun(dialect(db), from, events)) {
            run.awaitCommits(events, 2, WAIT_SECONDS);
        }
        assertThat(events.lines()).filteredOn(l -> l.startsWith("upsert"))
                .containsExactly("upsert " + table("t") + " [\"8\"] {\"k\":\"8\"}");
    }

    @Test
    void typesArriveAsExactJson() throws Exception {
        String db = server.newDatabase("types");
        server.execute(db, "CREATE TABLE types ("
                + "id INT PRIMARY KEY, d DECIMAL(65,30), e ENUM('small','medium','large'), s SET('a','b','c'),"
                + "b BIT(8), bin BINARY(4), vb VARBINARY(8), bl BLOB, dt DATETIME(6), ts TIMESTAMP(6) NULL,"
                + "tm TIME(6), y YEAR, j JSON, ub BIGINT UNSIGNED, tu TINYINT UNSIGNED, ti TINYINT,"
                + "txt VARCHAR(20) CHARACTER SET utf8mb4, lt LONGTEXT, l1 VARCHAR(5) CHARACTER SET latin1,"
                + "f FLOAT, db DOUBLE, dte DATE, ch CHAR(5), dt0 DATETIME)");
        Optional<LogicalPosition> from = now();
        try (Connection conn = server.connect(db); Statement st = conn.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            st.execute("INSERT INTO types VALUES (1,"
                    + " 99999999999999999999999999999999999.999999999999999999999999999999, 'medium', 'a,c',"
                    + " b'00000101', x'00FF80', x'C328FF', x'FFFE00', '2024-02-29 23:59:59.123456',"
                    + " '2024-02-29 12:00:00.654321', '123:45:06.5', 2155, '{\"a\": [1, 2.5, \"x\"], \"b\": null}',"
                    + " 18446744073709551615, 255, -128, 'h\u00e9llo \uD83C\uDF89', 'line1\nline2\t\"q\"',"
                    + " 'caf\u00e9', 1.5, 2.25, '1000-01-01', 'ab', '9999-12-31 23:59:59')");
            st.execute("INSERT INTO types (id, d) VALUES (2, -0.000000000000000000000000000001)");
        }
        RecordingEvents events = new RecordingEvents();
        try (StreamRun run = new StreamRun(dialect(db), from, events)) {
            run.awaitCommits(events, 2, WAIT_SECONDS);
        }
        List<String> lines = events.lines();
        assertThat(lines.get(1)).isEqualTo("upsert " + table("types") + " [\"1\"] {\"id\":\"1\","
                + "\"d\":\"99999999999999999999999999999999999.999999999999999999999999999999\","
                + "\"e\":\"medium\",\"s\":\"a,c\",\"b\":\"00000101\",\"bin\":\"\\\\x00ff8000\","
                + "\"vb\":\"\\\\xc328ff\",\"bl\":\"\\\\xfffe00\",\"dt\":\"2024-02-29 23:59:59.123456\","
                + "\"ts\":\"2024-02-29 12:00:00.654321+00\",\"tm\":\"123:45:06.500000\",\"y\":\"2155\","
                + "\"j\":\"{\\\"a\\\": [1, 2.5, \\\"x\\\"], \\\"b\\\": null}\","
                + "\"ub\":\"18446744073709551615\",\"tu\":\"255\",\"ti\":\"-128\","
                + "\"txt\":\"h\u00e9llo \uD83C\uDF89\",\"lt\":\"line1\\nline2\\t\\\"q\\\"\",\"l1\":\"caf\u00e9\","
                + "\"f\":\"1.5\",\"db\":\"2.25\",\"dte\":\"1000-01-01\",\"ch\":\"ab\","
                + "\"dt0\":\"9999-12-31 23:59:59\"}");
        assertThat(lines.get(4)).isEqualTo("upsert " + table("types") + " [\"2\"] {\"id\":\"2\","
                + "\"d\":\"-0.000000000000000000000000000001\",\"e\":null,\"s\":null,\"b\":null,\"bin\":null,"
                + "\"vb\":null,\"bl\":null,\"dt\":null,\"ts\":null,\"tm\":null,\"y\":null,\"j\":null,\"ub\":null,"
                + "\"tu\":null,\"ti\":null,\"txt\":null,\"lt\":null,\"l1\":null,\"f\":null,\"db\":null,\"dte\":null,"
                + "\"ch\":null,\"dt0\":null}");
    }

    @Test
    void defaultPositionComesFromDefaultGtidSet() {
        MyLogicalDialect dialect = new MyLogicalDialect(new MyLogicalConfig(MySqlConn.parse(server.sourceConn()),
                Optional.of("0-1-5"), "target", "public", Set.of(), 10));
        assertThat(dialect.defaultPosition()).contains(new LogicalPosition("mariadb:0-1-5", Instant.EPOCH));
        assertThat(dialect("x").defaultPosition()).isEmpty();
    }
}
