package io.cdcsink.pg;

import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.SnapshotSource;
import io.cdcsink.api.sql.StartupCheck;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL logical replication with the built-in pgoutput plugin (protocol version 1). Positions are the end LSN
 * of each commit record in PostgreSQL's {@code X/X} form.
 */
public final class PgLogicalDialect implements LogicalDialect {
    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();
    private static final Logger log = LoggerFactory.getLogger(PgLogicalDialect.class);
    private static final long MAX_IDLE_SLEEP_MILLIS = 50;
    /**
     * After this long without a message on the stream the source is asked, on the catalog connection, whether the
     * slot still has its reader: an idle source sends nothing, and a stream whose network went quiet (a blackhole, a
     * half-open connection) reads nothing either, for the quarter of an hour the kernel takes to give up on it.
     */
    static final Duration SILENCE = Duration.ofSeconds(10);
    /** How long that question may take before the source counts as unreachable. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** Connection time-outs of both connections, unless {@code --sourceConn} sets its own (seconds). */
    static final int LOGIN_TIMEOUT_SECONDS = 10;
    static final int SOCKET_TIMEOUT_SECONDS = 60;

    private final PgLogicalConfig config;
    /** {@code --snapshot initial}: the slot may be missing, the initial load creates it. */
    private final boolean createsSlot;

    public PgLogicalDialect(PgLogicalConfig config) {
        this(config, false);
    }

    /**
     * @param createsSlot true with {@code --snapshot initial}: a missing slot is no problem, the initial load creates
     *                    it with the snapshot it copies
     */
    public PgLogicalDialect(PgLogicalConfig config, boolean createsSlot) {
        this.config = config;
        this.createsSlot = createsSlot;
    }

    @Override
    public Optional<SnapshotSource> snapshots() {
        return Optional.of(new PgSnapshots(config, new PgSnapshots.PgConnections() {
            @Override
            public Connection normal() throws SQLException {
                return openNormal();
            }

            @Override
            public Connection replication() throws SQLException {
                return openReplication();
            }
        }));
    }

    /** Checks the source with a connection that gives up after seconds: start-up fails fast on a silent server. */
    @Override
    public void preflight() throws SQLException {
        long started = System.nanoTime();
        Connection checked;
        try {
            checked = StartupCheck.connect(config.sourceConn(), config.sourceDatabase());
        } catch (SQLException e) {
            throw new IllegalStateException(StartupCheck.failure("source", config.sourceConn(),
                    config.sourceDatabase(), e, Duration.ofNanos(System.nanoTime() - started)).line(), e);
        }
        try (Connection conn = checked) {
            new PgPreflight(config, createsSlot).check(conn);
        }
    }

    @Override
    public void stream(Optional<LogicalPosition> from, LogicalEvents events) throws Exception {
        LogSequenceNumber start = from.map(p -> parse(p.text())).orElse(LogSequenceNumber.INVALID_LSN);
        try (Connection catalogConn = openNormal(); Connection replication = openReplication()) {
            PgOutputHandler handler = new PgOutputHandler(config.targetDatabase(),
                    new PgSourceCatalog(catalogConn), events, start.asLong());
            try {
                PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
                        .replicationStream().logical()
                        .withSlotName(config.slotName())
                        .withSlotOption("proto_version", "1")
                        .withSlotOption("publication_names", PgPreflight.quoted(config.publicationName()))
                        .withStartPosition(start)
                        .withStatusInterval(Math.toIntExact(config.standbyTimeout().toMillis()),
                                TimeUnit.MILLISECONDS)
                        // Acknowledgements come only from acknowledge(): PgJDBC's automatic flush could confirm
                        // WAL that is not yet durable in the target.
                        .withAutomaticFlush(false)
                        .start();
                log.info("streaming slot {} of publication {} from {}", config.slotName(),
                        config.publicationName(), from.map(LogicalPosition::text).orElse("the slot's position"));
                try {
                    pump(stream, handler, events, catalogConn);
                } finally {
                    closeQuietly(stream);
                }
            } catch (Exception e) {
                if (handler.reportedOpenTransaction()) {
                    // The rest of this transaction comes again, whole, in the next session.
                    try {
                        events.rollback();
                    } catch (Exception r) {
                        e.addSuppressed(r);
                    }
                }
                throw e;
            }
        }
    }

    private static void closeQuietly(PGReplicationStream stream) {
        try {
            stream.close();
        } catch (SQLException e) {
            log.debug("could not close the replication stream cleanly", e);
        }
    }

