package io.cdcsink.mysql;

import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the collation ids found in TABLE_MAP metadata to the character set of the bytes. Loaded from the source's
 * {@code information_schema}; {@link #builtIn()} knows the common ids for tests without a server. The Java charset of
 * each character set comes from {@link SourceCharsets}, which decodes as the source does.
 */
public final class Collations {
    /** The id of the {@code binary} collation: the column holds bytes, not text. */
    public static final int BINARY = 63;

    private final Map<Integer, String> charsetById;
    private final SourceCharsets charsets;

    Collations(Map<Integer, String> charsetById, SourceCharsets charsets) {
        this.charsetById = Map.copyOf(charsetById);
        this.charsets = charsets;
    }

    /** Common ids: binary, latin1, utf8mb3 and utf8mb4 defaults of MySQL 8 and MariaDB, without a server. */
    public static Collations builtIn() {
        return new Collations(builtInIds(), SourceCharsets.builtIn());
    }

    private static Map<Integer, String> builtInIds() {
        Map<Integer, String> ids = new HashMap<>();
        ids.put(BINARY, "binary");
        ids.put(8, "latin1");
        ids.put(47, "latin1");
        ids.put(11, "ascii");
        ids.put(33, "utf8mb3");
        ids.put(83, "utf8mb3");
        ids.put(45, "utf8mb4");
        ids.put(46, "utf8mb4");
        for (int id = 224; id <= 247; id++) {
            ids.put(id, "utf8mb4");
        }
        for (int id = 255; id <= 323; id++) {
            ids.put(id, "utf8mb4");
        }
        return ids;
    }

    /**
     * Reads every collation id the server knows (MariaDB 11 adds ids only listed in the applicability view);
     * {@code charsets} turns their character sets into Java charsets.
     */
    static Collations load(Connection conn, SourceCharsets charsets) throws SQLException {
        Map<Integer, String> ids = builtInIds();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS")) {
            while (rs.next()) {
                if (rs.getString(2) != null) {
                    ids.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT ID, CHARACTER_SET_NAME FROM "
                     + "information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL")) {
            while (rs.next()) {
                if (rs.getString(2) != null) {
                    ids.put(rs.getInt(1), rs.getString(2));
                }
            }
        } catch (SQLException notMariaDb11) {
            // Only MariaDB 10.10+ has an ID column there; the COLLATIONS table is complete elsewhere.
        }
        return new Collations(ids, charsets);
    }

    /**
     * The Java charset of a collation id; empty for the binary collation.
     *
     * @throws IllegalStateException for an id or character set this source does not know
     */
    public Optional<Charset> charset(int collationId, String column) {
        String name = charsetById.get(collationId);
        if (name == null) {
            throw new IllegalStateException("column " + column + " uses collation id " + collationId
                    + " which the source server does not list in information_schema");
        }
        return charsets.forName(name, column);
    }
}
