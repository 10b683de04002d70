package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Crash safety and the consistency checker, shared by the per-source storm tests: the real jar is killed with
 * SIGKILL at least 20 times at seeded random moments (start-up included) while a bank workload writes to the
 * source; a reader checks the bank invariant on the target the whole time. Consistent mode must never show half a
 * transaction, and at the end source and target must be equal row by row. {@code -Dstorm.seed} replays a run,
 * {@code -Dstorm.kills} changes the number of kills. One class per source lets the storms run in parallel forks.
 */
final class CrashStorms {
    private CrashStorms() {
    }

    static void ddl(Callable<Connection> db) throws Exception {
        try (Connection c = db.call(); Statement s = c.createStatement()) {
            for (String sql : Bank.ddl()) {
                s.execute(sql);
            }
        }
    }

    /** The source side of a storm: how to commit one transfer, and what the source holds now. */
    interface BankSource {
        /** Commits one transfer; called from the storm's writer thread only. */
        void transfer() throws Exception;

        long transfers();

        /** Every row of a bank table as {@link Bank#rows} formats them, in key order. */
        List<String> rows(String table) throws Exception;
    }

    /** A source database written with {@link Bank} over {@code writer}, read over new connections of {@code db}. */
    static BankSource sql(long seed, Connection writer, Callable<Connection> db) {
        Bank bank = new Bank(seed);
        return new BankSource() {
            @Override
            public void transfer() throws Exception {
                bank.transfer(writer);
            }

            @Override
            public long transfers() {
                return bank.transfers();
            }

            @Override
            public List<String> rows(String table) throws Exception {
                try (Connection c = db.call()) {
                    return Bank.rows(c, table);
                }
            }
        };
    }

    static void storm(String name, long defaultSeed, Callable<CdcSinkProcess> starter, Callable<Connection> source,
                      Callable<Connection> target) throws Exception {
        storm(name, defaultSeed, KillStorm.kills(), starter, source, target);
    }

    /** A storm of {@code kills} kills (a short one, for a target that adds to the suite's time). */
    static void storm(String name, long defaultSeed, int kills, Callable<CdcSinkProcess> starter,
                      Callable<Connection> source, Callable<Connection> target) throws Exception {
        long seed = KillStorm.seed(defaultSeed);
        try (Connection writer = source.call()) {
            storm(name, seed, kills, starter, sql(seed, writer, source), target);
        }
    }

    static void storm(String name, long seed, Callable<CdcSinkProcess> starter, BankSource source,
                      Callable<Connection> target) throws Exception {
        storm(name, seed, KillStorm.kills(), starter, source, target);
    }

    static void storm(String name, long seed, int kills, Callable<CdcSinkProcess> starter, BankSource source,
                      Callable<Connection> target) throws Exception {
        KillStorm.Result result;
        long rows;
        try (InvariantReader reader = new InvariantReader(() -> connect(target))) {
            result = new KillStorm(seed, kills, starter).run(source::transfer, source::transfers);
            try {
                rows = awaitSame(source, target, Duration.ofSeconds(120));
            } finally {
                result.process().close();
            }
            reader.close();
            System.out.printf("crash storm %s: seed=%d kills=%d (during start-up %d) transfers=%d invariant reads=%d"
                            + " violations=%d rows compared=%d%n", name, seed, result.figures().kills(),
                    result.figures().duringStartup(), result.figures().transfers(), reader.reads(),
                    reader.violations().size(), rows);
            assertThat(reader.violations()).as("half-applied transactions seen on the target (seed %d)", seed)
                    .isEmpty();
            assertThat(reader.reads()).as("invariant reads").isGreaterThan(Math.min(100, 20L * kills));
        }
        assertThat(result.figures().kills()).isGreaterThanOrEqualTo(Math.min(20, kills));
        assertThat(result.figures().transfers()).isGreaterThan(0);
        try (Connection t = target.call()) {
            assertThat(Bank.totals(t).money()).isEqualTo(Bank.TOTAL);
            assertThat(Bank.rows(t, "bank_log")).hasSize((int) result.figures().transfers());
        }
    }

    /**
     * The bank workload without kills against a process in {@code --immediate} mode: half-applied transfers may be
     * seen on the way (counted, not refused), but the final state must equal the source row by row.
     */
    static void immediate(String name, long seed, Callable<CdcSinkProcess> starter, Callable<Connection> source,
                          Callable<Connection> target, int transfers) throws Exception {
        try (Connection writer = source.call(); CdcSinkProcess p = starter.call();
             InvariantReader reader = new InvariantReader(() -> connect(target))) {
            BankSource bank = sql(seed, writer, source);
            for (int i = 0; i < transfers; i++) {
                bank.transfer();
            }
            long rows = awaitSame(bank, target, Duration.ofSeconds(120));
            reader.close();
            System.out.printf("immediate bank %s: seed=%d transfers=%d invariant reads=%d (half-applied seen %d,"
                    + " allowed) rows compared=%d%n", name, seed, transfers, reader.reads(),
                    reader.violations().size(), rows);
            try (Connection t = target.call()) {
                assertThat(Bank.totals(t).consistent()).isTrue();
            }
            assertThat(p.isAlive()).isTrue();
        }
    }

    static Connection connect(Callable<Connection> db) throws SQLException {
        try {
            return db.call();
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e);
        }
    }

    /** Waits until every bank table is equal row by row on both sides; returns the rows compared. */
    static long awaitSame(BankSource source, Callable<Connection> target, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long compared = 0;
            List<String> differing = new ArrayList<>();
            try (Connection t = target.call()) {
                for (String table : Bank.TABLES) {
                    List<String> want = source.rows(table);
                    List<String> got = Bank.rows(t, table);
                    compared += want.size();
                    if (!want.equals(got)) {
                        differing.add(table + " (source " + want.size() + " rows, target " + got.size() + ")");
                    }
                }
            }
            if (differing.isEmpty()) {
                return compared;
            }
            assertThat(System.nanoTime()).as("source and target equal; differing: " + differing)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
