package io.cdcsink.it;

import io.cdcsink.api.Hlc;
import io.cdcsink.demo.emulator.RowChange;
import io.cdcsink.demo.emulator.SourceTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The bank workload as a CockroachDB changefeed reports it, for the webhook path: every transfer is one source
 * transaction of three row changes (the new rows of both accounts and a {@code bank_log} row). Balances live in
 * memory, so the expected rows are known without a source database. Account rows carry {@code ver}, their commit
 * time in nanoseconds, for compare-and-set in immediate mode. Each transaction is one millisecond of source time
 * after the previous one.
 */
final class BankFeed implements CrashStorms.BankSource {
    private final Random random;
    private final Consumer<SourceTransaction> sink;
    private final long[][] balances = new long[2][Bank.ACCOUNTS + 1];
    private final List<String> log = new ArrayList<>();
    private long clock;

    /** @param sink where each transaction goes, e.g. {@code emulator::submit} */
    BankFeed(long seed, long startNanos, Consumer<SourceTransaction> sink) {
        this.random = new Random(seed);
        this.clock = startNanos;
        this.sink = sink;
    }

    /** The tables on the target: {@link Bank#ddl()} plus the {@code ver} column. */
    static List<String> ddl() {
        return List.of("CREATE TABLE bank_a (k INT PRIMARY KEY, bal BIGINT NOT NULL, ver BIGINT NOT NULL)",
                "CREATE TABLE bank_b (k INT PRIMARY KEY, bal BIGINT NOT NULL, ver BIGINT NOT NULL)",
                "CREATE TABLE bank_log (id BIGINT PRIMARY KEY, src VARCHAR(16) NOT NULL, amount BIGINT NOT NULL)");
    }

    /** Opens every account in one transaction. */
    synchronized void open() {
        Hlc commit = tick();
        List<RowChange> changes = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            for (int k = 1; k <= Bank.ACCOUNTS; k++) {
                balances[side][k] = Bank.OPENING_BALANCE;
                changes.add(account(side, k, commit));
            }
        }
        sink.accept(new SourceTransaction(commit, changes));
    }

    /** One transfer between the two tables in a random direction, as one transaction. */
    @Override
    public synchronized void transfer() {
        int from = random.nextBoolean() ? 0 : 1;
        int to = 1 - from;
        int debit = 1 + random.nextInt(Bank.ACCOUNTS);
        int credit = 1 + random.nextInt(Bank.ACCOUNTS);
        long amount = 1 + random.nextInt(50);
        Hlc commit = tick();
        balances[from][debit] -= amount;
        balances[to][credit] += amount;
        long id = log.size() + 1;
        String src = (from == 0 ? "a" : "b") + debit;
        log.add(id + "|" + src + "|" + amount);
        sink.accept(new SourceTransaction(commit, List.of(account(from, debit, commit), account(to, credit, commit),
                RowChange.upsert("bank_log", "[" + id + "]",
                        "{\"id\":" + id + ",\"src\":\"" + src + "\",\"amount\":" + amount + "}"))));
    }

    @Override
    public synchronized long transfers() {
        return log.size();
    }

    /** What the target must hold, formatted as {@link Bank#rows} formats it. */
    @Override
    public synchronized List<String> rows(String table) {
        if (table.equals("bank_log")) {
            return List.copyOf(log);
        }
        int side = table.equals("bank_a") ? 0 : 1;
        List<String> out = new ArrayList<>();
        for (int k = 1; k <= Bank.ACCOUNTS; k++) {
            out.add(k + "|" + balances[side][k]);
        }
        return out;
    }

    private Hlc tick() {
        clock += 1_000_000L;
        return new Hlc(clock, 0);
    }

    private RowChange account(int side, int k, Hlc commit) {
        return RowChange.upsert(side == 0 ? "bank_a" : "bank_b", "[" + k + "]",
                "{\"k\":" + k + ",\"bal\":" + balances[side][k] + ",\"ver\":" + commit.nanos() + "}");
    }
}
