package io.cdcsink.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link SourceCatalog} over an ordinary (non-replication) connection to the source database. */
final class PgSourceCatalog implements SourceCatalog {
    // indkey holds the key columns first (indnkeyatts of them), then INCLUDE columns.
    private static final String KEY_COLUMNS = """
            SELECT a.attname
              FROM pg_index i
             CROSS JOIN LATERAL generate_subscripts(i.indkey::int2[], 1) AS s(n)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = (i.indkey::int2[])[s.n]
             WHERE i.indrelid = (?)::oid
               AND s.n < i.indnkeyatts
               AND CASE WHEN ? THEN i.indisreplident ELSE i.indisprimary END
             ORDER BY s.n""";

    private final Connection conn;

    PgSourceCatalog(Connection conn) {
        this.conn = conn;
    }

    @Override
    public List<String> keyColumns(int relationId, char replicaIdentity) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(KEY_COLUMNS)) {
            ps.setLong(1, Integer.toUnsignedLong(relationId));
            ps.setBoolean(2, replicaIdentity == PgOutputMessage.Relation.IDENTITY_INDEX);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }
}
