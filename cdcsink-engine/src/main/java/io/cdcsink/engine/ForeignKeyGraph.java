package io.cdcsink.engine;

import io.cdcsink.api.TableName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The foreign keys among the tables of one target database, as its catalog declares them, and what follows for the
 * order of writes: which tables are referenced, a parents-first rank, the groups of tables linked by foreign keys
 * and the cycles. Immutable; built once per catalog read.
 */
public final class ForeignKeyGraph {
    /** No foreign keys: every table is applied as it comes. */
    public static final ForeignKeyGraph EMPTY = new ForeignKeyGraph(List.of());

    private static final Comparator<TableName> BY_NAME = Comparator.comparing(TableName::toString);

    /**
     * One foreign key.
     *
     * @param name          the constraint's name
     * @param child         the referencing table
     * @param columns       its referencing columns
     * @param parent        the referenced table (the child itself for a self-reference)
     * @param parentColumns the referenced columns, aligned with {@code columns}
     * @param deferrable    declared {@code DEFERRABLE} (initially deferred or not): {@code SET CONSTRAINTS ALL
     *                      DEFERRED} moves its check to commit
     */
    public record ForeignKey(String name, TableName child, List<String> columns, TableName parent,
                             List<String> parentColumns, boolean deferrable) {
        public ForeignKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(child, "child");
            Objects.requireNonNull(parent, "parent");
            columns = List.copyOf(columns);
            parentColumns = List.copyOf(parentColumns);
            if (columns.size() != parentColumns.size() || columns.isEmpty()) {
                throw new IllegalArgumentException("foreign key " + name + " of " + child + ": " + columns.size()
                        + " referencing and " + parentColumns.size() + " referenced columns");
            }
        }

