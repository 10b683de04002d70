package io.cdcsink.demo.emulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Decides, from the seeded random source only, how a window of transactions is delivered: which node owns each
 * row, how rows are cut into batches, their order, which batches are delivered twice and which nodes post the
 * resolved timestamp. Knows nothing about HTTP, so its rules are tested without a server.
 */
final class DeliveryPlanner {
    private final EmulatorConfig config;
    private final Random random;

    DeliveryPlanner(EmulatorConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
    }

    /** The node owning a row: a fixed hash partition of the key space, as ranges are spread over nodes. */
    int nodeOf(RowChange change) {
        int h = (change.topic() + '\u0000' + change.key().strip()).hashCode();
        return Math.floorMod(h * 0x9E3779B9, config.nodes());
    }

    /** Cuts transactions (in commit order) into consecutive windows of at most {@code resolvedInterval}. */
    List<List<SourceTransaction>> windows(List<SourceTransaction> transactions) {
        List<List<SourceTransaction>> out = new ArrayList<>();
        List<SourceTransaction> current = new ArrayList<>();
        long start = 0;
        for (SourceTransaction tx : transactions) {
            if (!current.isEmpty() && tx.commit().nanos() - start >= config.resolvedInterval().toNanos()) {
                out.add(current);
                current = new ArrayList<>();
            }
            if (current.isEmpty()) {
                start = tx.commit().nanos();
            }
            current.add(tx);
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** Plans one window; the transactions must be in increasing commit order. */
    WindowPlan plan(List<SourceTransaction> window) {
        if (window.isEmpty()) {
            throw new IllegalArgumentException("an empty window has nothing to deliver");
        }
        List<List<Message>> perNode = new ArrayList<>();
        for (int n = 0; n < config.nodes(); n++) {
            perNode.add(new ArrayList<>());
        }
        for (SourceTransaction tx : window) {
            for (RowChange c : tx.changes()) {
                perNode.get(nodeOf(c)).add(new Message(c, tx.commit()));
            }
        }
        List<List<Batch>> nodeBatches = new ArrayList<>();
        for (int n = 0; n < config.nodes(); n++) {
            List<Message> messages = perNode.get(n);
            if (config.shuffle()) {
                Collections.shuffle(messages, random);
            }
            List<Batch> batches = new ArrayList<>();
            for (int i = 0; i < messages.size(); i += config.batchSize()) {
                batches.add(new Batch(n, messages.subList(i, Math.min(messages.size(), i + config.batchSize())),
                        false));
            }
            nodeBatches.add(batches);
        }
        // Nodes send side by side: interleave their batches.
        List<Batch> order = new ArrayList<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (List<Batch> batches : nodeBatches) {
                if (i < batches.size()) {
                    order.add(batches.get(i));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        List<Batch> duplicates = new ArrayList<>();
        for (Batch b : order) {
            if (config.duplicateProbability() > 0 && random.nextDouble() < config.duplicateProbability()) {
                duplicates.add(new Batch(b.node(), b.messages(), true));
            }
        }
        order.addAll(duplicates);
        if (config.shuffle()) {
            Collections.shuffle(order, random);
        }
        List<Integer> resolving = new ArrayList<>();
        for (int n = 0; n < config.nodes(); n++) {
            resolving.add(n);
        }
        if (config.shuffle()) {
            Collections.shuffle(resolving, random);
        }
        return new WindowPlan(order, window.get(window.size() - 1).commit(), resolving);
    }
}
