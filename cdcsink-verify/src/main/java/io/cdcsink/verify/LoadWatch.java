package io.cdcsink.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The snapshot loads cdc-sink runs into the target database ({@code pglogical --snapshot initial},
 * {@code --snapshotTables}), as recorded in {@code <stagingSchema>.loads} and {@code <stagingSchema>.load_chunks}.
 *
 * <p>A target table is <em>being loaded</em> while a load has chunks of it not yet copied, and, for an initial load,
 * until the whole load has finished: the stream that brings the changes made since the snapshot starts only then.
 * Comparing such a table would report the rows not yet copied (or not yet streamed) as differences.
 */
final class LoadWatch {
    /** How often a waiting verify looks again. */
    static final Duration POLL = Duration.ofSeconds(1);
    /** How often a waiting verify says what it waits for. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final Connection target;
    private final String staging;

    /**
     * @param target  a connection to the target database
     * @param staging the schema holding cdc-sink's tables in it ({@code --stagingDB})
     */
    LoadWatch(Connection target, String staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * What holds a table back: the load that copies it.
     *
     * @param loop        the loop whose load it is
     * @param initial     an initial load ({@code --snapshot initial}) rather than {@code --snapshotTables}
     * @param tableLeft   the table's chunks not yet copied
     * @param tableChunks the table's chunks
     * @param loadLeft    the load's chunks not yet copied, of every table
     * @param loadChunks  the load's chunks
     */
    record Copying(String loop, boolean initial, long tableLeft, long tableChunks, long loadLeft, long loadChunks) {
        String describe() {
            return (initial ? "the initial load" : "the load") + " of loop " + loop;
        }

        /** The line a waiting verify prints. */
        String waiting(String table) {
            if (tableLeft > 0) {
                return "waiting for the copy of " + table + ": " + tableLeft + " of " + tableChunks + " chunks left";
            }
            return "waiting for " + describe() + " to finish (" + table + " is copied; the stream brings the changes"
                    + " made since once the load is done): " + loadLeft + " of " + loadChunks + " chunks left";
        }

        /** Why a one-time verify does not compare the table. */
        String problem() {
            if (tableLeft > 0) {
                return "still being copied by " + describe() + ": " + tableLeft + " of " + tableChunks
                        + " chunks left; verify it once the load has finished, or with --live to wait for it";
            }
            return "copied, but " + describe() + " has " + loadLeft + " of " + loadChunks + " chunks left and the"
                    + " stream brings the changes made since only after it; verify it once the load has finished, or"
                    + " with --live to wait for it";
        }
    }

    /** The load holding the target table back, if any. */
    Optional<Copying> copying(String schema, String table) throws SQLException {
        if (!exists("load_chunks") || !exists("loads")) {
            return Optional.empty();
        }
        String chunks = PostgresSide.quoteIdent(staging) + ".load_chunks";
        String loads = PostgresSide.quoteIdent(staging) + ".loads";
        String sql = "SELECT c.loop_name, coalesce(l.tables = '*', false),"
                + " count(*) FILTER (WHERE c.table_schema = ? AND c.table_name = ? AND c.copied_at IS NULL),"
                + " count(*) FILTER (WHERE c.table_schema = ? AND c.table_name = ?),"
                + " count(*) FILTER (WHERE c.copied_at IS NULL), count(*)"
                + " FROM " + chunks + " c LEFT JOIN " + loads + " l ON l.loop_name = c.loop_name"
                + " WHERE l.finished_at IS NULL GROUP BY c.loop_name, l.tables ORDER BY c.loop_name";
        try (PreparedStatement ps = target.prepareStatement(sql)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            ps.setString(3, schema);
            ps.setString(4, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Copying c = new Copying(rs.getString(1), rs.getBoolean(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6));
                    if (c.tableLeft() > 0 || (c.initial() && c.tableChunks() > 0)) {
                        return Optional.of(c);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until no load holds the table back, polling every {@link #POLL} and telling {@code notices} what it waits
     * for at once and then every {@link #REPORT_EVERY}. Returns at once when no load copies the table.
     *
     * @return whether it waited
     */
    boolean await(String schema, String table, Consumer<String> notices) throws SQLException, InterruptedException {
        boolean waited = false;
        long nextReport = System.nanoTime();
        while (true) {
            Optional<Copying> c = copying(schema, table);
            if (c.isEmpty()) {
                return waited;
            }
            waited = true;
            if (System.nanoTime() - nextReport >= 0) {
                notices.accept(c.get().waiting(schema + "." + table));
                nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private boolean exists(String relation) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, PostgresSide.quoteIdent(staging) + "." + relation);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
