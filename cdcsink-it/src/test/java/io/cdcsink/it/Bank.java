package io.cdcsink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The "bank" workload of the consistency checker: money moves between accounts held in two tables ({@code bank_a},
 * {@code bank_b}) inside source transactions, each also writing a {@code bank_log} row, so the total is constant and
 * any half-applied transaction on the target shows up as a wrong total. The SQL is portable between PostgreSQL and
 * MariaDB.
 */
final class Bank {
    static final int ACCOUNTS = 50;
    static final long OPENING_BALANCE = 1_000;
    /** The money in both tables together once the opening transaction is applied. */
    static final long TOTAL = 2 * ACCOUNTS * OPENING_BALANCE;
    static final List<String> TABLES = List.of("bank_a", "bank_b", "bank_log");

    private final Random random;
    private long nextId = 1;

    Bank(long seed) {
        this.random = new Random(seed);
    }

    /** The tables, created the same way on the source and the target. */
    static List<String> ddl() {
        return List.of("CREATE TABLE bank_a (k INT PRIMARY KEY, bal BIGINT NOT NULL)",
                "CREATE TABLE bank_b (k INT PRIMARY KEY, bal BIGINT NOT NULL)",
                "CREATE TABLE bank_log (id BIGINT PRIMARY KEY, src VARCHAR(16) NOT NULL, amount BIGINT NOT NULL)");
    }

    /** Opens every account in one source transaction. */
    static void open(Connection source) throws SQLException {
        boolean auto = source.getAutoCommit();
        source.setAutoCommit(false);
        try (Statement s = source.createStatement()) {
            for (String table : List.of("bank_a", "bank_b")) {
                StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (k, bal) VALUES ");
                for (int k = 1; k <= ACCOUNTS; k++) {
                    sql.append(k == 1 ? "" : ", ").append('(').append(k).append(", ").append(OPENING_BALANCE)
                            .append(')');
                }
                s.executeUpdate(sql.toString());
            }
            source.commit();
        } finally {
            source.setAutoCommit(auto);
        }
    }

    /** One transfer in one source transaction, between the two tables in a random direction. */
    void transfer(Connection source) throws SQLException {
        boolean auto = source.getAutoCommit();
        try {
            transfer(source, random, nextId);
            nextId++;
        } catch (SQLException e) {
            source.rollback();
            throw e;
        } finally {
            source.setAutoCommit(auto);
        }
    }

    /**
     * One transfer logged as {@code id}, drawn from {@code random}, committed as one transaction; the connection is
     * left without autocommit, and a failure is the caller's to roll back (or to reconnect after).
     */
    static void transfer(Connection source, Random random, long id) throws SQLException {
        boolean aToB = random.nextBoolean();
        int from = 1 + random.nextInt(ACCOUNTS);
        int to = 1 + random.nextInt(ACCOUNTS);
        long amount = 1 + random.nextInt(50);
        source.setAutoCommit(false);
        try (PreparedStatement debit = source.prepareStatement("UPDATE " + (aToB ? "bank_a" : "bank_b")
                + " SET bal = bal - ? WHERE k = ?");
             PreparedStatement credit = source.prepareStatement("UPDATE " + (aToB ? "bank_b" : "bank_a")
                     + " SET bal = bal + ? WHERE k = ?");
             PreparedStatement log = source.prepareStatement(
                     "INSERT INTO bank_log (id, src, amount) VALUES (?, ?, ?)")) {
            debit.setLong(1, amount);
            debit.setInt(2, from);
            debit.executeUpdate();
            credit.setLong(1, amount);
            credit.setInt(2, to);
            credit.executeUpdate();
            log.setLong(1, id);
            log.setString(2, (aToB ? "a" : "b") + from);
            log.setLong(3, amount);
            log.executeUpdate();
            source.commit();
        }
    }

    /**
     * Configures compare-and-set on {@code ver} for both account tables of {@code db.schema} in the target's
     * {@code apply_config} (which the first mutation created), signals the process to reload and waits until its
     * {@code /_/config/apply} shows it: immediate mode with shuffled, duplicated delivery needs it.
     */
    static void compareAndSetOnVer(CdcSinkProcess p, Connection target, String db, String schema) throws Exception {
        try (Statement s = target.createStatement()) {
            for (String table : new String[] {"bank_a", "bank_b"}) {
                s.execute("INSERT INTO _cdc_sink.apply_config (target_db, target_schema, target_table,"
                        + " target_column, cas_order) VALUES ('" + db + "', '" + schema + "', '" + table
                        + "', 'ver', 1)");
            }
        }
        p.hangUp();
        Http http = new Http();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!http.get(p.uri("/_/config/apply")).body().contains("bank_b")) {
            assertThat(System.nanoTime()).as("CAS configuration reloaded").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Transfers committed so far. */
    long transfers() {
        return nextId - 1;
    }

    /**
     * The invariant as one statement (one snapshot): the total money and the number of accounts. A consistent
     * target shows either nothing yet ({@code 0, 0}) or {@code TOTAL, 2 * ACCOUNTS}.
     */
    static Totals totals(Connection target) throws SQLException {
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT (SELECT coalesce(sum(bal), 0) FROM bank_a) + (SELECT coalesce(sum(bal), 0) FROM bank_b),"
                        + " (SELECT count(*) FROM bank_a) + (SELECT count(*) FROM bank_b)")) {
            rs.next();
            return new Totals(rs.getLong(1), rs.getLong(2));
        }
    }

    /** Every row of a bank table as {@code k|v...} text in key order, for a row-by-row comparison. */
    static List<String> rows(Connection c, String table) throws SQLException {
        String columns = table.equals("bank_log") ? "id, src, amount" : "k, bal";
        String key = table.equals("bank_log") ? "id" : "k";
        return lines(c, "SELECT " + columns + " FROM " + table + " ORDER BY " + key);
    }

    /** Each row of a query as its values' text joined by {@code |}, in the query's order. */
    static List<String> lines(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
            return out;
        }
    }

    /** A reading of the invariant. */
    record Totals(long money, long accounts) {
        boolean consistent() {
            return (money == 0 && accounts == 0) || (money == TOTAL && accounts == 2L * ACCOUNTS);
        }
    }
}
