package io.cdcsink.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the source settings {@code cdc-sink pglogical} relies on. cdc-sink never creates the publication or the slot
 * itself: the slot marks where the bulk copy ended, so only the operator can place it.
 */
final class PgPreflight {
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");

    private final PgLogicalConfig config;
    /** The initial load creates the slot ({@code --snapshot initial}): a missing one is no problem. */
    private final boolean createsSlot;

    PgPreflight(PgLogicalConfig config) {
        this(config, false);
    }

    PgPreflight(PgLogicalConfig config, boolean createsSlot) {
        this.config = config;
        this.createsSlot = createsSlot;
    }

    /**
     * A wrong source setting.
     *
     * @param object  what is wrong, e.g. {@code source setting wal_level}
     * @param problem what was found
     * @param fix     the statement or setting that fixes it
     */
    record Problem(String object, String problem, String fix) {
        String message() {
            return problem + "; " + fix;
        }
    }

    /** Runs every check over {@code conn}, a normal connection to the source database; throws on the first problem. */
    void check(Connection conn) throws SQLException {
        List<Problem> problems = problems(conn);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.get(0).message());
        }
    }

    /** Every problem, not just the first; empty when the source is ready. */
    List<Problem> problems(Connection conn) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        walLevel(conn).ifPresent(problems::add);
        publication(conn).ifPresent(problems::add);
        slot(conn).ifPresent(problems::add);
        return problems;
    }

    private Optional<Problem> walLevel(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            if (!"logical".equals(level)) {
                return Optional.of(new Problem("source setting wal_level", "the source's wal_level is " + level
                        + ", but logical replication needs logical", "run ALTER SYSTEM SET wal_level = logical; (or "
                        + "set wal_level = logical in postgresql.conf) and restart PostgreSQL"));
            }
            return Optional.empty();
        }
    }

    private Optional<Problem> publication(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, config.publicationName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != 1) {
                    return Optional.of(new Problem("source publication " + config.publicationName(),
                            "publication " + config.publicationName() + " (--publicationName) does not exist in "
                                    + "source database " + config.sourceDatabase(),
                            "run CREATE PUBLICATION " + identifier(config.publicationName()) + " FOR ALL TABLES; "
                                    + "there (or name only the tables to replicate)"));
                }
                return Optional.empty();
            }
        }
    }

    private Optional<Problem> slot(Connection conn) throws SQLException {
        String create = "SELECT pg_create_logical_replication_slot('" + config.slotName() + "', 'pgoutput');";
        String object = "source replication slot " + config.slotName();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT slot_type, plugin, database FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    if (createsSlot) {
                        return Optional.empty();
                    }
                    return Optional.of(new Problem(object, "replication slot " + config.slotName() + " (--slotName) "
                            + "does not exist", "run " + create + " in source database " + config.sourceDatabase()
                            + ", then copy the existing data to the target before starting cdc-sink (or start with"
                            + " --snapshot initial, which creates the slot and copies the data)"));
                }
                String type = rs.getString(1);
                String plugin = rs.getString(2);
                String database = rs.getString(3);
                if (!"logical".equals(type) || !"pgoutput".equals(plugin)) {
                    return Optional.of(new Problem(object, "replication slot " + config.slotName() + " is a " + type
                            + " slot with plugin " + plugin + ", but cdc-sink needs a logical slot with plugin "
                            + "pgoutput", "drop it with SELECT pg_drop_replication_slot('" + config.slotName()
                            + "'); and run " + create));
                }
                if (!config.sourceDatabase().equals(database)) {
                    return Optional.of(new Problem(object, "replication slot " + config.slotName() + " belongs to "
                            + "database " + database + ", but --sourceConn names database "
                            + config.sourceDatabase(), "point --sourceConn at database " + database
                            + " or create the slot in " + config.sourceDatabase() + " with " + create));
                }
                return Optional.empty();
            }
        }
    }

    /** The name as a quoted identifier, as pgoutput's publication_names option parses it. */
    static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The name as SQL would need it in a statement the user copies. */
    static String identifier(String name) {
        return PLAIN_IDENTIFIER.matcher(name).matches() ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
