package io.cdcsink.pg;

import io.cdcsink.pg.PgOutputMessage.Column;
import io.cdcsink.pg.PgOutputMessage.Relation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Decides which columns of a relation form the key cdc-sink reports, and in which order. */
final class RelationKeys {
    private RelationKeys() {
    }

    /**
     * Positions of the key columns in key order.
     * <ul>
     *   <li>REPLICA IDENTITY NOTHING: no key.</li>
     *   <li>DEFAULT / USING INDEX: the flagged columns, in the catalog's index order when the catalog agrees with
     *       the flags (it may not, when the table changed after this Relation message was written).</li>
     *   <li>FULL: pgoutput flags every column; the primary key from the catalog when there is one, else every
     *       column.</li>
     * </ul>
     */
    static List<Integer> keyIndexes(Relation relation, List<String> catalogKey) {
        if (relation.replicaIdentity() == Relation.IDENTITY_NOTHING) {
            return List.of();
        }
        List<Column> columns = relation.columns();
        Map<String, Integer> positions = new HashMap<>();
        List<Integer> flagged = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            positions.put(columns.get(i).name(), i);
            if (columns.get(i).isKey()) {
                flagged.add(i);
            }
        }
        List<Integer> fromCatalog = new ArrayList<>();
        for (String name : catalogKey) {
            Integer position = positions.get(name);
            if (position == null) {
                return flagged;
            }
            fromCatalog.add(position);
        }
        if (fromCatalog.isEmpty()) {
            return flagged;
        }
        if (relation.replicaIdentity() == Relation.IDENTITY_FULL
                || new HashSet<>(fromCatalog).equals(new HashSet<>(flagged))) {
            return fromCatalog;
        }
        return flagged;
    }
}
