package io.cdcsink.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PgLogicalDialectIT {
    private static final EmbeddedPg PG = EmbeddedPg.shared();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private String db;
    private String slot;
    private Connection conn;

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = PG.freshDatabase("pglogical");
        slot = db;
        conn = DriverManager.getConnection(PG.jdbcUrl(db));
    }

    @AfterEach
    void dropSlot() throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "'");
        } finally {
            conn.close();
        }
    }

    private PgLogicalConfig config() {
        return PgLogicalConfig.of("postgresql://postgres@localhost:" + PG.port() + "/" + db + "?sslmode=disable",
                "pub", slot, "target", Duration.ofMillis(200));
    }

    private void sql(String... statements) throws SQLException {
        try (Statement s = conn.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** Publication and slot as the setup steps create them, then the given tables. */
    private void setUp(String... ddl) throws SQLException {
        sql(ddl);
        sql("CREATE PUBLICATION pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    @Test
    void preflightSaysWhatToRun() throws Exception {
        PgLogicalDialect dialect = new PgLogicalDialect(config());
        assertThatThrownBy(dialect::preflight).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("publication pub (--publicationName) does not exist")
                .hasMessageContaining("CREATE PUBLICATION pub FOR ALL TABLES;");
        sql("CREATE PUBLICATION pub FOR ALL TABLES");
        assertThatThrownBy(dialect::preflight).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replication slot " + slot + " (--slotName) does not exist")
                .hasMessageContaining("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput');");
        sql("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        assertThatThrownBy(dialect::preflight).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("with plugin test_decoding")
                .hasMessageContaining("SELECT pg_drop_replication_slot('" + slot + "');")
                .hasMessageContaining("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput');");
        sql("SELECT pg_drop_replication_slot('" + slot + "')",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        dialect.preflight();
    }

    @Test
    void changesAcrossTablesInOneTransaction() throws Exception {
        setUp("CREATE TABLE t1 (id INT PRIMARY KEY, v TEXT)",
                "CREATE TABLE t2 (a TEXT, b INT, c TEXT, PRIMARY KEY (b, a))");
        String tricky = "quote\" backslash\\ newline\n tab\t nul-free \u0001 emoji 😀 ünïcode";
        String mib = "é😀x".repeat(1 << 18);
        RecordingEvents events = new RecordingEvents();
        try (Streamer s = new Streamer(new PgLogicalDialect(config()), Optional.empty(), events)) {
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO t1 VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, tricky);
                ps.executeUpdate();
                ps.setInt(1, 2);
                ps.setString(2, mib);
                ps.executeUpdate();
            }
            sql("INSERT INTO t2 VALUES ('k', 7, NULL)", "UPDATE t1 SET v = 'plain' WHERE id = 1",
                    "DELETE FROM t2 WHERE b = 7");
            conn.commit();
            conn.setAutoCommit(true);
            List<String> lines = s.await(l -> l.contains("commit"));
            assertThat(lines).hasSize(7);
            assertThat(lines.get(0)).isEqualTo("begin");
            assertThat(lines.get(1)).isEqualTo("upsert public.t1 [\"1\"] {\"id\":\"1\",\"v\":"
                    + "\"quote\\\" backslash\\\\ newline\\n tab\\t nul-free \\u0001 emoji 😀 ünïcode\"}");
            assertThat(lines.get(2)).isEqualTo("upsert public.t1 [\"2\"] {\"id\":\"2\",\"v\":\"" + mib + "\"}");
            // The key follows the primary key's order, not the table's.
            assertThat(lines.subList(3, 7)).containsExactly(
                    "upsert public.t2 [\"7\",\"k\"] {\"a\":\"k\",\"b\":\"7\",\"c\":null}",
                    "upsert public.t1 [\"1\"] {\"id\":\"1\",\"v\":\"plain\"}",
                    "delete public.t2 [\"7\",\"k\"]",
                    "commit");
            assertThat(events.commits().get(0).text()).matches("[0-9A-F]+/[0-9A-F]+");
        }
    }

    @Test
    void primaryKeyChangeDeletesTheOldRowAndTruncateIsReported() throws Exception {
        setUp("CREATE TABLE t1 (id INT PRIMARY KEY, v TEXT)", "CREATE TABLE t2 (id INT PRIMARY KEY)");
        RecordingEvents events = new RecordingEvents();
        try (Streamer s = new Streamer(new PgLogicalDialect(config()), Optional.empty(), events)) {
            sql("INSERT INTO t1 VALUES (1, 'a')", "UPDATE t1 SET id = 2 WHERE id = 1", "TRUNCATE t1, t2");
            assertThat(s.await(l -> l.stream().filter("commit"::equals).count() == 3)).containsExactly(
                    "begin", "upsert public.t1 [\"1\"] {\"id\":\"1\",\"v\":\"a\"}", "commit",
                    "begin", "delete public.t1 [\"1\"]", "upsert public.t1 [\"2\"] {\"id\":\"2\",\"v\":\"a\"}",
                    "commit",
                    "begin", "truncate public.t1", "truncate public.t2", "commit");
        }
    }

    @Test
    void unchangedToastColumnIsLeftOut() throws Exception {
        setUp("CREATE TABLE big (id INT PRIMARY KEY, n INT, doc TEXT)");
        byte[] random = new byte[75 * 1024];
        new Random(42).nextBytes(random);
        String doc = Base64.getEncoder().encodeToString(random); // 100 KiB that does not compress
        RecordingEvents events = new RecordingEvents();
        try (Streamer s = new Streamer(new PgLogicalDialect(config()), Optional.empty(), events)) {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO big VALUES (1, 1, ?)")) {
                ps.setString(1, doc);
                ps.executeUpdate();
            }
            sql("UPDATE big SET n = 2 WHERE id = 1");
            List<String> lines = s.await(l -> l.stream().filter("commit"::equals).count() == 2);
            assertThat(lines.get(1)).isEqualTo("upsert public.big [\"1\"] {\"id\":\"1\",\"n\":\"1\",\"doc\":\""
                    + doc + "\"}");
            assertThat(lines.subList(3, 6)).containsExactly("begin",
                    "upsert public.big [\"1\"] {\"id\":\"1\",\"n\":\"2\"}", "commit");
        }
    }

    @Test
    void restartFromAReturnedPositionSkipsReportedTransactions() throws Exception {
        setUp("CREATE TABLE t1 (id INT PRIMARY KEY)");
        RecordingEvents first = new RecordingEvents();
        first.holdDurable = true; // nothing acknowledged: the slot would send everything again
        try (Streamer s = new Streamer(new PgLogicalDialect(config()), Optional.empty(), first)) {
            sql("INSERT INTO t1 VALUES (1)", "INSERT INTO t1 VALUES (2)");
            s.await(l -> l.stream().filter("commit"::equals).count() == 2);
        }
        LogicalPosition afterFirst = first.commits().get(0);
        RecordingEvents second = new RecordingEvents();
        second.holdDurable = true;
        try (Streamer s = new Streamer(new PgLogicalDialect(config()), Optional.of(afterFirst), second)) {
            assertThat(s.await(l -> l.contains("commit")))
                    .containsExactly("begin", "upsert public.t1 [\"2\"] {\"id\":\"2\"}", "commit");
        }
        RecordingEvents third = new RecordingEvents();
        try (Streamer s = new Streamer(new PgLogicalDialect(config()), Optional.of(first.commits().get(1)), third)) {
            sql("INSERT INTO t1 VALUES (3)");
            assertThat(s.await(l -> l.contains("commit")))
                    .containsExactly("begin", "upsert public.t1 [\"3\"] {\"id\":\"3\"}", "commit");
        }
    }

    @Test
    void durablePositionAdvancesTheSlot() throws Exception {
        setUp("CREATE TABLE t1 (id INT PRIMARY KEY)");
        RecordingEvents events = new RecordingEvents();
        events.holdDurable = true;
        try (Streamer s = new Streamer(new PgLogicalDialect(config()), Optional.empty(), events)) {
            sql("INSERT INTO t1 VALUES (1)");
            s.await(l -> l.contains("commit"));
            String position = events.commits().get(0).text();
            Thread.sleep(800); // four status intervals
            assertThat(confirmedAtLeast(position)).as("acknowledged before durable").isFalse();
            events.holdDurable = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!confirmedAtLeast(position) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(confirmedAtLeast(position)).as("confirmed_flush_lsn reaches " + position).isTrue();

            // WAL nothing is published from (a non-transactional message, not requested) is acknowledged once the
            // stream is idle and caught up, so an idle slot does not hold WAL back. The function returns the end of
            // its record; flush (PostgreSQL 17+) because the server runs with synchronous_commit=off.
            String unpublished;
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_logical_emit_message(false, 'test', 'x', true)::text")) {
                rs.next();
                unpublished = rs.getString(1);
            }
            deadline = System.nanoTime() + WAIT.toNanos();
            while (!confirmedAtLeast(unpublished) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(confirmedAtLeast(unpublished)).as("confirmed_flush_lsn reaches " + unpublished).isTrue();
            assertThat(events.lines()).containsExactly("begin", "upsert public.t1 [\"1\"] {\"id\":\"1\"}", "commit");
        }
    }

    @Test
    void keylessTableFailsNamingItAndRollsBack() throws Exception {
        setUp("CREATE TABLE nokey (v TEXT)", "CREATE TABLE t1 (id INT PRIMARY KEY)");
        RecordingEvents events = new RecordingEvents();
        PgLogicalDialect dialect = new PgLogicalDialect(config());
        conn.setAutoCommit(false);
        sql("INSERT INTO t1 VALUES (1)", "INSERT INTO nokey VALUES ('x')");
        conn.commit();
        conn.setAutoCommit(true);
        assertThatThrownBy(() -> dialect.stream(Optional.empty(), events)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("table target.public.nokey has no primary key / replica identity; "
                        + "cdc-sink needs one");
        assertThat(events.lines()).containsExactly("begin", "upsert public.t1 [\"1\"] {\"id\":\"1\"}", "rollback");
    }

    private boolean confirmedAtLeast(String position) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, position);
            ps.setString(2, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Runs {@code stream()} on its own thread until closed, as the replication loop does. */
    private static final class Streamer implements AutoCloseable {
        private final Thread thread;
        private final RecordingEvents events;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Streamer(PgLogicalDialect dialect, Optional<LogicalPosition> from, RecordingEvents events) {
            this.events = events;
            this.thread = new Thread(() -> {
                try {
                    dialect.stream(from, events);
                } catch (InterruptedException e) {
                    // stopped by close()
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "pglogical-test");
            thread.start();
        }

        List<String> await(Predicate<List<String>> done) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                List<String> lines = events.lines();
                if (done.test(lines)) {
                    return lines;
                }
                if (failure.get() != null) {
                    throw new AssertionError("stream failed", failure.get());
                }
                Thread.sleep(20);
            }
            throw new AssertionError("timed out; got " + events.lines());
        }

        @Override
        public void close() {
            thread.interrupt();
            try {
                thread.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping the stream", e);
            }
            assertThat(thread.isAlive()).as("stream stopped on interrupt").isFalse();
            assertThat(failure.get()).as("stream failure").isNull();
        }
    }
}
