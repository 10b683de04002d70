package io.cdcsink.mysql;

import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.Snapshot;
import io.cdcsink.api.SnapshotSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistent snapshots of a MySQL or MariaDB source for an initial load. Each reader (and one more connection that
 * plans chunks) is a connection in {@code START TRANSACTION WITH CONSISTENT SNAPSHOT}, read only, REPEATABLE READ.
 *
 * <p>The position is the executed GTID set read before the first snapshot transaction starts: at or before every
 * reader's snapshot, so streaming from it after the load loses nothing, and what it repeats converges because the
 * binlog carries full row images. On MariaDB, when every connection's snapshot lies at the same binlog offset
 * ({@code binlog_snapshot_file}/{@code binlog_snapshot_position}, which the server takes together with the snapshot),
 * the position is exactly that offset's GTID position ({@code BINLOG_GTID_POS}), so nothing is repeated. MySQL and
 * MariaDB need no replication slot: {@code createPosition} changes nothing here.
 */
final class MySqlSnapshots implements SnapshotSource {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlSnapshots.class);
    /** How often MariaDB snapshots are taken again to get one binlog offset for all, before settling for less. */
    private static final int EXACT_TRIES = 3;

    private final MyLogicalConfig config;
    private final SourceConnector connector;
    private final SourceCharsets charsets;
    /** Runs between reading the position and starting the snapshots; tests write there. */
    private final Runnable afterPosition;
    private final boolean exactWhenPossible;

    MySqlSnapshots(MyLogicalConfig config, SourceConnector connector, SourceCharsets charsets) {
        this(config, connector, charsets, () -> { }, true);
    }

    MySqlSnapshots(MyLogicalConfig config, SourceConnector connector, SourceCharsets charsets,
                   Runnable afterPosition, boolean exactWhenPossible) {
        this.config = Objects.requireNonNull(config, "config");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.charsets = Objects.requireNonNull(charsets, "charsets");
        this.afterPosition = Objects.requireNonNull(afterPosition, "afterPosition");
        this.exactWhenPossible = exactWhenPossible;
    }

    @Override
    public Snapshot open(boolean createPosition, int workers) throws Exception {
        if (workers < 1) {
            throw new IllegalArgumentException("a snapshot needs at least one worker, got " + workers);
        }
        List<Connection> conns = new ArrayList<>();
        try {
            for (int i = 0; i <= workers; i++) {
                conns.add(connector.sql());
            }
            Connection planner = conns.get(0);
            Flavor flavor = SourceServer.flavor(planner);
            GtidSet before = GtidSet.parse(flavor, scalar(planner, flavor == Flavor.MYSQL
                    ? "SELECT @@GLOBAL.gtid_executed" : "SELECT @@GLOBAL.gtid_binlog_pos").orElse(""));
            afterPosition.run();
            GtidSet position = before;
            for (int attempt = 1; ; attempt++) {
                for (Connection conn : conns) {
                    begin(conn);
                }
                if (flavor != Flavor.MARIADB || !exactWhenPossible) {
                    break;
                }
                Optional<GtidSet> exact = exactMariaDbPosition(conns);
                if (exact.isPresent()) {
                    position = exact.get();
                    break;
                }
                if (attempt == EXACT_TRIES) {
                    LOG.info("the snapshot's readers did not start at one binlog offset; streaming after the load"
                            + " starts at {}, before the snapshot, and repeats what changed in between",
                            GtidPositions.text(before));
                    break;
                }
                for (Connection conn : conns) {
                    try (Statement st = conn.createStatement()) {
                        st.execute("ROLLBACK");
                    }
                }
            }
            LOG.info("snapshot of {} with {} readers at {}", config.sourceConn(), workers,
                    GtidPositions.text(position));
            LogicalPosition at = GtidPositions.position(position, Instant.now());
            return new MySqlSnapshot(config, charsets, at, conns.get(0), conns.subList(1, conns.size()));
        } catch (Exception | Error e) {
            for (Connection conn : conns) {
                try {
                    conn.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** A read-only REPEATABLE READ transaction on a consistent snapshot, in UTC, reading zero dates as they are. */
    private static void begin(Connection conn) throws SQLException {
        conn.setAutoCommit(true);
        try (Statement st = conn.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = ''");
            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        }
    }

    /**
     * The GTID position of the binlog offset every connection's snapshot was taken at, if they all share one and the
     * server can name its GTID position.
     */
    private static Optional<GtidSet> exactMariaDbPosition(List<Connection> conns) throws SQLException {
        String offset = null;
        for (Connection conn : conns) {
            String file = null;
            String pos = null;
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
                        file = rs.getString(2);
                    } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
                        pos = rs.getString(2);
                    }
                }
            }
            if (file == null || pos == null || file.isEmpty()) {
                return Optional.empty();
            }
            String here = file + ":" + pos;
            if (offset != null && !offset.equals(here)) {
                return Optional.empty();
            }
            offset = here;
        }
        int colon = offset.lastIndexOf(':');
        try (var ps = conns.get(0).prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            ps.setString(1, offset.substring(0, colon));
            ps.setLong(2, Long.parseLong(offset.substring(colon + 1)));
            try (ResultSet rs = ps.executeQuery()) {
                String gtid = rs.next() ? rs.getString(1) : null;
                return gtid == null ? Optional.empty() : Optional.of(GtidSet.parse(Flavor.MARIADB, gtid));
            }
        }
    }

    private static Optional<String> scalar(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }
}
