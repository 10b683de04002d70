package io.cdcsink.core.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cdcsink.testing.EmbeddedMariaDb;
import io.cdcsink.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A connection kept across transactions: its session timeout, what goes back to the pool, and failures. */
class HeldConnectionIT {
    private static final Duration TIMEOUT = Duration.ofMillis(1234);

    private final EmbeddedPg pg = EmbeddedPg.shared();
    /** One connection, so whatever a test returns to the pool is what the next borrower gets. */
    private HikariDataSource pool;

    @BeforeEach
    void onePooledConnection() {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(pg.jdbcUrl(pg.freshDatabase("held")));
        hc.setMaximumPoolSize(1);
        hc.setConnectionTimeout(2_000);
        pool = new HikariDataSource(hc);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void keepsOneSessionWithTheTimeoutAcrossTransactions() throws SQLException {
        try (HeldConnection held = new HeldConnection(pool, TIMEOUT, Duration.ofMinutes(1))) {
            assertThat(held.holding()).isFalse();
            Connection c = held.get();
            int pid = query(c, "SELECT pg_backend_pid()");
            assertThat(c.getAutoCommit()).isFalse();
            assertThat(text(c, "SHOW statement_timeout")).isEqualTo("1234ms");
            c.commit();
            assertThat(held.get()).isSameAs(c);
            assertThat(query(c, "SELECT pg_backend_pid()")).isEqualTo(pid);
            // A rolled-back transaction must not undo the session's timeout.
            c.rollback();
            assertThat(text(held.get(), "SHOW statement_timeout")).isEqualTo("1234ms");
            held.get().commit();
        }
        try (Connection next = pool.getConnection()) {
            assertThat(text(next, "SHOW statement_timeout")).as("the pool's next borrower").isEqualTo("0");
        }
    }

    @Test
    void theTimeoutBoundsStatements() throws SQLException {
        try (HeldConnection held = new HeldConnection(pool, Duration.ofMillis(100), Duration.ofMinutes(1))) {
            assertThatThrownBy(() -> query(held.get(), "SELECT 1 FROM pg_sleep(2)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("statement timeout");
            held.abandon();
            assertThat(held.holding()).isFalse();
            assertThat(query(held.get(), "SELECT 7")).isEqualTo(7);
            held.get().commit();
        }
    }

    @Test
    void abandonRollsBackAndReturnsTheConnection() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        }
        HeldConnection held = new HeldConnection(pool, TIMEOUT, Duration.ofMinutes(1));
        try (Statement s = held.get().createStatement()) {
            s.execute("INSERT INTO t VALUES (1)");
        }
        held.abandon();
        try (Connection next = pool.getConnection()) {
            assertThat(query(next, "SELECT count(*)::int FROM t")).isZero();
            assertThat(text(next, "SHOW statement_timeout")).isEqualTo("0");
        }
    }

    @Test
    void aConnectionWhoseSessionDiedIsEvictedNotReturned() throws SQLException {
        HeldConnection held = new HeldConnection(pool, TIMEOUT, Duration.ofMinutes(1));
        int pid = query(held.get(), "SELECT pg_backend_pid()");
        held.get().commit();
        try (Connection killer = pg.dataSource("postgres").getConnection();
             Statement s = killer.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        held.close();
        try (Connection next = pool.getConnection()) {
            assertThat(query(next, "SELECT pg_backend_pid()")).isNotEqualTo(pid);
            assertThat(text(next, "SHOW statement_timeout")).isEqualTo("0");
        }
    }

    @Test
    void givesTheConnectionBackOnceHeldTooLong() throws SQLException {
        try (HeldConnection held = new HeldConnection(pool, TIMEOUT, Duration.ZERO)) {
            Connection first = held.get();
            first.commit();
            Connection second = held.get();
            assertThat(second).as("a new borrow from the pool").isNotSameAs(first);
            assertThat(first.isClosed()).isTrue();
            assertThat(text(second, "SHOW statement_timeout")).isEqualTo("1234ms");
            second.commit();
        }
    }

    @Test
    void workersSharingALockTakeTheirConnectionsOneAtATime() throws Exception {
        int workers = 8;
        AtomicInteger taking = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(pg.jdbcUrl(pg.freshDatabase("held")));
        hc.setMaximumPoolSize(workers);
        hc.setConnectionTimeout(5_000);
        try (HikariDataSource wide = new HikariDataSource(hc)) {
            // Counts the threads inside getConnection at once; each stays a moment, so unserialized takes overlap.
            DataSource counting = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("getConnection")) {
                            return method.invoke(wide, args);
                        }
                        mostAtOnce.accumulateAndGet(taking.incrementAndGet(), Math::max);
                        try {
                            Thread.sleep(20);
                            return method.invoke(wide, args);
                        } finally {
                            taking.decrementAndGet();
                        }
                    });
            Lock shared = new ReentrantLock();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            try {
                List<Future<Integer>> pids = new ArrayList<>();
                for (int i = 0; i < workers; i++) {
                    pids.add(pool.submit(() -> {
                        start.await();
                        HeldConnection held = new HeldConnection(counting, TIMEOUT, Duration.ofMinutes(1), shared);
                        // Keeps its connection: the workers hold theirs all at once, as fan shards do.
                        return query(held.get(), "SELECT pg_backend_pid()");
                    }));
                }
                start.countDown();
                Set<Integer> distinct = new HashSet<>();
                for (Future<Integer> pid : pids) {
                    distinct.add(pid.get(30, TimeUnit.SECONDS));
                }
                assertThat(distinct).as("one session per worker").hasSize(workers);
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(mostAtOnce.get()).as("workers inside the pool's getConnection at once").isEqualTo(1);
    }

    private static int query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * MariaDB has no {@code SET LOCAL}: a held connection and a transaction {@link TargetTx#begin} opens bound their
     * statements with the session's {@code max_statement_time} and {@code innodb_lock_wait_timeout}, and the pool's
     * next borrower gets the server's defaults back.
     */
    @Test
    void onMariaDbTheSessionTimeoutsBoundStatementsAndAreResetForThePool() throws Exception {
        EmbeddedMariaDb maria = EmbeddedMariaDb.shared();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:mariadb://127.0.0.1:" + maria.port() + "/" + maria.newDatabase("held")
                + "?user=root&sslMode=disable");
        hc.setMaximumPoolSize(1);
        hc.setConnectionTimeout(2_000);
        try (HikariDataSource mariaPool = new HikariDataSource(hc)) {
            String defaults;
            try (Connection c = mariaPool.getConnection()) {
                defaults = text(c, "SELECT CONCAT(@@max_statement_time, ' ', @@innodb_lock_wait_timeout)");
            }
            try (HeldConnection held = new HeldConnection(mariaPool, Duration.ofMillis(1500), Duration.ofMinutes(1))) {
                assertThat(text(held.get(), "SELECT CONCAT(@@max_statement_time, ' ', @@innodb_lock_wait_timeout)"))
                        .isEqualTo("1.500000 2");
                assertThatThrownBy(() -> query(held.get(), "SELECT SLEEP(3)"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("max_statement_time");
                held.abandon();
            }
            try (Connection next = mariaPool.getConnection()) {
                assertThat(text(next, "SELECT CONCAT(@@max_statement_time, ' ', @@innodb_lock_wait_timeout)"))
                        .as("the pool's next borrower").isEqualTo(defaults);
            }
            Connection tx = mariaPool.getConnection();
            TargetTx.begin(tx, Duration.ofSeconds(7));
            assertThat(text(tx, "SELECT CONCAT(@@max_statement_time, ' ', @@innodb_lock_wait_timeout)"))
                    .isEqualTo("7.000000 7");
            tx.commit();
            TargetTx.close(tx);
            try (Connection next = mariaPool.getConnection()) {
                assertThat(text(next, "SELECT CONCAT(@@max_statement_time, ' ', @@innodb_lock_wait_timeout)"))
                        .as("the pool's next borrower after TargetTx.close").isEqualTo(defaults);
            }
        }
    }

}
