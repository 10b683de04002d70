package io.cdcsink.demo;

import io.cdcsink.api.Hlc;
import io.cdcsink.demo.emulator.RowChange;
import io.cdcsink.demo.emulator.SourceTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's source transactions on {@code accounts (id INT PRIMARY KEY, balance BIGINT, note TEXT)}: 1 to 4
 * upserts or deletes of random keys each, from a seeded random source. Each is committed to the source database
 * (which pglogical follows) and returned for the changefeed emulator, stamped with a commit timestamp.
 */
final class DemoWorkload {
    static final String TABLE = "accounts";
    static final String DDL = "CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, note TEXT)";

    private final Random random;
    private final int keys;
    private long lastNanos;
    private long sequence;

    DemoWorkload(long seed, int keys) {
        this.random = new Random(seed);
        this.keys = keys;
    }

    private record Change(int id, boolean delete, long balance, String note) {
    }

    /** Commits the next transaction on {@code source} (autocommit off) and returns it as a changefeed would. */
    SourceTransaction next(Connection source) throws SQLException {
        sequence++;
        List<Change> changes = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            int id = random.nextInt(keys);
            boolean delete = random.nextInt(8) == 0;
            changes.add(new Change(id, delete, random.nextInt(1_000_000) - 500_000L, "tx " + sequence + "." + i));
        }
        try (PreparedStatement upsert = source.prepareStatement("INSERT INTO accounts (id, balance, note)"
                + " VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET balance = excluded.balance, note = excluded.note");
             PreparedStatement delete = source.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
            for (Change c : changes) {
                if (c.delete()) {
                    delete.setInt(1, c.id());
                    delete.executeUpdate();
                } else {
                    upsert.setInt(1, c.id());
                    upsert.setLong(2, c.balance());
                    upsert.setString(3, c.note());
                    upsert.executeUpdate();
                }
            }
            source.commit();
        } catch (SQLException e) {
            source.rollback();
            throw e;
        }
        List<RowChange> rows = new ArrayList<>();
        for (Change c : changes) {
            String key = "[" + c.id() + "]";
            rows.add(c.delete() ? RowChange.delete(TABLE, key) : RowChange.upsert(TABLE, key,
                    "{\"id\":" + c.id() + ",\"balance\":" + c.balance() + ",\"note\":\"" + c.note() + "\"}"));
        }
        return new SourceTransaction(commitTimestamp(), rows);
    }

    /** Wall-clock nanoseconds, strictly increasing: the HLC a CockroachDB source would have given the commit. */
    private Hlc commitTimestamp() {
        Instant now = Instant.now();
        long nanos = Math.max(lastNanos + 1, now.getEpochSecond() * 1_000_000_000L + now.getNano());
        lastNanos = nanos;
        return new Hlc(nanos, 0);
    }
}
