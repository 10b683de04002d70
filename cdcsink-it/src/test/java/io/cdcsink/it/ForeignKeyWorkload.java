package io.cdcsink.it;

import io.cdcsink.api.Hlc;
import io.cdcsink.demo.emulator.RowChange;
import io.cdcsink.demo.emulator.SourceTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A source workload over foreign keys that are checked per statement: a chain of three levels ({@code fk_grand} ←
 * {@code fk_parent} ← {@code fk_child}) and a table referencing itself ({@code fk_node}). Every step is one source
 * transaction that inserts and deletes across the levels: new families, whole families deleted children first,
 * children moved to a new parent (under a new grand) whose old parent and grand are then deleted, values changed,
 * and chains of nodes grown, moved and cut. The SQL runs on a real source database (PostgreSQL or MariaDB) that
 * enforces the same keys, so the source stays the oracle; for the webhook the same transaction also goes to a
 * changefeed emulator as the rows it leaves.
 */
final class ForeignKeyWorkload {
    static final List<String> TABLES = List.of("fk_grand", "fk_parent", "fk_child", "fk_node");

    private final Random random;
    private final Connection source;
    private final Consumer<SourceTransaction> feed;
    /** grand → its parents; parent → grand; parent → its children; child → parent. */
    private final Map<Long, Set<Long>> grandParents = new TreeMap<>();
    private final Map<Long, Long> parentGrand = new TreeMap<>();
    private final Map<Long, Set<Long>> parentChildren = new TreeMap<>();
    private final Map<Long, Long> childParent = new TreeMap<>();
    /** node → the node it references (null: none). */
    private final Map<Long, Long> nodeUp = new TreeMap<>();
    private final Map<String, Long> values = new LinkedHashMap<>();
    /** What the open transaction leaves per row, for the changefeed: the last change of each key wins. */
    private final Map<String, RowChange> changes = new LinkedHashMap<>();
    private long nextId = 1;
    private long clock;
    private long transactions;
    private long rows;

    /**
     * @param source a connection to the source database, used by one thread at a time
     * @param feed   receives each committed transaction as a changefeed reports it (ignored: {@code tx -> {}})
     */
    ForeignKeyWorkload(long seed, Connection source, Consumer<SourceTransaction> feed) {
        this.random = new Random(seed);
        this.source = source;
        this.feed = feed;
        this.clock = System.currentTimeMillis() * 1_000_000L;
    }

    /** The tables, with keys checked per statement ({@code NOT DEFERRABLE}), as PostgreSQL and MariaDB accept them. */
    static List<String> ddl() {
        return List.of(
                "CREATE TABLE fk_grand (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL)",
                "CREATE TABLE fk_parent (id BIGINT PRIMARY KEY, grand_id BIGINT NOT NULL, v BIGINT NOT NULL,"
                        + " CONSTRAINT fk_parent_grand FOREIGN KEY (grand_id) REFERENCES fk_grand (id))",
                "CREATE TABLE fk_child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL, v BIGINT NOT NULL,"
                        + " CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES fk_parent (id))",
                "CREATE TABLE fk_node (id BIGINT PRIMARY KEY, up_id BIGINT, v BIGINT NOT NULL,"
                        + " CONSTRAINT fk_node_up FOREIGN KEY (up_id) REFERENCES fk_node (id))");
    }

