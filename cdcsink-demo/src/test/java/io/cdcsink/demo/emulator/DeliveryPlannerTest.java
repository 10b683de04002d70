package io.cdcsink.demo.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.Hlc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryPlannerTest {
    private static final EmulatorConfig BASE = EmulatorConfig.to("/db/public")
            .withResolvedInterval(Duration.ofMillis(10)).withBatchSize(5);
    private final List<SourceTransaction> txs = Transactions.random(3, 200, 50);

    private static List<WindowPlan> plans(EmulatorConfig config, List<SourceTransaction> txs) {
        DeliveryPlanner p = new DeliveryPlanner(config);
        return p.windows(txs).stream().map(p::plan).toList();
    }

    @Test
    void windowsSpanAtMostTheResolvedIntervalOfCommitTime() {
        List<List<SourceTransaction>> windows = new DeliveryPlanner(BASE).windows(txs);
        assertThat(windows).hasSize(20);
        for (List<SourceTransaction> w : windows) {
            long span = w.get(w.size() - 1).commit().nanos() - w.get(0).commit().nanos();
            assertThat(span).isLessThan(Duration.ofMillis(10).toNanos());
        }
        assertThat(windows.stream().mapToInt(List::size).sum()).isEqualTo(txs.size());
    }

    @Test
    void resolvedCoversItsWindowAndNothingOfLaterWindows() {
        for (EmulatorConfig config : List.of(BASE, BASE.withNodes(3).withShuffle(true).withDuplicateProbability(0.5))) {
            List<WindowPlan> plans = plans(config, txs);
            Hlc previous = Hlc.ZERO;
            for (int i = 0; i < plans.size(); i++) {
                WindowPlan w = plans.get(i);
                assertThat(w.resolved()).isGreaterThan(previous);
                for (Batch b : w.batches()) {
                    for (Message m : b.messages()) {
                        assertThat(m.updated()).isGreaterThan(previous).isLessThanOrEqualTo(w.resolved());
                    }
                }
                previous = w.resolved();
            }
        }
    }

    @Test
    void everyRowChangeIsPlannedOnceApartFromDuplicates() {
        EmulatorConfig config = BASE.withNodes(3).withShuffle(true).withDuplicateProbability(0.3);
        List<Message> delivered = new ArrayList<>();
        int duplicated = 0;
        int all = 0;
        for (WindowPlan w : plans(config, txs)) {
            for (Batch b : w.batches()) {
                all++;
                if (b.duplicate()) {
                    duplicated++;
                } else {
                    delivered.addAll(b.messages());
                }
            }
        }
        List<Message> expected = new ArrayList<>();
        txs.forEach(tx -> tx.changes().forEach(c -> expected.add(new Message(c, tx.commit()))));
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(expected);
        assertThat((double) duplicated / (all - duplicated)).isBetween(0.15, 0.45);
    }

    @Test
    void duplicatesRepeatABatchOfTheSameWindow() {
        for (WindowPlan w : plans(BASE.withDuplicateProbability(1), txs)) {
            List<Batch> originals = w.batches().stream().filter(b -> !b.duplicate()).toList();
            List<Batch> copies = w.batches().stream().filter(Batch::duplicate).toList();
            assertThat(copies).hasSameSizeAs(originals);
            assertThat(copies.stream().map(Batch::messages).toList())
                    .containsExactlyElementsOf(originals.stream().map(Batch::messages).toList());
        }
        assertThat(plans(BASE, txs)).allSatisfy(w -> assertThat(w.batches()).noneMatch(Batch::duplicate));
    }

    @Test
    void eachNodeOwnsItsKeysAndSendsOnlyThem() {
        EmulatorConfig config = BASE.withNodes(4).withShuffle(true);
        DeliveryPlanner planner = new DeliveryPlanner(config);
        Map<String, Integer> owner = new HashMap<>();
        for (WindowPlan w : plans(config, txs)) {
            assertThat(w.resolvingNodes()).containsExactlyInAnyOrder(0, 1, 2, 3);
            for (Batch b : w.batches()) {
                assertThat(b.messages()).hasSizeLessThanOrEqualTo(5);
                for (Message m : b.messages()) {
                    assertThat(planner.nodeOf(m.change())).isEqualTo(b.node());
                    Integer before = owner.putIfAbsent(m.change().key(), b.node());
                    assertThat(before == null || before == b.node()).isTrue();
                }
            }
        }
        assertThat(owner.values()).containsOnly(0, 1, 2, 3).contains(0, 1, 2, 3);
    }

    @Test
    void withoutShuffleANodeSendsInCommitOrder() {
        for (WindowPlan w : plans(BASE.withNodes(2), txs)) {
            Map<Integer, Hlc> last = new HashMap<>();
            for (Batch b : w.batches()) {
                for (Message m : b.messages()) {
                    Hlc prev = last.put(b.node(), m.updated());
                    assertThat(prev == null || !prev.isAfter(m.updated())).isTrue();
                }
            }
        }
    }

    @Test
    void theSameSeedPlansTheSameDeliveries() {
        EmulatorConfig config = BASE.withNodes(3).withShuffle(true).withDuplicateProbability(0.3).withSeed(9);
        assertThat(plans(config, txs)).isEqualTo(plans(config, txs));
        assertThat(plans(config.withSeed(10), txs)).isNotEqualTo(plans(config, txs));
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> EmulatorConfig.to("db/public")).hasMessageContaining("/db/schema");
        assertThatThrownBy(() -> BASE.withDuplicateProbability(1.5)).hasMessageContaining("duplicateProbability");
        assertThatThrownBy(() -> BASE.withNodes(0)).hasMessageContaining("nodes");
        assertThatThrownBy(() -> RowChange.upsert("t", "1", "{}")).hasMessageContaining("JSON array");
    }
}
