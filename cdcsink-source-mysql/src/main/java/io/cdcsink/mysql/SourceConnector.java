package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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

    MySqlConn conn() {
        return conn;
    }

    /** A plain SQL connection (used for checks and catalog look-ups). */
    Connection sql() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", conn.user());
        props.setProperty("password", conn.password());
        props.setProperty("connectTimeout", "10000");
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

    /** A binlog client with credentials and TLS set; the caller sets position, listeners and server id. */
    BinaryLogClient binlog() throws IOException {
        BinaryLogClient client = new BinaryLogClient(conn.host(), conn.port(), conn.user(), conn.password());
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