    static void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : ddl()) {
                s.execute(sql);
            }
        }
    }

    synchronized long transactions() {
        return transactions;
    }

    synchronized long rows() {
        return rows;
    }

    /**
     * One large transaction: {@code families} families of a grand, three parents and four children each, and a
     * chain of {@code chain} nodes each referencing the one before.
     */
    synchronized void bulk(int families, int chain) throws SQLException {
        run(() -> {
            for (int i = 0; i < families; i++) {
                newFamily(3, 4);
            }
            Long up = null;
            for (int i = 0; i < chain; i++) {
                up = newNode(up);
            }
        });
    }

    /** One transaction of a random mix of the workload's changes. */
    synchronized void step() throws SQLException {
        run(() -> {
            if (grandParents.size() < 5 || random.nextInt(3) > 0) {
                newFamily(1 + random.nextInt(3), random.nextInt(4));
            }
            if (grandParents.size() > 5 && random.nextInt(3) == 0) {
                deleteFamily(pick(grandParents.keySet()));
            }
            if (!parentChildren.isEmpty() && random.nextInt(3) == 0) {
                moveChildrenAway(pick(parentChildren.keySet()));
            }
            for (int i = random.nextInt(4); i > 0 && !childParent.isEmpty(); i--) {
                long child = pick(childParent.keySet());
                long parent = pick(parentGrand.keySet());
                update("UPDATE fk_child SET parent_id = ?, v = ? WHERE id = ?", parent, child);
                moveChild(child, parent);
                emitChild(child);
            }
            growNodes();
            if (nodeUp.size() > 20 && random.nextInt(3) == 0) {
                cutNodes(pick(nodeUp.keySet()));
            }
            if (nodeUp.size() > 2 && random.nextInt(4) == 0) {
                moveNode();
            }
        });
    }

    /** Deletes every row, children first: the target must end empty, constraints intact. */
    synchronized void deleteEverything() throws SQLException {
        run(() -> {
            for (long grand : new ArrayList<>(grandParents.keySet())) {
                deleteFamily(grand);
            }
            List<Long> roots = nodeUp.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey)
                    .toList();
            for (long root : roots) {
                cutNodes(root);
            }
        });
    }

    private interface Body {
        void run() throws SQLException;
    }

    private void run(Body body) throws SQLException {
        source.setAutoCommit(false);
        changes.clear();
        // The model changes with the statements: on failure it no longer matches the source.
        try {
            body.run();
            source.commit();
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            throw new IllegalStateException("the workload's transaction failed on the source; the model is lost", e);
        }
        transactions++;
        rows += changes.size();
        clock += 1_000_000L;
        if (!changes.isEmpty()) {
            feed.accept(new SourceTransaction(new Hlc(clock, 0), List.copyOf(changes.values())));
        }
    }

    private long newFamily(int parents, int children) throws SQLException {
        long grand = nextId++;
        insert("INSERT INTO fk_grand (id, name) VALUES (?, ?)", grand, "g" + grand);
        grandParents.put(grand, new HashSet<>());
        emitGrand(grand);
        for (int p = 0; p < parents; p++) {
            long parent = newParent(grand);
            for (int c = 0; c < children; c++) {
                long child = nextId++;
                long v = random.nextInt(1000);
                values.put("c" + child, v);
                insert("INSERT INTO fk_child (id, parent_id, v) VALUES (?, ?, ?)", child, parent, v);
                childParent.put(child, parent);
                parentChildren.get(parent).add(child);
                emitChild(child);
            }
        }
        return grand;
    }

    private long newParent(long grand) throws SQLException {
        long parent = nextId++;
        long v = random.nextInt(1000);
        values.put("p" + parent, v);
        insert("INSERT INTO fk_parent (id, grand_id, v) VALUES (?, ?, ?)", parent, grand, v);
        parentGrand.put(parent, grand);
        parentChildren.put(parent, new HashSet<>());
        grandParents.get(grand).add(parent);
        emitParent(parent);
        return parent;
    }

    /** Children, then parents, then the grand: the order the source's keys demand. */
    private void deleteFamily(long grand) throws SQLException {
        for (long parent : new ArrayList<>(grandParents.get(grand))) {
            deleteParent(parent);
        }
        delete("fk_grand", grand);
        grandParents.remove(grand);
        changes.put("fk_grand/" + grand, RowChange.delete("fk_grand", "[" + grand + "]"));
    }

    private void deleteParent(long parent) throws SQLException {
        for (long child : new ArrayList<>(parentChildren.get(parent))) {
            delete("fk_child", child);
            childParent.remove(child);
            changes.put("fk_child/" + child, RowChange.delete("fk_child", "[" + child + "]"));
        }
        delete("fk_parent", parent);
        grandParents.get(parentGrand.remove(parent)).remove(parent);
        parentChildren.remove(parent);
        changes.put("fk_parent/" + parent, RowChange.delete("fk_parent", "[" + parent + "]"));
    }

    /**
     * A new grand and parent, the old parent's children moved under it, then the old parent deleted, and its grand
     * too when that was its last parent: upserts at every level and deletes at two, in one transaction.
     */
    private void moveChildrenAway(long old) throws SQLException {
        long grand = nextId++;
        insert("INSERT INTO fk_grand (id, name) VALUES (?, ?)", grand, "g" + grand);
        grandParents.put(grand, new HashSet<>());
        emitGrand(grand);
        long parent = newParent(grand);
        for (long child : new ArrayList<>(parentChildren.get(old))) {
            update("UPDATE fk_child SET parent_id = ?, v = ? WHERE id = ?", parent, child);
            moveChild(child, parent);
            emitChild(child);
        }
        long oldGrand = parentGrand.get(old);
        deleteParent(old);
        if (grandParents.get(oldGrand).isEmpty()) {
            delete("fk_grand", oldGrand);
            grandParents.remove(oldGrand);
            changes.put("fk_grand/" + oldGrand, RowChange.delete("fk_grand", "[" + oldGrand + "]"));
        }
    }

    private void moveChild(long child, long parent) {
        parentChildren.get(childParent.get(child)).remove(child);
        childParent.put(child, parent);
        parentChildren.get(parent).add(child);
    }

    /** New nodes, each under an existing node, a node new in this transaction or none. */
    private void growNodes() throws SQLException {
        Long last = null;
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            int how = random.nextInt(3);
            Long up = how == 0 || nodeUp.isEmpty() ? null : how == 1 && last != null ? last : pick(nodeUp.keySet());
            last = newNode(up);
        }
    }

    private long newNode(Long up) throws SQLException {
        long node = nextId++;
        long v = random.nextInt(1000);
        values.put("n" + node, v);
        insert("INSERT INTO fk_node (id, up_id, v) VALUES (?, ?, ?)", node, up, v);
        nodeUp.put(node, up);
        emitNode(node);
        return node;
    }

    /** The node and everything under it, deepest first. */
    private void cutNodes(long top) throws SQLException {
        List<Long> order = new ArrayList<>();
        List<Long> frontier = List.of(top);
        while (!frontier.isEmpty()) {
            order.addAll(frontier);
            Set<Long> level = new HashSet<>(frontier);
            frontier = nodeUp.entrySet().stream().filter(e -> e.getValue() != null && level.contains(e.getValue()))
                    .map(Map.Entry::getKey).toList();
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            long node = order.get(i);
            delete("fk_node", node);
            nodeUp.remove(node);
            changes.put("fk_node/" + node, RowChange.delete("fk_node", "[" + node + "]"));
        }
    }

    /** A node moved under a node outside its own subtree (a new one, often), so no cycle forms. */
    private void moveNode() throws SQLException {
        long node = pick(nodeUp.keySet());
        Long up = random.nextBoolean() ? null : newNode(null);
        long v = random.nextInt(1000);
        values.put("n" + node, v);
        try (PreparedStatement ps = source.prepareStatement("UPDATE fk_node SET up_id = ?, v = ? WHERE id = ?")) {
            setNullable(ps, 1, up);
            ps.setLong(2, v);
            ps.setLong(3, node);
            ps.executeUpdate();
        }
        nodeUp.put(node, up);
        emitNode(node);
    }

    private long pick(Set<Long> ids) {
        int i = random.nextInt(ids.size());
        for (long id : ids) {
            if (i-- == 0) {
                return id;
            }
        }
        throw new IllegalStateException("empty");
    }

    private void insert(String sql, long id, Object second, long... rest) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement(sql)) {
            ps.setLong(1, id);
            if (second instanceof String s) {
                ps.setString(2, s);
            } else {
                setNullable(ps, 2, (Long) second);
            }
            for (int i = 0; i < rest.length; i++) {
                ps.setLong(3 + i, rest[i]);
            }
            ps.executeUpdate();
        }
    }

    private void update(String sql, long ref, long id) throws SQLException {
        long v = random.nextInt(1000);
        values.put("c" + id, v);
        try (PreparedStatement ps = source.prepareStatement(sql)) {
            ps.setLong(1, ref);
            ps.setLong(2, v);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    private void delete(String table, long id) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static void setNullable(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private void emitGrand(long id) {
        changes.put("fk_grand/" + id, RowChange.upsert("fk_grand", "[" + id + "]",
                "{\"id\":" + id + ",\"name\":\"g" + id + "\"}"));
    }

    private void emitParent(long id) {
        changes.put("fk_parent/" + id, RowChange.upsert("fk_parent", "[" + id + "]",
                "{\"id\":" + id + ",\"grand_id\":" + parentGrand.get(id) + ",\"v\":" + values.get("p" + id) + "}"));
    }

    private void emitChild(long id) {
        changes.put("fk_child/" + id, RowChange.upsert("fk_child", "[" + id + "]",
                "{\"id\":" + id + ",\"parent_id\":" + childParent.get(id) + ",\"v\":" + values.get("c" + id) + "}"));
    }

    private void emitNode(long id) {
        changes.put("fk_node/" + id, RowChange.upsert("fk_node", "[" + id + "]",
                "{\"id\":" + id + ",\"up_id\":" + nodeUp.get(id) + ",\"v\":" + values.get("n" + id) + "}"));
    }

    /** Every row of a workload table as {@code id|ref|v} ({@code id|name} for grands), in key order. */
    static List<String> rows(Connection c, String table) throws SQLException {
        String sql = switch (table) {
            case "fk_grand" -> "SELECT id, name FROM fk_grand ORDER BY id";
            case "fk_parent" -> "SELECT id, grand_id, v FROM fk_parent ORDER BY id";
            case "fk_child" -> "SELECT id, parent_id, v FROM fk_child ORDER BY id";
            default -> "SELECT id, up_id, v FROM fk_node ORDER BY id";
        };
        return Bank.lines(c, sql);
    }
}
