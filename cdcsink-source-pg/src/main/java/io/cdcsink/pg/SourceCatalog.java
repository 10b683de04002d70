package io.cdcsink.pg;

import java.sql.SQLException;
import java.util.List;

/**
 * Looks up, in the source database, the key order pgoutput does not send: a Relation message flags the key columns
 * but lists them in table order, and for REPLICA IDENTITY FULL flags every column. Also names the columns' types,
 * which a Relation message gives as OIDs.
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

    /**
     * The source's name of each column's type ({@code format_type} of the OID and modifier pgoutput sends, e.g.
     * {@code numeric(12,4)}, {@code character varying(20)}), in column order; empty when the catalog cannot tell.
     */
    default List<String> typeNames(List<PgOutputMessage.Column> columns) throws SQLException {
        return List.of();
    }

    /** A catalog that knows nothing: keys follow pgoutput's flags in table order. */
    SourceCatalog NONE = (id, identity) -> List.of();
}
