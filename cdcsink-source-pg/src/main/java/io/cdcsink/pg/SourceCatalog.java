package io.cdcsink.pg;

import java.sql.SQLException;
import java.util.List;

/**
 * Looks up, in the source database, the key order pgoutput does not send: a Relation message flags the key columns
 * but lists them in table order, and for REPLICA IDENTITY FULL flags every column.
 */
@FunctionalInterface
interface SourceCatalog {
    /**
     * The columns of the index behind a table's replica identity, in index order: the replica identity index for
     * REPLICA IDENTITY USING INDEX ({@code 'i'}), the primary key otherwise; empty when there is none.
     *
     * @param relationId      the table's OID as pgoutput sends it
     * @param replicaIdentity {@code pg_class.relreplident}
     */
    List<String> keyColumns(int relationId, char replicaIdentity) throws SQLException;

    /** A catalog that knows nothing: keys follow pgoutput's flags in table order. */
    SourceCatalog NONE = (id, identity) -> List.of();
}