    private void pump(PGReplicationStream stream, PgOutputHandler handler, LogicalEvents events,
                      Connection catalogConn) throws Exception {
        Acknowledgements acks = new Acknowledgements(stream, handler, events);
        long idleSleep = 1;
        long heard = System.nanoTime();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("pglogical stream stopped");
            }
            ByteBuffer buf = stream.readPending();
            if (buf != null) {
                handler.handle(PgOutputDecoder.decode(buf));
                idleSleep = 1;
                heard = System.nanoTime();
            } else if (System.nanoTime() - heard > SILENCE.toNanos()) {
                probe(catalogConn);
                heard = System.nanoTime();
            }
            acks.send();
            if (buf == null) {
                // readPending() does not block, so an interrupt is seen within one sleep.
                Thread.sleep(idleSleep);
                idleSleep = Math.min(idleSleep * 2, MAX_IDLE_SLEEP_MILLIS);
            }
        }
    }

    /**
     * Asks the source, within {@link #PROBE_TIMEOUT}, whether the slot still has a reader (this stream); throws when
     * it does not answer in time or the slot has none, so that the loop reconnects.
     */
    private void probe(Connection conn) throws SQLException {
        boolean read;
        int before = conn.getNetworkTimeout();
        conn.setNetworkTimeout(Runnable::run, Math.toIntExact(PROBE_TIMEOUT.toMillis()));
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT active FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                read = rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new SQLException("the stream heard nothing for " + SILENCE.toSeconds() + " s and the source did"
                    + " not answer within " + PROBE_TIMEOUT.toSeconds() + " s: " + e.getMessage(), e);
        }
        if (!read) {
            throw new SQLException("the stream heard nothing for " + SILENCE.toSeconds() + " s and slot "
                    + config.slotName() + " has no reader on the source: reconnecting");
        }
        conn.setNetworkTimeout(Runnable::run, before);
    }

    /**
     * Tells the source how far it may discard WAL: the durable position, and, when nothing is pending, the last
     * received position. The latter is safe: the server sends whole transactions in commit order, so everything
     * committed before the last received LSN has been received; outside a transaction with every handed-over
     * transaction durable, all of it is durable or was never published. Without it an idle publication (WAL
     * written only by unpublished tables) would keep the slot's WAL forever. Open transactions that began earlier
     * are unaffected: the slot's restart LSN, not the confirmed flush LSN, keeps their WAL.
     */
    private static final class Acknowledgements {
        private final PGReplicationStream stream;
        private final PgOutputHandler handler;
        private final LogicalEvents events;
        private LogSequenceNumber acknowledged = LogSequenceNumber.INVALID_LSN;
        /** The durable position last seen and its LSN: it is parsed once, not after every message. */
        private LogicalPosition durable;
        private LogSequenceNumber durableLsn = LogSequenceNumber.INVALID_LSN;

        Acknowledgements(PGReplicationStream stream, PgOutputHandler handler, LogicalEvents events) {
            this.stream = stream;
            this.handler = handler;
            this.events = events;
        }

        void send() {
            LogicalPosition now = events.durable().orElse(null);
            if (now != null && now != durable) {
                durable = now;
                durableLsn = parse(now.text());
            }
            LogSequenceNumber target = durableLsn;
            if (!handler.inTransaction() && events.caughtUp()) {
                LogSequenceNumber received = stream.getLastReceiveLSN();
                if (Long.compareUnsigned(received.asLong(), target.asLong()) > 0) {
                    target = received;
                }
            }
            if (Long.compareUnsigned(target.asLong(), acknowledged.asLong()) > 0) {
                stream.setFlushedLSN(target);
                stream.setAppliedLSN(target);
                acknowledged = target;
            }
        }
    }

    /**
     * A position's text: PostgreSQL's {@code X/X} form, as {@code LogSequenceNumber.asString()} writes it but
     * without a {@code Formatter}, written straight into one array (this runs once per source transaction, on the
     * reader's thread; hex strings upper-cased and concatenated were 5% of it with 1-row transactions).
     */
    static String text(long lsn) {
        char[] out = new char[17];
        int at = hex(out, 0, lsn >>> 32);
        out[at++] = '/';
        at = hex(out, at, lsn & 0xFFFF_FFFFL);
        return new String(out, 0, at);
    }

    /** Writes a 32-bit value in upper-case hex without leading zeros ("0" for zero); returns the next index. */
    private static int hex(char[] out, int at, long value) {
        int digits = Math.max(1, (67 - Long.numberOfLeadingZeros(value)) / 4);
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX_DIGITS[(int) (value & 0xF)];
            value >>>= 4;
        }
        return at + digits;
    }

    /** Parses a position this dialect wrote. */
    static LogSequenceNumber parse(String text) {
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(text);
        if (lsn == null || (lsn.equals(LogSequenceNumber.INVALID_LSN) && !"0/0".equals(text))) {
            throw new IllegalArgumentException("not a PostgreSQL LSN: \"" + text + "\"; expected X/X such as 0/16B3748");
        }
        return lsn;
    }

    private Connection openNormal() throws SQLException {
        return DriverManager.getConnection(config.sourceConn().jdbcUrl(config.sourceDatabase()), timeouts());
    }

    /**
     * A log-in or a read that hears nothing for this long fails instead of hanging the loop; the connection
     * string's own parameters win over these.
     */
    private static Properties timeouts() {
        Properties props = new Properties();
        PGProperty.LOGIN_TIMEOUT.set(props, LOGIN_TIMEOUT_SECONDS);
        PGProperty.SOCKET_TIMEOUT.set(props, SOCKET_TIMEOUT_SECONDS);
        PGProperty.TCP_KEEP_ALIVE.set(props, true);
        return props;
    }

    private Connection openReplication() throws SQLException {
        Properties props = timeouts();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        if (driverSees(GatheringSocketFactory.class)) {
            PGProperty.SOCKET_FACTORY.set(props, GatheringSocketFactory.class.getName());
        }
        return DriverManager.getConnection(config.sourceConn().jdbcUrl(config.sourceDatabase()), props);
    }

    /**
     * PgJDBC loads a socket factory by name with its own class loader: where an application embeds cdc-sink beside
     * a driver that cannot see cdc-sink's classes, the replication connection reads with plain sockets instead of
     * failing.
     */
    private static boolean driverSees(Class<?> type) {
        try {
            return Class.forName(type.getName(), false, PGProperty.class.getClassLoader()) == type;
        } catch (ClassNotFoundException e) {
            log.debug("PgJDBC cannot load {}: the replication connection reads with plain sockets", type.getName());
            return false;
        }
    }
}
