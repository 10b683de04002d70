package io.cdcsink.demo.emulator;

import io.cdcsink.api.Hlc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/** A seeded workload of upserts and deletes on table {@code t (k INT PRIMARY KEY, v TEXT)}, and its end state. */
final class Transactions {
    private Transactions() {
    }

    /** Transactions one millisecond apart, each changing 1 to 4 of {@code keys} keys. */
    static List<SourceTransaction> random(long seed, int count, int keys) {
        Random r = new Random(seed);
        List<SourceTransaction> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            List<RowChange> changes = new ArrayList<>();
            int n = 1 + r.nextInt(4);
            for (int j = 0; j < n; j++) {
                int k = r.nextInt(keys);
                if (r.nextInt(5) == 0) {
                    changes.add(RowChange.delete("t", "[" + k + "]"));
                } else {
                    changes.add(RowChange.upsert("t", "[" + k + "]",
                            "{\"k\":" + k + ",\"v\":\"tx" + i + "-" + j + "\"}"));
                }
            }
            out.add(new SourceTransaction(new Hlc(1_000_000L * i, i % 3), changes));
        }
        return out;
    }

    /** Key to the last {@code after} of each key still present after all transactions. */
    static Map<Integer, String> endState(List<SourceTransaction> txs) {
        Map<Integer, String> state = new TreeMap<>();
        for (SourceTransaction tx : txs) {
            for (RowChange c : tx.changes()) {
                int k = Integer.parseInt(c.key().substring(1, c.key().length() - 1));
                Optional<String> after = c.after();
                if (after.isPresent()) {
                    state.put(k, after.get());
                } else {
                    state.remove(k);
                }
            }
        }
        return state;
    }
}
