package io.cdcsink.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the source server is and whether its binlog settings let mylogical replicate from it. */
final class SourceServer {
    /** A server variable and the value mylogical needs. */
    record Requirement(String variable, String expected, String option) {
    }

    static final List<Requirement> MYSQL = List.of(
            new Requirement("gtid_mode", "ON", "--gtid-mode=ON"),
            new Requirement("enforce_gtid_consistency", "ON", "--enforce-gtid-consistency=ON"),
            new Requirement("binlog_format", "ROW", "--binlog-format=ROW"),
            new Requirement("binlog_row_metadata", "FULL", "--binlog-row-metadata=FULL"),
            new Requirement("binlog_row_image", "FULL", "--binlog-row-image=FULL"));
    static final List<Requirement> MARIADB = List.of(
            new Requirement("log_bin", "1", "--log-bin"),
            new Requirement("binlog_format", "ROW", "--binlog-format=ROW"),
            new Requirement("binlog_row_metadata", "FULL", "--binlog-row-metadata=FULL"),
            new Requirement("binlog_row_image", "FULL", "--binlog-row-image=FULL"));

    private SourceServer() {
    }

    /** Detects the flavour from {@code @@version_comment} and {@code @@version}. */
    static Flavor flavor(Connection conn) throws SQLException {
        String comment = scalar(conn, "SELECT @@version_comment");
        String version = scalar(conn, "SELECT @@version");
        return flavor(comment, version);
    }

    static Flavor flavor(String comment, String version) {
        String both = (comment + " " + version).toLowerCase(Locale.ROOT);
        if (both.contains("mariadb")) {
            return Flavor.MARIADB;
        }
        if (both.contains("mysql") || both.contains("source distribution") || both.contains("percona")) {
            return Flavor.MYSQL;
        }
        throw new IllegalStateException("unknown source server \"" + comment + "\" (version " + version
                + "): mylogical reads MySQL 8 and MariaDB 10.5 or newer");
    }

    /** Every wrong setting, each with its value and the option that fixes it; empty when all are right. */
    static List<String> problems(Connection conn, Flavor flavor) throws SQLException {
        return settingProblems(conn, flavor).stream().map(p -> p.problem() + ": " + p.fix()).toList();
    }

    /**
     * A wrong or missing server setting.
     *
     * @param variable the server variable
     * @param problem  what is wrong
     * @param fix      what fixes it
     */
    record Problem(String variable, String problem, String fix) {
    }

    /** Every wrong setting as a structured problem; empty when all are right. */
    static List<Problem> settingProblems(Connection conn, Flavor flavor) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        for (Requirement req : flavor == Flavor.MYSQL ? MYSQL : MARIADB) {
            String actual;
            try {
                actual = scalar(conn, "SELECT @@GLOBAL." + req.variable());
            } catch (SQLException e) {
                problems.add(new Problem(req.variable(), "the source has no setting " + req.variable() + " ("
                        + e.getMessage() + ")", "mylogical needs MySQL 8 or MariaDB 10.5 or newer"));
                continue;
            }
            if (actual == null || !actual.equalsIgnoreCase(req.expected())) {
                problems.add(new Problem(req.variable(), "source setting " + req.variable() + " is " + actual
                        + " but must be " + req.expected(), "start the server with " + req.option()));
            }
        }
        return problems;
    }

    private static String scalar(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
