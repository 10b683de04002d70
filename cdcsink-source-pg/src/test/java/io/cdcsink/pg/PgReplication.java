package io.cdcsink.pg;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.core.Replicator;
import io.cdcsink.core.TargetConfig;
import io.cdcsink.core.logical.LogicalConfig;
import io.cdcsink.core.logical.LogicalLoop;
import io.cdcsink.core.logical.SnapshotConfig;
import io.cdcsink.core.status.StatusSnapshot.BlockedView;
import io.cdcsink.engine.SchemaEvolution;
import io.cdcsink.testing.EmbeddedPg;
import io.cdcsink.testing.TableDiff;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.replication.LogSequenceNumber;

/**
 * {@code pglogical} in this JVM between a fresh source and a fresh target database of one PostgreSQL server: the
 * same DDL on both, a publication for all tables and a slot, and the real dialect and loop. {@link #compare} reads
 * both sides through each column's output function ({@code ::text}): the source is the oracle.
 */
final class PgReplication implements AutoCloseable {
    /** How the loop applies. */
    enum Mode {
        CONSISTENT, IMMEDIATE, BACKFILL;

        LogicalConfig configure(LogicalConfig config) {
            return switch (this) {
                case CONSISTENT -> config;
                case IMMEDIATE -> config.withImmediate(true);
                // A window shorter than any transaction's age: fan mode throughout.
                case BACKFILL -> config.withBackfillWindow(Duration.ofNanos(1));
            };
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    final EmbeddedPg pg;
    final String source;
    final String target;
    private final Mode mode;
    private final String slot;
    private SchemaEvolution evolution = SchemaEvolution.NONE;
    private SnapshotConfig snapshot = SnapshotConfig.NONE;
    private Replicator replicator;

    PgReplication(EmbeddedPg pg, Mode mode, String... ddl) throws SQLException {
        this.pg = pg;
        this.mode = mode;
        this.source = pg.freshDatabase("src");
        this.target = pg.freshDatabase("dst");
        this.slot = source;
        List<String> both = new ArrayList<>(ddl.length + 1);
        both.add("CREATE TABLE cdc_sink_marker (k int PRIMARY KEY)");
        both.addAll(List.of(ddl));
        pg.exec(source, both.toArray(String[]::new));
        pg.exec(target, both.toArray(String[]::new));
        pg.exec(source, "CREATE PUBLICATION pub FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    /** Replicates with {@code --schemaEvolution} set so; call before {@link #start}. */
    PgReplication evolving(SchemaEvolution value) {
        this.evolution = value;
        return this;
    }

    /**
     * Copies from snapshots as {@code value} says; call before {@link #start}. With an initial load the slot is
     * dropped, for the load creates it.
     */
    PgReplication snapshotting(SnapshotConfig value) throws Exception {
        this.snapshot = value;
        if (value.initial()) {
            dropSlot();
        }
        return this;
    }

    /** Copies from snapshots as {@code value} says, keeping the slot; call before {@link #start}. */
    PgReplication snapshottingKeepingSlot(SnapshotConfig value) {
        this.snapshot = value;
        return this;
    }

    /** The running replicator. */
    Replicator replicator() {
        return replicator;
    }

    /** Stops the replicator, as a process ending would; {@link #start} starts a new one. */
    void stop() throws Exception {
        replicator.close();
        replicator = null;
    }

    /** Starts the loop; what the source wrote since the slot was made is its backlog. */
    PgReplication start() throws Exception {
        PgLogicalConfig dialect = PgLogicalConfig.of("postgresql://postgres@localhost:" + pg.port() + "/" + source
                + "?sslmode=disable", "pub", slot, target, Duration.ofMillis(200));
        LogicalConfig config = mode.configure(LogicalConfig.defaults("matrix", target)
                .withRetryDelay(Duration.ofMillis(200)).withStandbyTimeout(Duration.ofMillis(100)).withFanShards(4)
                .withSchemaEvolution(evolution).withSnapshot(snapshot));
        replicator = Replicator.builder().target(TargetConfig.of(pg.connectionString()).withMaxPoolSize(8))
                .registry(new PrometheusRegistry()).disableAuthentication().withoutStaging()
                .metricsAddress("127.0.0.1:0")
                .source(PgLogicalSourceProvider.NAME, options(dialect.toOptions(), config.toOptions())).start();
        return this;
    }

    /** The source's options and the loop's, as {@code cdc-sink pglogical} passes its flags. */
    static Map<String, String> options(Map<String, String> source, Map<String, String> loop) {
        Map<String, String> all = new HashMap<>(source);
        all.putAll(loop);
        return all;
    }

    Connection source() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(source));
    }

    /** Runs the statements in one source transaction. */
    void inSource(String... statements) throws SQLException {
        try (Connection c = source(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    /**
     * Waits until the loop has applied every source transaction committed so far: a marker transaction notes the
     * source's WAL position before it commits, and the loop's durable position must pass it. Durable positions only
     * advance over applied prefixes of the stream, in every mode.
     */
    void awaitApplied() throws Exception {
        LogSequenceNumber before;
        try (Connection c = source(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO cdc_sink_marker VALUES (1) ON CONFLICT (k) DO UPDATE SET k = 1");
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
                rs.next();
                before = LogSequenceNumber.valueOf(rs.getString(1));
            }
            c.commit();
        }
        LogicalLoop loop = replicator.source(LogicalLoop.class);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Optional<LogicalPosition> durable = loop.durablePosition();
            if (durable.isPresent() && LogSequenceNumber.valueOf(durable.get().text()).asLong() > before.asLong()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the loop did not apply the source's transactions within " + WAIT
                        + " (durable: " + durable + ", waiting for > " + before + "; problem: "
                        + loop.problem().orElse("none") + ")");
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the loop waits for the operator on a blockage whose line contains {@code text}. */
    BlockedView awaitBlocked(String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (BlockedView b : replicator.status().blocked()) {
                if (b.blockage().line().contains(text)) {
                    return b;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the loop did not wait on \"" + text + "\" within " + WAIT + " (blocked: "
                        + replicator.status().blocked() + "; problem: "
                        + replicator.source(LogicalLoop.class).problem().orElse("none") + ")");
            }
            Thread.sleep(20);
        }
    }

    /** Nothing waits for the operator any more (the loop moved past where it was blocked). */
    void awaitUnblocked() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!replicator.status().blocked().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still blocked: " + replicator.status().blocked());
            }
            Thread.sleep(20);
        }
    }

    /** GETs a path of the loop's {@code --metricsAddr} server: its status code and body. */
    java.util.Map.Entry<Integer, String> get(String path) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + replicator.metricsPort()
                        + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return java.util.Map.entry(r.statusCode(), r.body());
    }

    /**
     * Every cell that differs between source and target, read through each column's output function
     * ({@link TableDiff}).
     */
    List<String> differences(String table, List<String> keyColumns, List<String> columns) throws SQLException {
        return TableDiff.differences(pg.jdbcUrl(source), pg.jdbcUrl(target), table, keyColumns, columns);
    }

    /** The number of rows of a table in a database. */
    long count(String database, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws Exception {
        if (replicator != null) {
            replicator.close();
        }
        dropSlot();
    }

    private void dropSlot() throws Exception {
        // The walsender may take a moment to let go of the slot.
        for (int attempt = 1; ; attempt++) {
            try {
                pg.exec(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                        + " WHERE slot_name = '" + slot + "'");
                return;
            } catch (SQLException e) {
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
