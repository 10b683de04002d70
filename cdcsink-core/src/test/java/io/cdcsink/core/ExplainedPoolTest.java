package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** A pool time-out names what the attempts to connect failed with, against a port nobody listens on. */
class ExplainedPoolTest {
    @Test
    void aTimeOutSaysWhyTheConnectionsFailed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/x?user=x");
        hc.setConnectionTimeout(1000);
        hc.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            ExplainedPool explained = new ExplainedPool(pool);
            assertThatThrownBy(explained::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("request timed out after")
                    .hasMessageContaining("; the last attempt to connect failed: Connection to 127.0.0.1:" + port
                            + " refused");
            assertThat(explained.unwrap(HikariDataSource.class)).isSameAs(pool);
            assertThat(explained.isWrapperFor(HikariDataSource.class)).isTrue();
        }
    }
}
