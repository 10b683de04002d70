package io.cdcsink.kafka;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.TargetUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * Each partition's latest resolved timestamp, per consumer group, in a table of the target database
 * ({@code <staging>.kafka_resolved}), so that every instance of a group sees what the others stored. A stored
 * timestamp only moves forward.
 *
 * <p>On a MySQL target (told by the connection's product name, as a source sees only a {@link DataSource}) the
 * staging schema is a database of the server, the names are binary-collated {@code VARCHAR}s (a group id up to 255
 * characters, a topic up to Kafka's 249) and {@code partition}, a reserved word there, is quoted.
 */
final class ResolvedStore {
    private final DataSource db;
    private final String stagingSchema;
    private final String group;

    ResolvedStore(DataSource db, String stagingSchema, String group) {
        this.db = db;
        this.stagingSchema = stagingSchema;
        this.group = group;
    }

    /** True when the connection is to MySQL or MariaDB. */
    static boolean mysql(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return product.contains("MySQL") || product.contains("MariaDB");
    }

    private String table(boolean mysql) {
        return quote(stagingSchema, mysql) + ".kafka_resolved";
    }

    /** Creates the schema and the table when missing. */
    void create(String stagingSchema) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            boolean mysql = mysql(c);
            s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(stagingSchema, mysql));
            s.execute(mysql
                    ? "CREATE TABLE IF NOT EXISTS " + table(true) + " (group_id VARCHAR(255) CHARACTER SET utf8mb4"
                    + " COLLATE utf8mb4_bin NOT NULL, topic VARCHAR(249) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                    + " NOT NULL, `partition` INT NOT NULL, resolved_nanos BIGINT NOT NULL, resolved_logical INT"
                    + " NOT NULL, PRIMARY KEY (group_id, topic, `partition`)) ENGINE=InnoDB"
                    : "CREATE TABLE IF NOT EXISTS " + table(false) + " (group_id TEXT NOT NULL, topic TEXT NOT NULL,"
                    + " partition INT NOT NULL, resolved_nanos BIGINT NOT NULL, resolved_logical INT NOT NULL,"
                    + " PRIMARY KEY (group_id, topic, partition))");
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not create " + stagingSchema + ".kafka_resolved: "
                    + e.getMessage(), e);
        }
    }

    /** Stores these timestamps where they are later than the stored ones, in one transaction. */
    void store(Map<TopicPartition, Hlc> resolved) {
        if (resolved.isEmpty()) {
            return;
        }
        String table = stagingSchema + ".kafka_resolved";
        try (Connection c = db.getConnection()) {
            String sql = mysql(c) ? upsertMySql() : upsertPostgres();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Map.Entry<TopicPartition, Hlc> e : resolved.entrySet()) {
                    ps.setString(1, group);
                    ps.setString(2, e.getKey().topic());
                    ps.setInt(3, e.getKey().partition());
                    ps.setLong(4, e.getValue().nanos());
                    ps.setInt(5, e.getValue().logical());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not store resolved timestamps in " + table + ": "
                    + e.getMessage(), e);
        }
    }

    private String upsertPostgres() {
        return "INSERT INTO " + table(false) + " (group_id, topic, partition, resolved_nanos, resolved_logical)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, topic, partition) DO UPDATE"
                + " SET resolved_nanos = excluded.resolved_nanos, resolved_logical = excluded.resolved_logical"
                + " WHERE (kafka_resolved.resolved_nanos, kafka_resolved.resolved_logical)"
                + " < (excluded.resolved_nanos, excluded.resolved_logical)";
    }

    /**
     * MySQL assigns left to right, each assignment seeing the ones before it: the logical part is set first, on the
     * stored pair's comparison; the nanos then compare as the pair did (when the logical part moved, the pairs
     * differ only if the nanos do).
     */
    private String upsertMySql() {
        String later = "(resolved_nanos, resolved_logical) < (VALUES(resolved_nanos), VALUES(resolved_logical))";
        return "INSERT INTO " + table(true) + " (group_id, topic, `partition`, resolved_nanos, resolved_logical)"
                + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                + " resolved_logical = IF(" + later + ", VALUES(resolved_logical), resolved_logical),"
                + " resolved_nanos = IF(" + later + ", VALUES(resolved_nanos), resolved_nanos)";
    }

    /** The group's stored timestamps. */
    Map<TopicPartition, Hlc> load() {
        Map<TopicPartition, Hlc> out = new HashMap<>();
        String table = stagingSchema + ".kafka_resolved";
        try (Connection c = db.getConnection()) {
            boolean mysql = mysql(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT topic, " + (mysql ? "`partition`" : "partition")
                    + ", resolved_nanos, resolved_logical FROM " + table(mysql) + " WHERE group_id = ?")) {
                ps.setString(1, group);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(new TopicPartition(rs.getString(1), rs.getInt(2)),
                                new Hlc(rs.getLong(3), rs.getInt(4)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new TargetUnavailableException("could not read resolved timestamps from " + table + ": "
                    + e.getMessage(), e);
        }
        return out;
    }

    /** The minimum over {@code partitions}, or empty while one of them has none. */
    static Optional<Hlc> minimum(Iterable<TopicPartition> partitions, Map<TopicPartition, Hlc> stored) {
        Hlc min = null;
        for (TopicPartition tp : partitions) {
            Hlc h = stored.get(tp);
            if (h == null) {
                return Optional.empty();
            }
            if (min == null || h.isBefore(min)) {
                min = h;
            }
        }
        return Optional.ofNullable(min);
    }

    private static String quote(String ident, boolean mysql) {
        return mysql ? "`" + ident.replace("`", "``") + "`" : "\"" + ident.replace("\"", "\"\"") + "\"";
    }
}
