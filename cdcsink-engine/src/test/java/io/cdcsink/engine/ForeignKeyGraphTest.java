package io.cdcsink.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcsink.api.TableName;
import io.cdcsink.engine.ApplyOrder.Part;
import io.cdcsink.engine.ApplyOrder.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForeignKeyGraphTest {
    private static final TableName GRAND = t("grand");
    private static final TableName PARENT = t("parent");
    private static final TableName CHILD = t("child");
    private static final TableName NODE = t("node");
    private static final TableName LONE = t("lone");

    private static TableName t(String name) {
        return new TableName("app", "public", name);
    }

    private static ForeignKeyGraph.ForeignKey fk(TableName child, TableName parent, boolean deferrable) {
        return new ForeignKeyGraph.ForeignKey(child.table() + "_" + parent.table() + "_fkey", child,
                List.of(parent.table() + "_id"), parent, List.of("id"), deferrable);
    }

    /** grand ← parent ← child, node ← node, and lone without keys. */
    private static final ForeignKeyGraph CHAIN = new ForeignKeyGraph(List.of(fk(CHILD, PARENT, false),
            fk(PARENT, GRAND, false), fk(NODE, NODE, false)));

    @Test
    void upsertsGoParentsFirstAndDeletesChildrenFirstWithUnreferencedTablesBetween() {
        ApplyOrder order = CHAIN.order(List.of(CHILD, LONE, NODE, GRAND, PARENT));
        assertThat(order.steps()).containsExactly(
                new Step(GRAND, Part.UPSERTS, false),
                new Step(PARENT, Part.UPSERTS, false),
                new Step(NODE, Part.UPSERTS, true),
                new Step(LONE, Part.ALL, false),
                new Step(CHILD, Part.ALL, false),
                new Step(NODE, Part.DELETES, true),
                new Step(PARENT, Part.DELETES, false),
                new Step(GRAND, Part.DELETES, false));
        assertThat(order.deferConstraints()).isFalse();
    }

    @Test
    void tablesWithoutForeignKeysAreAppliedWholeInTheOrderGiven() {
        assertThat(CHAIN.order(List.of(LONE, t("other")))).isEqualTo(ApplyOrder.unordered(List.of(LONE, t("other"))));
        assertThat(ForeignKeyGraph.EMPTY.order(List.of(CHILD, PARENT)).steps())
                .extracting(Step::part).containsOnly(Part.ALL);
    }

    @Test
    void aLongChainIsRankedWithoutRecursion() {
        List<ForeignKeyGraph.ForeignKey> keys = new ArrayList<>();
        List<TableName> tables = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            tables.add(t("t" + i));
            if (i > 0) {
                keys.add(fk(t("t" + i), t("t" + (i - 1)), false));
            }
        }
        ForeignKeyGraph graph = new ForeignKeyGraph(keys);
        List<TableName> reversed = new ArrayList<>(tables);
        Collections.reverse(reversed);
        List<Step> steps = graph.order(reversed).steps();
        assertThat(steps.get(0)).isEqualTo(new Step(t("t0"), Part.UPSERTS, false));
        assertThat(steps.get(19_999)).isEqualTo(new Step(t("t19999"), Part.ALL, false));
        assertThat(steps.get(steps.size() - 1)).isEqualTo(new Step(t("t0"), Part.DELETES, false));
        assertThat(graph.group(t("t12345"))).contains(t("t0"));
    }

    @Test
    void cyclesAreFoundAndDeferrableKeysAskForDeferral() {
        TableName a = t("a");
        TableName b = t("b");
        TableName c = t("c");
        ForeignKeyGraph graph = new ForeignKeyGraph(List.of(fk(a, b, false), fk(b, c, true), fk(c, a, true),
                fk(CHILD, a, false)));
        assertThat(graph.cycles()).containsExactly(List.of(a, b, c));
        assertThat(graph.cycleOf(b)).contains(List.of(a, b, c));
        assertThat(graph.cycleOf(CHILD)).isEmpty();
        assertThat(graph.allDeferrable(List.of(a, b, c))).isFalse();
        assertThat(graph.allDeferrable(List.of(b, c))).isTrue();
        ApplyOrder order = graph.order(List.of(CHILD, c, b, a));
        assertThat(order.deferConstraints()).isTrue();
        // The child comes after the whole cycle; the cycle's members keep the order given.
        assertThat(order.steps()).containsExactly(
                new Step(c, Part.UPSERTS, false), new Step(b, Part.UPSERTS, false), new Step(a, Part.UPSERTS, false),
                new Step(CHILD, Part.ALL, false),
                new Step(a, Part.DELETES, false), new Step(b, Part.DELETES, false), new Step(c, Part.DELETES, false));
        assertThat(CHAIN.cycles()).as("a self-reference is not a cycle of tables").isEmpty();
    }

    @Test
    void linkedTablesShareAGroupNamedByItsFirstTable() {
        assertThat(CHAIN.group(CHILD)).contains(CHILD);
        assertThat(CHAIN.group(GRAND)).contains(CHILD);
        assertThat(CHAIN.group(PARENT)).contains(CHILD);
        assertThat(CHAIN.group(NODE)).contains(NODE);
        assertThat(CHAIN.group(LONE)).isEmpty();
        assertThat(CHAIN.linked(GRAND)).isTrue();
        assertThat(CHAIN.referenced(CHILD)).isFalse();
        assertThat(CHAIN.selfReferences(NODE)).singleElement()
                .satisfies(k -> assertThat(k.selfReference()).isTrue());
    }

    @Test
    void aKeyNeedsMatchingColumnLists() {
        assertThatThrownBy(() -> new ForeignKeyGraph.ForeignKey("k", CHILD, List.of("a", "b"), PARENT,
                List.of("id"), false)).hasMessageContaining("2 referencing and 1 referenced columns");
    }
}
