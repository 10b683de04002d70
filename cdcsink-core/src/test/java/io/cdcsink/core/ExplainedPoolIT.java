package io.cdcsink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A busy pool of a reachable target keeps its borrowers waiting for the whole patience, slice after slice: only a
 * target that refuses connections is reported after one slice ({@link ExplainedPoolTest}).
 */
class ExplainedPoolIT {
    private final EmbeddedPg pg = EmbeddedPg.shared();

    @Test
    void aBusyPoolWaitsBeyondOneSliceUntilItsPatienceEnds() throws Exception {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:postgresql://localhost:" + pg.port() + "/postgres?user=postgres&sslmode=disable");
        hc.setMaximumPoolSize(1);
        hc.setConnectionTimeout(300);
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            ExplainedPool explained = new ExplainedPool(pool, Duration.ofMillis(1_500));
            try (Connection held = explained.getConnection()) {
                long start = System.nanoTime();
                assertThatThrownBy(explained::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("request timed out after");
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(waited).as("waited ms").isBetween(1_400L, 3_000L);
                assertThat(held.isValid(1)).isTrue();
            }
            // Given back after several slices: the waiting borrower gets it.
            Connection first = explained.getConnection();
            CompletableFuture<Connection> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return explained.getConnection();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_000);
            assertThat(second).isNotDone();
            first.close();
            try (Connection c = second.get(5, TimeUnit.SECONDS)) {
                assertThat(c.isValid(1)).isTrue();
            }
        }
    }
}
