package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.net.SocketException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Opens SQL and binlog connections to the source described by {@code --sourceConn}. */
final class SourceConnector {
    private final MySqlConn conn;

    SourceConnector(MySqlConn conn) {
        this.conn = conn;
    }

    /** Read timeout of the plain SQL connections: their look-ups are short. */
    static final long SQL_SOCKET_TIMEOUT_MILLIS = 60_000;

    MySqlConn conn() {
        return conn;
    }

    /** A plain SQL connection (used for checks and catalog look-ups). */
    Connection sql() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", conn.user());
        props.setProperty("password", conn.password());
        props.setProperty("connectTimeout", "10000");
        // A look-up that hears nothing for this long fails (the network went quiet) instead of hanging the loop.
        props.setProperty("socketTimeout", Long.toString(SQL_SOCKET_TIMEOUT_MILLIS));
        props.setProperty("sslMode", switch (conn.sslMode()) {
            case DISABLE -> "disable";
            case REQUIRE -> "trust";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_FULL -> "verify-full";
        });
        conn.sslRootCert().ifPresent(path -> props.setProperty("serverSslCert", path.toString()));
        if (conn.sslCert().isPresent()) {
            try {
                char[] password = TlsMaterial.randomPassword();
                props.setProperty("keyStore", TlsMaterial.clientKeyStoreFile(conn, password).toString());
                props.setProperty("keyStorePassword", new String(password));
                props.setProperty("keyStoreType", "PKCS12");
            } catch (IOException | GeneralSecurityException e) {
                throw new SQLException("--sourceConn: cannot read sslcert/sslkey: " + e.getMessage(), e);
            }
        }
        return DriverManager.getConnection("jdbc:mariadb://" + conn.host() + ":" + conn.port() + "/", props);
    }

    /**
     * A binlog client with credentials and TLS set; the caller sets position, listeners and server id. A read on its
     * socket that hears nothing for {@code silence} fails, ending the stream: the caller asks the server for a
     * heartbeat more often than that, so only a network gone quiet (a blackhole, a half-open connection) is that
     * silent.
     */
    BinaryLogClient binlog(Duration silence) throws IOException {
        BinaryLogClient client = new BinaryLogClient(conn.host(), conn.port(), conn.user(), conn.password());
        int readTimeout = Math.toIntExact(silence.toMillis());
        client.setSocketFactory(() -> {
            Socket socket = new Socket();
            socket.setSoTimeout(readTimeout);
            return socket;
        });
        client.setSSLMode(switch (conn.sslMode()) {
            case DISABLE -> SSLMode.DISABLED;
            case REQUIRE -> SSLMode.REQUIRED;
            case VERIFY_CA -> SSLMode.VERIFY_CA;
            case VERIFY_FULL -> SSLMode.VERIFY_IDENTITY;
        });
        if (conn.sslMode() != SslMode.DISABLE && (conn.sslRootCert().isPresent() || conn.sslCert().isPresent())) {
            SSLContext context;
            try {
                context = TlsMaterial.context(conn);
            } catch (GeneralSecurityException e) {
                throw new IOException("--sourceConn: cannot load TLS files: " + e.getMessage(), e);
            }
            client.setSslSocketFactory(socket -> {
                try {
                    return (SSLSocket) context.getSocketFactory()
                            .createSocket(socket, conn.host(), socket.getPort(), true);
                } catch (IOException e) {
                    throw new SocketException(e.getMessage());
                }
            });
        }
        return client;
    }
}
