package io.cdcsink.core.logical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A source for loop tests: transaction {@code i} (from 0) is produced by a script; the position after it is the text
 * {@code i+1}. Like a real source it resumes after the position it is given and then waits for more. With a chaos
 * probability it fails at random points (seeded), also in the middle of a transaction.
 */
final class ScriptedDialect implements LogicalDialect {
    /** One change of a scripted transaction. */
    sealed interface Op {
        record Upsert(TableName table, String key, String row) implements Op {
        }

        record Delete(TableName table, String key) implements Op {
        }

        record Truncate(TableName table) implements Op {
        }
    }

    private final int transactions;
    private final IntFunction<List<Op>> script;
    private final IntFunction<Instant> commitTime;
    private final double chaos;
    private final Random random;
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger streams = new AtomicInteger();

    ScriptedDialect(int transactions, IntFunction<List<Op>> script, IntFunction<Instant> commitTime, double chaos,
                    long seed) {
        this.transactions = transactions;
        this.script = script;
        this.commitTime = commitTime;
        this.chaos = chaos;
        this.random = new Random(seed);
    }

    @Override
    public void preflight() {
    }

    @Override
    public void stream(Optional<LogicalPosition> from, LogicalEvents events) throws Exception {
        streams.incrementAndGet();
        int start = from.map(p -> Integer.parseInt(p.text())).orElse(0);
        for (int i = start; i < transactions; i++) {
            events.begin();
            try {
                for (Op op : script.apply(i)) {
                    maybeFail();
                    if (op instanceof Op.Upsert u) {
                        events.upsert(u.table(), row(u.row()));
                    } else if (op instanceof Op.Delete d) {
                        events.delete(d.table(), SourceRow.of(K_V, new String[] {key(d.key()), null}));
                    } else if (op instanceof Op.Truncate t) {
                        events.truncate(t.table());
                    }
                }
                maybeFail();
            } catch (RuntimeException e) {
                events.rollback();
                throw e;
            }
            events.commit(new LogicalPosition(String.valueOf(i + 1), commitTime.apply(i)));
        }
        while (true) {
            Thread.sleep(20);
        }
    }

    /** Every scripted table is (k, v), keyed by k. */
    private static final RowShape K_V = new RowShape(List.of("k", "v"), List.of(0));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A row given as a JSON object of k and v, as the source's text of each value. */
    private static SourceRow row(String json) {
        try {
            JsonNode row = JSON.readTree(json);
            return SourceRow.of(K_V, new String[] {row.get("k").asText(), row.get("v").asText()});
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** The one value of a key given as a JSON array. */
    private static String key(String json) {
        try {
            return JSON.readTree(json).get(0).asText();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private void maybeFail() {
        boolean fail;
        synchronized (random) {
            fail = chaos > 0 && random.nextDouble() < chaos;
        }
        if (fail) {
            failures.incrementAndGet();
            throw new IllegalStateException("chaos");
        }
    }
}
