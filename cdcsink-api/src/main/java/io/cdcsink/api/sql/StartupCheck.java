package io.cdcsink.api.sql;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Start-up's look at a database a command uses (the target, a logical source): one connection that gives up after
 * {@link #TIMEOUT}, and when it fails, one line that says what is wrong, naming the database, and what to do, naming
 * the flag its connection string came from.
 */
public final class StartupCheck {
    /**
     * How long a check waits for a server to accept a login and answer: one that takes longer is as good as
     * unreachable for a process that is starting, and the operator hears so at once.
     */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What is wrong and what to do about it; {@link #line()} joins them for a log or a terminal. */
    public record Failure(String problem, String fix) {
        public String line() {
            return problem + "; " + fix;
        }
    }

    private StartupCheck() {
    }

    /**
     * Opens one connection to a PostgreSQL-protocol or MySQL database, waiting at most {@link #TIMEOUT} to connect and log in
     * unless the connection string sets its own timeouts (its parameters win over these defaults). Queries on it are
     * not bounded: a check that reads a large catalog may take its time once the server has answered.
     */
    public static Connection connect(ConnectionString conn, String database) throws SQLException {
        Properties bounds = new Properties();
        if (conn.protocol() == ConnectionString.Protocol.MYSQL) {
            // MariaDB's driver counts in milliseconds; its connectTimeout also bounds the handshake.
            bounds.setProperty("connectTimeout", Long.toString(TIMEOUT.toMillis()));
            return DriverManager.getConnection(conn.jdbcUrl(database), bounds);
        }
        String seconds = Long.toString(TIMEOUT.toSeconds());
        // loginTimeout covers a server that accepts the TCP connection and then never answers, connectTimeout a
        // host that drops packets.
        bounds.setProperty("loginTimeout", seconds);
        bounds.setProperty("connectTimeout", seconds);
        return DriverManager.getConnection(conn.jdbcUrl(database), bounds);
    }

    /** What a failed attempt to connect to {@code database} through {@code conn} means for the operator. */
    public static Failure failure(String role, ConnectionString conn, String database, SQLException e,
                                  Duration waited) {
        String server = conn.user().map(u -> u + "@").orElse("") + conn.hosts();
        return failure(role, server, database, conn.flag(), e, waited);
    }

    /**
     * What a failed attempt to connect means for the operator, from the driver's error (PgJDBC's or MariaDB's).
     *
     * @param role     which database it is to the command: "target", "source"
     * @param server   {@code user@host:port}, never the password
     * @param database the database asked for; empty when the connection names none
     * @param flag     the flag the connection string came from, named in the fix
     * @param waited   how long the attempt took, reported when the server did not answer
     */
    public static Failure failure(String role, String server, String database, String flag, SQLException e,
                                  Duration waited) {
        String which = "the " + role + " " + server + (database.isEmpty() ? "" : "/" + database);
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (causedBy(e, ConnectException.class)) {
            return new Failure("cannot connect to " + which + ": connection refused",
                    "start the server, or correct the host and port in " + flag);
        }
        if (causedBy(e, UnknownHostException.class)) {
            return new Failure("cannot connect to " + which + ": unknown host", "correct the host in " + flag);
        }
        // PgJDBC reports its own login timeout as a connection error without a cause.
        if (causedBy(e, SocketTimeoutException.class) || causedBy(e, NoRouteToHostException.class)
                || (state.startsWith("08") && e.getCause() == null)) {
            return new Failure("cannot connect to " + which + ": no answer after " + Math.max(1, waited.toSeconds())
                    + " s", "check that the server is up and that this host can reach it (network, firewall),"
                    + " or correct the host and port in " + flag);
        }
        if (state.startsWith("28")) {
            return new Failure(which + " refused the login: " + firstLine(e),
                    "correct the user or password in " + flag + ", or let this user log in from this host");
        }
        // MySQL's ER_BAD_DB_ERROR comes with the generic state 42000.
        if ("3D000".equals(state) || e.getErrorCode() == 1049) {
            return new Failure("the " + role + " database \"" + database + "\" does not exist on " + server,
                    "create it (CREATE DATABASE " + quote(database) + ") or name an existing database in " + flag);
        }
        return new Failure("cannot use " + which + ": " + firstLine(e), "check " + flag + " and the server's log");
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The driver's message without the server's detail lines: the error stays one line. */
    private static String firstLine(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }
}
