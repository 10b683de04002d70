package io.cdcsink.engine;

import io.cdcsink.api.TableName;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The plan and progress of a logical loop's snapshot load ({@code --snapshot initial}, {@code --snapshotTables}), kept
 * in the target database beside the loop's position: every chunk of every table, and which are copied. A chunk is
 * marked copied in the transaction that wrote its rows, so a load stopped at any moment continues with the chunks not
 * yet copied.
 */
public interface Loads {
    /**
     * One key range of a table.
     *
     * @param id     the chunk's number within the load, from 0, in the order the chunks are copied
     * @param table  the target table
     * @param after  the key the range starts after (empty: from the first row)
     * @param upTo   the last key of the range (empty: to the last row)
     * @param rows   rows copied (0 until copied)
     * @param copied whether its rows are in the target
     */
    record Chunk(int id, TableName table, Optional<List<String>> after, Optional<List<String>> upTo, long rows,
                 boolean copied) {
        public Chunk {
            after = after.map(List::copyOf);
            upTo = upTo.map(List::copyOf);
        }
    }

    /**
     * A loop's newest load.
     *
     * @param tables   what it copies: {@code *} for an initial load of every table, else the tables named
     * @param started  when it was planned
     * @param finished when its last chunk was copied; empty while it runs
     * @param chunks   its chunks in id order
     */
    record Load(String tables, Instant started, Optional<Instant> finished, List<Chunk> chunks) {
        public Load {
            chunks = List.copyOf(chunks);
        }

        /** True for an initial load of every table. */
        public boolean initial() {
            return ALL_TABLES.equals(tables);
        }
    }

    /** {@link Load#tables()} of an initial load. */
    String ALL_TABLES = "*";

    /**
     * Creates where loads are kept, unless this process already did.
     *
     * @throws TargetUnavailableException when the DDL fails
     */
    void prepare(String database);

    /**
     * The loop's newest load, if it ever had one.
     *
     * @throws TargetUnavailableException when it cannot be read
     */
    Optional<Load> load(String database, String loopName);

    /** Records a new load of the loop on the caller's transaction, replacing the previous one. */
    void begin(Connection tx, String database, String loopName, String tables, List<Chunk> chunks)
            throws SQLException;

    /** Marks a chunk copied, with its row count, on the caller's transaction (the one that wrote its rows). */
    void copied(Connection tx, String database, String loopName, int chunk, long rows) throws SQLException;

    /** Marks the load finished on the caller's transaction. */
    void finish(Connection tx, String database, String loopName) throws SQLException;
}
