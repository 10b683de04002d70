package io.cdcsink.engine;

import io.cdcsink.api.Mutation;
import io.cdcsink.api.TableName;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's mutations made ready, by {@link Applier#prepare}, ahead of the transaction that applies them. An applier
 * may keep what it worked out (decoded rows, the table's description) in its own implementation.
 */
public interface PreparedBatch {
    TableName table();

    /** The mutations as they arrived. */
    List<Mutation> mutations();

    /** Mutations with nothing worked out ahead. */
    static PreparedBatch of(TableName table, List<Mutation> mutations) {
        return new AsReceived(table, mutations);
    }

    /** The batches' mutations one after the other, in order (a lone batch's list as it is). */
    static List<Mutation> mutationsOf(List<PreparedBatch> batches) {
        if (batches.size() == 1) {
            return batches.get(0).mutations();
        }
        List<Mutation> all = new ArrayList<>();
        batches.forEach(b -> all.addAll(b.mutations()));
        return all;
    }

    /** What {@link #of} returns. */
    record AsReceived(TableName table, List<Mutation> mutations) implements PreparedBatch {
    }
}
