package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pool time-out names what the attempts to connect failed with, and comes after one borrow slice rather than the
 * whole connect timeout, against a port nobody listens on.
 */
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
            ExplainedPool explained = new ExplainedPool(pool, Duration.ofSeconds(10));
            long start = System.nanoTime();
            assertThatThrownBy(explained::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("request timed out after")
                    .hasMessageContaining("; the last attempt to connect failed: Connection to 127.0.0.1:" + port
                            + " refused");
            // The target refuses: reported after the pool's one-second slice, not after the patience of 10 s.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            // Known to fail: the next borrower tries its own connection at once, without waiting a slice.
            start = System.nanoTime();
            assertThatThrownBy(explained::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("the target is unreachable; the last attempt to connect failed:"
                            + " Connection to 127.0.0.1:" + port + " refused");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
            assertThat(explained.unwrap(HikariDataSource.class)).isSameAs(pool);
            assertThat(explained.isWrapperFor(HikariDataSource.class)).isTrue();
        }
    }
}