        public boolean selfReference() {
            return child.equals(parent);
        }
    }

    private final List<ForeignKey> keys;
    private final Map<TableName, List<ForeignKey>> byChild = new HashMap<>();
    private final Set<TableName> referenced = new HashSet<>();
    /** Parents-first position of every linked table; tables of one cycle share theirs. */
    private final Map<TableName, Integer> rank = new HashMap<>();
    /** Each linked table's group (tables connected by foreign keys, either way), named by its first table. */
    private final Map<TableName, TableName> group = new HashMap<>();
    /** Cycles of two or more tables, each sorted by name. */
    private final List<List<TableName>> cycles = new ArrayList<>();

    public ForeignKeyGraph(List<ForeignKey> keys) {
        this.keys = List.copyOf(keys);
        Map<TableName, Set<TableName>> parents = new TreeMap<>(BY_NAME);
        for (ForeignKey k : this.keys) {
            byChild.computeIfAbsent(k.child(), t -> new ArrayList<>()).add(k);
            referenced.add(k.parent());
            parents.computeIfAbsent(k.child(), t -> new TreeSet<>(BY_NAME)).add(k.parent());
            parents.computeIfAbsent(k.parent(), t -> new TreeSet<>(BY_NAME));
        }
        rankComponents(parents);
        groups(parents);
    }

    public List<ForeignKey> keys() {
        return keys;
    }

    /** The foreign keys declared on {@code child}. */
    public List<ForeignKey> from(TableName child) {
        return byChild.getOrDefault(child, List.of());
    }

    /** Foreign keys of {@code table} that reference the table itself. */
    public List<ForeignKey> selfReferences(TableName table) {
        return from(table).stream().filter(ForeignKey::selfReference).toList();
    }

    /** Some foreign key references the table (its own included). */
    public boolean referenced(TableName table) {
        return referenced.contains(table);
    }

    /** The table has a foreign key or is referenced by one. */
    public boolean linked(TableName table) {
        return rank.containsKey(table);
    }

    /**
     * The group of tables linked to {@code table} by foreign keys, either way and transitively, named by the group's
     * first table by name; empty for a table without foreign keys either way. Rows of one group must be applied on
     * one ordered path.
     */
    public Optional<TableName> group(TableName table) {
        return Optional.ofNullable(group.get(table));
    }

    /** Cycles of foreign keys through two or more tables (self-references are not listed), each sorted by name. */
    public List<List<TableName>> cycles() {
        return cycles;
    }

    /** The cycle of two or more tables that {@code table} is on, if any. */
    public Optional<List<TableName>> cycleOf(TableName table) {
        return cycles.stream().filter(c -> c.contains(table)).findFirst();
    }

    /** Whether every foreign key among {@code tables} (from one of them, to one of them) is deferrable. */
    public boolean allDeferrable(Collection<TableName> tables) {
        return keys.stream().filter(k -> tables.contains(k.child()) && tables.contains(k.parent()))
                .allMatch(ForeignKey::deferrable);
    }

    /**
     * The order for one transaction writing changes of {@code tables} (all of this graph's database): see
     * {@link ApplyOrder}. Without foreign keys among them, each table whole in the order given.
     */
    public ApplyOrder order(List<TableName> tables) {
        if (tables.stream().noneMatch(this::linked)) {
            return ApplyOrder.unordered(tables);
        }
        // A stable sort: tables of equal rank (unlinked ones, members of one cycle) keep the caller's order.
        List<TableName> ranked = new ArrayList<>(tables);
        ranked.sort(Comparator.comparingInt(t -> rank.getOrDefault(t, -1)));
        List<ApplyOrder.Step> steps = new ArrayList<>(tables.size() * 2);
        for (TableName t : ranked) {
            if (referenced(t)) {
                steps.add(new ApplyOrder.Step(t, ApplyOrder.Part.UPSERTS, !selfReferences(t).isEmpty()));
            }
        }
        for (TableName t : ranked) {
            if (!referenced(t)) {
                steps.add(new ApplyOrder.Step(t, ApplyOrder.Part.ALL, false));
            }
        }
        for (int i = ranked.size() - 1; i >= 0; i--) {
            TableName t = ranked.get(i);
            if (referenced(t)) {
                steps.add(new ApplyOrder.Step(t, ApplyOrder.Part.DELETES, !selfReferences(t).isEmpty()));
            }
        }
        boolean defer = keys.stream().anyMatch(k -> k.deferrable()
                && (tables.contains(k.child()) || tables.contains(k.parent())));
        return new ApplyOrder(steps, defer);
    }

    /**
     * Ranks tables parents first with Tarjan's algorithm over child-to-parent edges: it completes a strongly connected
     * component only after every component it reaches, so components come out parents first. Iterative, so a long
     * chain of tables cannot overflow the stack.
     */
    private void rankComponents(Map<TableName, Set<TableName>> parents) {
        Map<TableName, Integer> index = new HashMap<>();
        Map<TableName, Integer> low = new HashMap<>();
        Deque<TableName> stack = new ArrayDeque<>();
        Set<TableName> onStack = new HashSet<>();
        int[] next = {0};
        int[] component = {0};
        for (TableName root : parents.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Frame> frames = new ArrayDeque<>();
            frames.push(new Frame(root, new ArrayList<>(parents.get(root))));
            index.put(root, next[0]);
            low.put(root, next[0]++);
            stack.push(root);
            onStack.add(root);
            while (!frames.isEmpty()) {
                Frame f = frames.peek();
                if (f.next < f.edges.size()) {
                    TableName p = f.edges.get(f.next++);
                    if (!index.containsKey(p)) {
                        index.put(p, next[0]);
                        low.put(p, next[0]++);
                        stack.push(p);
                        onStack.add(p);
                        frames.push(new Frame(p, new ArrayList<>(parents.get(p))));
                    } else if (onStack.contains(p)) {
                        low.put(f.table, Math.min(low.get(f.table), index.get(p)));
                    }
                    continue;
                }
                frames.pop();
                if (!frames.isEmpty()) {
                    TableName caller = frames.peek().table;
                    low.put(caller, Math.min(low.get(caller), low.get(f.table)));
                }
                if (low.get(f.table).equals(index.get(f.table))) {
                    List<TableName> members = new ArrayList<>();
                    TableName t;
                    do {
                        t = stack.pop();
                        onStack.remove(t);
                        members.add(t);
                        rank.put(t, component[0]);
                    } while (!t.equals(f.table));
                    component[0]++;
                    if (members.size() > 1) {
                        members.sort(BY_NAME);
                        cycles.add(List.copyOf(members));
                    }
                }
            }
        }
    }

    private static final class Frame {
        final TableName table;
        final List<TableName> edges;
        int next;

        Frame(TableName table, List<TableName> edges) {
            this.table = table;
            this.edges = edges;
        }
    }

    /** Weakly connected components: a union-find over both directions of every key. */
    private void groups(Map<TableName, Set<TableName>> parents) {
        Map<TableName, TableName> up = new HashMap<>();
        for (TableName t : parents.keySet()) {
            up.put(t, t);
        }
        for (Map.Entry<TableName, Set<TableName>> e : parents.entrySet()) {
            for (TableName p : e.getValue()) {
                TableName a = root(up, e.getKey());
                TableName b = root(up, p);
                if (!a.equals(b)) {
                    // The smaller name becomes the root, so a group is named by its first table.
                    if (BY_NAME.compare(a, b) < 0) {
                        up.put(b, a);
                    } else {
                        up.put(a, b);
                    }
                }
            }
        }
        for (TableName t : parents.keySet()) {
            group.put(t, root(up, t));
        }
    }

    private static TableName root(Map<TableName, TableName> up, TableName t) {
        TableName r = t;
        while (!up.get(r).equals(r)) {
            r = up.get(r);
        }
        // Path compression: later look-ups from these tables take one step.
        for (TableName x = t; !x.equals(r); ) {
            TableName next = up.get(x);
            up.put(x, r);
            x = next;
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForeignKeyGraph other && keys.equals(other.keys);
    }

    @Override
    public int hashCode() {
        return keys.hashCode();
    }

    @Override
    public String toString() {
        return "ForeignKeyGraph" + keys;
    }
}
