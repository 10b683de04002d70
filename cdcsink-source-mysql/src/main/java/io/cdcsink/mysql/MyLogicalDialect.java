package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.SnapshotSource;
import io.cdcsink.api.sql.StartupCheck;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cdc-sink mylogical}: reads a MySQL or MariaDB binlog in GTID mode and reports row changes of every source
 * database (or those of {@code --sourceDatabase}) as changes to {@code targetDatabase.targetSchema.<table>}.
 * Positions are the executed GTID set, tagged with the flavour ({@link GtidPositions}).
 */
public final class MyLogicalDialect implements LogicalDialect {
    private static final Logger LOG = LoggerFactory.getLogger(MyLogicalDialect.class);
    /** How often the server sends a heartbeat when idle; bounds how long a stop request waits. */
    private static final long HEARTBEAT_MILLIS = 1000;
    /**
     * A binlog stream that hears nothing, not even a heartbeat, for this long has lost its source (a blackhole, a
     * half-open connection): the read fails and the loop reconnects.
     */
    static final Duration SILENCE = Duration.ofSeconds(10);

    private final MyLogicalConfig config;
    private final SourceConnector connector;
    /** Conversion tables read from the source once, kept across reconnects. */
    private final SourceCharsets charsets;

    public MyLogicalDialect(MyLogicalConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.connector = new SourceConnector(config.sourceConn());
        this.charsets = SourceCharsets.fromServer(connector::sql);
    }

    @Override
    public void preflight() throws Exception {
        long started = System.nanoTime();
        Connection checked;
        try {
            checked = connector.sql();
        } catch (SQLException e) {
            MySqlConn source = config.sourceConn();
            throw new IllegalStateException(StartupCheck.failure("source", source.user() + "@" + source.host() + ":"
                    + source.port(), "", "--sourceConn", e, Duration.ofNanos(System.nanoTime() - started)).line(), e);
        }
        try (Connection conn = checked) {
            Flavor flavor = SourceServer.flavor(conn);
            List<String> problems = SourceServer.problems(conn, flavor);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the " + flavor.tag() + " source " + config.sourceConn()
                        + " cannot be replicated: " + String.join("; ", problems));
            }
            LOG.info("source {} is {} with the binlog settings mylogical needs", config.sourceConn(), flavor.tag());
        }
    }

    /** {@code --defaultGTIDSet}; its commit time is unknown, so it is reported as the epoch. */
    @Override
    public Optional<LogicalPosition> defaultPosition() {
        return config.defaultGtidSet().map(text -> GtidPositions.position(GtidPositions.parse(text), Instant.EPOCH));
    }

    /** Consistent snapshots for {@code --snapshot initial} ({@link MySqlSnapshots}). */
    @Override
    public Optional<SnapshotSource> snapshots() {
        return Optional.of(new MySqlSnapshots(config, connector, charsets));
    }

    @Override
    public void stream(Optional<LogicalPosition> from, LogicalEvents events) throws Exception {
        Flavor flavor;
        Collations collations;
        try (Connection conn = connector.sql()) {
            flavor = SourceServer.flavor(conn);
            collations = Collations.load(conn, charsets);
        }
        GtidSet start = from.map(p -> GtidPositions.parse(p.text())).orElse(GtidSet.empty(flavor));
        if (start.flavor() != flavor) {
            throw new IllegalStateException("the start position " + GtidPositions.text(start) + " is a "
                    + start.flavor().tag() + " GTID set but the source is " + flavor.tag());
        }
        if (start.isEmpty()) {
            LOG.info("no start position: reading the source's oldest binlog");
        }
        BinlogEventHandler handler = new BinlogEventHandler(start, events,
                new TableMapReader(config.targetDatabase(), config.targetSchema(), collations), config::replicates);
        BinaryLogClient client = connector.binlog(SILENCE);
        client.setServerId(config.replicationProcessId());
        client.setKeepAlive(false); // the replication loop owns retries
        client.setHeartbeatInterval(HEARTBEAT_MILLIS);
        client.setGtidSet(start.toString());
        client.setEventDeserializer(BinlogDecoding.deserializer(this::temporalPrecisions, config::replicates));

        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        client.registerEventListener(event -> {
            if (failure.get() != null) {
                return;
            }
            try {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("replication stopped");
                }
                handler.handle(event);
            } catch (Exception | Error e) {
                failure.compareAndSet(null, e instanceof Exception ex ? ex : new IllegalStateException(e));
                stop(client, interrupted);
            }
        });
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
                failure.compareAndSet(null, ex);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
                failure.compareAndSet(null, ex);
                stop(c, interrupted);
            }
        });
        LOG.info("reading the {} binlog of {} from {}", flavor.tag(), config.sourceConn(),
                GtidPositions.text(start));
        client.connect(); // blocks, calling the listener on this thread, until stopped or failed
        Exception cause = failure.get();
        if (interrupted.get() || cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            throw cause instanceof InterruptedException stopped ? stopped
                    : new InterruptedException("replication stopped");
        }
        // No rollback() for a transaction the failure cut short: the loop takes a rollback for a transaction the
        // source abandoned and starts over at once, so a failure that repeats would spin unreported. The failure
        // itself makes the loop drop what was not committed, report the problem and back off.
        if (cause != null) {
            throw cause;
        }
        throw new IOException("the source closed the binlog stream");
    }

    /** The fractional digits of a table's temporal columns, for the old formats whose binlog metadata lacks them. */
    private Map<String, Integer> temporalPrecisions(String database, String table) throws IOException {
        Map<String, Integer> digits = new HashMap<>();
        try (Connection conn = connector.sql(); PreparedStatement ps = conn.prepareStatement(
                "SELECT COLUMN_NAME, DATETIME_PRECISION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
                        + " AND TABLE_NAME = ? AND DATA_TYPE IN ('time', 'datetime', 'timestamp')")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    digits.put(rs.getString(1), rs.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the temporal columns of " + database + "." + table
                    + " from the source: " + e.getMessage(), e);
        }
        return digits;
    }

    /**
     * Disconnects from inside the listener. The client ignores a disconnect while the thread is interrupted, so the
     * flag is cleared here and remembered for {@link #stream} to restore once {@code connect()} has returned.
     */
    private static void stop(BinaryLogClient client, AtomicBoolean interrupted) {
        if (Thread.interrupted()) {
            interrupted.set(true);
        }
        try {
            client.disconnect();
        } catch (IOException e) {
            LOG.debug("disconnect failed", e);
        }
    }
}
