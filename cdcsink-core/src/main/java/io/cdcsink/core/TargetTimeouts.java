package io.cdcsink.core;

import io.cdcsink.api.sql.ConnectionString;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The driver settings that end a hang on a target connection, added to each pool unless the connection string sets
 * the same parameter. Without them a statement in flight when the network goes quiet (a dropped route, a firewall
 * that silently drops, a host gone behind a NAT) waits for the kernel to give up on the TCP connection, which takes
 * about 15 minutes on Linux, and a statement waiting for a lock waits for ever.
 *
 * <ul>
 *   <li>{@code statement_timeout} (PostgreSQL and CockroachDB, through the {@code options} startup parameter):
 *       {@link #STATEMENT}. A statement blocked on the server (a lock, a full disk) fails with SQLSTATE 57014 and
 *       the work is retried; the logical loops narrow it per transaction with {@code --applyTimeout}.
 *   <li>{@code socketTimeout}: {@link #SOCKET}, longer than the statement timeout, so that a live but slow server
 *       answers with its own error first. A read that hears nothing that long closes the connection.
 *   <li>{@code loginTimeout} (PostgreSQL; {@code connectTimeout} on MySQL, which bounds its handshake too):
 *       {@link #LOGIN}, so that opening a connection to a server that accepts TCP and then says nothing fails
 *       rather than waiting for the socket timeout.
 *   <li>{@code tcpKeepAlive}: on, so that an idle pooled connection to a host that went away is noticed by the
 *       kernel (with its own keepalive intervals) rather than kept for ever.
 * </ul>
 */
final class TargetTimeouts {
    static final Duration STATEMENT = Duration.ofSeconds(60);
    static final Duration SOCKET = Duration.ofSeconds(90);
    static final Duration LOGIN = Duration.ofSeconds(10);

    private TargetTimeouts() {
    }

    /** The driver properties to add for this connection string: none that it sets itself. */
    static Map<String, String> defaults(ConnectionString conn) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> given = conn.parameters();
        if (conn.protocol() == ConnectionString.Protocol.MYSQL) {
            // MariaDB Connector/J counts in milliseconds. Lock waits are bounded by the server's
            // innodb_lock_wait_timeout (50 s by default); MySQL has no session-wide statement timeout for writes.
            putIfAbsent(out, given, "socketTimeout", Long.toString(SOCKET.toMillis()));
            putIfAbsent(out, given, "connectTimeout", Long.toString(LOGIN.toMillis())); // bounds the handshake too
            putIfAbsent(out, given, "tcpKeepAlive", "true");
            return out;
        }
        putIfAbsent(out, given, "socketTimeout", Long.toString(SOCKET.toSeconds()));
        putIfAbsent(out, given, "loginTimeout", Long.toString(LOGIN.toSeconds()));
        putIfAbsent(out, given, "tcpKeepAlive", "true");
        // The driver lets the connection string's options win over these properties, so a string that sets its
        // own options sets its own statement timeout too (or none).
        putIfAbsent(out, given, "options", "-c statement_timeout=" + STATEMENT.toMillis());
        return out;
    }

    private static void putIfAbsent(Map<String, String> out, Map<String, String> given, String key, String value) {
        if (!given.containsKey(key)) {
            out.put(key, value);
        }
    }
}
