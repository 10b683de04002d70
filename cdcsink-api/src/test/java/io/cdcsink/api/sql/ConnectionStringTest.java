package io.cdcsink.api.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionStringTest {
    @Test
    void readsTheSpecsDefault() {
        ConnectionString c = ConnectionString.parse("--conn", "postgresql://root@localhost:26257/?sslmode=disable");
        assertThat(c.hosts()).isEqualTo("localhost:26257");
        assertThat(c.database()).isEmpty();
        assertThat(c.user()).contains("root");
        assertThat(c.defaultDatabase()).isEqualTo("root");
        assertThat(c.jdbcUrl("ycsb"))
                .isEqualTo("jdbc:postgresql://localhost:26257/ycsb?user=root&sslmode=disable&ApplicationName=cdc-sink");
    }

    @Test
    void readsPasswordsAndEscapes() {
        ConnectionString c = ConnectionString.parse("--conn", "postgres://u%40x:p%2Fw@db.example:5433/my%20db");
        assertThat(c.user()).contains("u@x");
        assertThat(c.password()).contains("p/w");
        assertThat(c.database()).contains("my db");
        assertThat(c.jdbcUrl("t")).contains("password=p%2Fw").startsWith("jdbc:postgresql://db.example:5433/t?");
        assertThat(c.toString()).doesNotContain("p%2Fw").contains("password=****");
    }

    @Test
    void acceptsJdbcUrlsAndDefaultsThePort() {
        ConnectionString c = ConnectionString.parse("--conn", "jdbc:postgresql://h/app?user=bob&ssl=false");
        assertThat(c.hosts()).isEqualTo("h:5432");
        assertThat(c.database()).isEqualTo(Optional.of("app"));
        assertThat(c.user()).contains("bob");
        assertThat(c.parameters()).containsEntry("ssl", "false").doesNotContainKey("user");
    }

    @Test
    void rejectsOtherSchemesNamingTheFlag() {
        assertThatThrownBy(() -> ConnectionString.parse("--targetConn", "sqlserver://root@h/x"))
                .hasMessageContaining("--targetConn").hasMessageContaining("postgresql://").hasMessageContaining("mysql://");
        assertThatThrownBy(() -> ConnectionString.parse("--conn", " ")).hasMessageContaining("--conn");
    }

    @Test
    void redactsPasswordsInUrls() {
        assertThat(ConnectionString.redact("postgresql://u:secret@h/db")).isEqualTo("postgresql://u:****@h/db");
    }

    @Test
    void urlReadsBackToTheSameSettings() {
        for (String text : new String[] {"postgresql://u:p%40ss%20w@h1:5433,h2/db%20x?sslmode=require&a=b%26c",
                "postgres://localhost", "jdbc:postgresql://h/db?user=u&password=p", "postgresql://u@h:1/"}) {
            ConnectionString c = ConnectionString.parse("--sourceConn", text);
            assertThat(ConnectionString.parse("--sourceConn", c.url())).as(text).isEqualTo(c);
        }
    }

    @Test
    void readsMySqlStringsForMariaDbsDriver() {
        ConnectionString c = ConnectionString.parse("--targetConn",
                "mysql://app:p%40ss@db.example/shop?sslmode=require&sslrootcert=/etc/ca.pem");
        assertThat(c.protocol()).isEqualTo(ConnectionString.Protocol.MYSQL);
        assertThat(c.hosts()).isEqualTo("db.example:3306");
        assertThat(c.defaultDatabase()).isEqualTo("shop");
        assertThat(c.jdbcUrl("_cdc_sink")).startsWith("jdbc:mariadb://db.example:3306/_cdc_sink?user=app&password=p%40ss&")
                .contains("&sslMode=trust").contains("&serverSslCert=%2Fetc%2Fca.pem")
                .endsWith("&connectionAttributes=program_name%3Acdc-sink");
        assertThat(c.url()).startsWith("mysql://app:p%40ss@db.example:3306/shop?");
        assertThat(ConnectionString.parse("--targetConn", c.url())).isEqualTo(c);
    }

    @Test
    void aMySqlStringWithoutDatabaseConnectsToNone() {
        ConnectionString c = ConnectionString.parse("--conn", "jdbc:mariadb://h:3307/?user=root");
        assertThat(c.protocol()).isEqualTo(ConnectionString.Protocol.MYSQL);
        assertThat(c.defaultDatabase()).isEqualTo("mysql");
        assertThat(c.jdbcUrl(c.defaultDatabase())).startsWith("jdbc:mariadb://h:3307/?user=root&");
        assertThat(ConnectionString.parse("--conn", "mariadb://u@h/").protocol())
                .isEqualTo(ConnectionString.Protocol.MYSQL);
        assertThat(ConnectionString.parse("--conn", "jdbc:mysql://h/d").jdbcUrl("d")).startsWith("jdbc:mariadb://h:3306/d");
    }
}
