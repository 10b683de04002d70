package io.cdcsink.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import io.cdcsink.api.Options;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MyLogicalConfigTest {
    @Test
    void parsesTheSourceConnection() {
        MySqlConn conn = MySqlConn.parse("mysql://repl:p%40ss@db.example:3307/?sslmode=verify-full"
                + "&sslrootcert=/etc/ca.pem&sslcert=/etc/c.pem&sslkey=/etc/k.pem");
        assertThat(conn.user()).isEqualTo("repl");
        assertThat(conn.password()).isEqualTo("p@ss");
        assertThat(conn.host()).isEqualTo("db.example");
        assertThat(conn.port()).isEqualTo(3307);
        assertThat(conn.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(conn.sslRootCert()).contains(Path.of("/etc/ca.pem"));
        assertThat(conn.sslKey()).contains(Path.of("/etc/k.pem"));
        assertThat(conn.toString()).doesNotContain("p@ss");
    }

    @Test
    void sourceConnectionErrorsNameTheFlag() {
        assertThatThrownBy(() -> MySqlConn.parse("mysql://u:p@host/?sslmode=disable"))
                .hasMessageContaining("--sourceConn").hasMessageContaining("port");
        assertThatThrownBy(() -> MySqlConn.parse("mysql://u:p@host:3306/"))
                .hasMessageContaining("--sourceConn").hasMessageContaining("sslmode");
        assertThatThrownBy(() -> MySqlConn.parse("mysql://u:p@host:3306/?sslmode=prefer"))
                .hasMessageContaining("--sourceConn: invalid sslmode \"prefer\"");
        assertThatThrownBy(() -> MySqlConn.parse("mysql://u:p@host:3306/?sslmode=verify-ca"))
                .hasMessageContaining("sslrootcert");
        assertThatThrownBy(() -> MySqlConn.parse("mysql://u:p@host:3306/?sslmode=require&sslcert=/c.pem"))
                .hasMessageContaining("sslcert and sslkey");
        assertThatThrownBy(() -> MySqlConn.parse("postgresql://u:p@host:3306/?sslmode=disable"))
                .hasMessageContaining("--sourceConn must start with mysql://");
        assertThatThrownBy(() -> MySqlConn.parse("mysql://u:p@host:3306/?sslmode=disable&foo=1"))
                .hasMessageContaining("unknown parameter \"foo\"");
        assertThatThrownBy(() -> MySqlConn.parse("")).hasMessageContaining("--sourceConn is required");
    }

    @Test
    void configDefaultsAndChecks() {
        MyLogicalConfig config = MyLogicalConfig.of("mysql://u:p@h:3306/?sslmode=disable", "ycsb");
        assertThat(config.targetSchema()).isEqualTo("public");
        assertThat(config.replicationProcessId()).isEqualTo(10);
        assertThat(config.replicates("anything")).isTrue();
        MySqlConn conn = config.sourceConn();
        MyLogicalConfig only = new MyLogicalConfig(conn, Optional.of("  "), "ycsb", "s", Set.of("a"), 11);
        assertThat(only.replicates("a")).isTrue();
        assertThat(only.replicates("b")).isFalse();
        assertThat(only.defaultGtidSet()).isEmpty();
        assertThatThrownBy(() -> new MyLogicalConfig(conn, Optional.empty(), "", "public", Set.of(), 10))
                .hasMessageContaining("--targetDB");
        assertThatThrownBy(() -> new MyLogicalConfig(conn, Optional.empty(), "db", "public", Set.of(), 0))
                .hasMessageContaining("--replicationProcessID");
    }

    @Test
    void serverFlavourComesFromTheVersionStrings() {
        assertThat(SourceServer.flavor("mariadb.org binary distribution", "11.4.5-MariaDB")).isEqualTo(Flavor.MARIADB);
        assertThat(SourceServer.flavor("Debian 12", "10.11.18-MariaDB-0+deb12u1-log")).isEqualTo(Flavor.MARIADB);
        assertThat(SourceServer.flavor("MySQL Community Server - GPL", "8.0.36")).isEqualTo(Flavor.MYSQL);
        assertThat(SourceServer.flavor("Source distribution", "8.4.0")).isEqualTo(Flavor.MYSQL);
        assertThatThrownBy(() -> SourceServer.flavor("TiDB", "5.7.25-TiDB")).hasMessageContaining("unknown source");
    }

    @Test
    void optionsAreTheFlagsAndRoundTrip() {
        String url = "mysql://repl:p%40ss%20word@db.example:3307/?sslmode=verify-ca&sslrootcert=/etc/ca%20dir/ca.pem";
        MyLogicalConfig c = MyLogicalConfig.fromOptions(Options.of(Map.of("sourceConn", url, "targetDB", "app",
                "sourceDatabase", "a, b", "defaultGTIDSet", "0-1-12", "replicationProcessID", "77",
                "immediate", "true")));
        assertThat(c.sourceDatabases()).containsExactlyInAnyOrder("a", "b");
        assertThat(c.sourceConn().password()).isEqualTo("p@ss word");
        assertThat(c.sourceConn().sslRootCert()).contains(Path.of("/etc/ca dir/ca.pem"));
        assertThat(c.replicationProcessId()).isEqualTo(77);
        assertThat(c.targetSchema()).isEqualTo(MyLogicalConfig.DEFAULT_SCHEMA);
        assertThat(MyLogicalConfig.fromOptions(Options.of(c.toOptions()))).isEqualTo(c);
        assertThatThrownBy(() -> MyLogicalConfig.fromOptions(Options.of(Map.of("targetDB", "app"))))
                .hasMessageContaining("--sourceConn");
        assertThatThrownBy(() -> MyLogicalConfig.fromOptions(Options.of(Map.of("sourceConn", url, "targetDB", "app",
                "replicationProcessID", "ten")))).hasMessage("--replicationProcessID must be a whole number, was \"ten\"");
    }
}
