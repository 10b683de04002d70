package io.cdcsink.mysql;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the collation ids found in TABLE_MAP metadata to the character set of the bytes. Loaded from the source's
 * {@code information_schema}; {@link #builtIn()} knows the common ids for tests without a server.
 */
public final class Collations {
    /** The id of the {@code binary} collation: the column holds bytes, not text. */
    public static final int BINARY = 63;

    private final Map<Integer, String> charsetById;

    public Collations(Map<Integer, String> charsetById) {
        this.charsetById = Map.copyOf(charsetById);
    }

    /** Common ids: binary, latin1, utf8mb3 and utf8mb4 defaults of MySQL 8 and MariaDB. */
    public static Collations builtIn() {
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
        return new Collations(ids);
    }

    /** Reads every collation id the server knows (MariaDB 11 adds ids only listed in the applicability view). */
    public static Collations load(Connection conn) throws SQLException {
        Map<Integer, String> ids = new HashMap<>(builtIn().charsetById);
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
        return new Collations(ids);
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
        return javaCharset(name.toLowerCase(Locale.ROOT), column);
    }

    private static Optional<Charset> javaCharset(String name, String column) {
        return switch (name) {
            case "binary" -> Optional.empty();
            case "utf8mb4", "utf8mb3", "utf8" -> Optional.of(StandardCharsets.UTF_8);
            case "latin1" -> Optional.of(Charset.forName("windows-1252"));
            case "ascii" -> Optional.of(StandardCharsets.US_ASCII);
            case "ucs2", "utf16" -> Optional.of(StandardCharsets.UTF_16BE);
            case "utf16le" -> Optional.of(StandardCharsets.UTF_16LE);
            case "utf32" -> Optional.of(Charset.forName("UTF-32BE"));
            case "latin2" -> Optional.of(Charset.forName("ISO-8859-2"));
            case "latin5" -> Optional.of(Charset.forName("ISO-8859-9"));
            case "latin7" -> Optional.of(Charset.forName("ISO-8859-13"));
            case "greek" -> Optional.of(Charset.forName("ISO-8859-7"));
            case "hebrew" -> Optional.of(Charset.forName("ISO-8859-8"));
            case "cp1250", "cp1251", "cp1256", "cp1257" -> Optional.of(Charset.forName("windows-" + name.substring(2)));
            case "cp850", "cp852", "cp866" -> Optional.of(Charset.forName("IBM" + name.substring(2)));
            case "koi8r" -> Optional.of(Charset.forName("KOI8-R"));
            case "koi8u" -> Optional.of(Charset.forName("KOI8-U"));
            case "sjis" -> Optional.of(Charset.forName("Shift_JIS"));
            case "cp932" -> Optional.of(Charset.forName("windows-31j"));
            case "ujis" -> Optional.of(Charset.forName("EUC-JP"));
            case "euckr" -> Optional.of(Charset.forName("EUC-KR"));
            case "big5" -> Optional.of(Charset.forName("Big5"));
            case "gbk" -> Optional.of(Charset.forName("GBK"));
            case "gb2312" -> Optional.of(Charset.forName("GB2312"));
            case "gb18030" -> Optional.of(Charset.forName("GB18030"));
            case "tis620" -> Optional.of(Charset.forName("TIS-620"));
            default -> {
                if (Charset.isSupported(name)) {
                    yield Optional.of(Charset.forName(name));
                }
                throw new IllegalStateException("column " + column + " uses character set " + name
                        + " which cdc-sink cannot decode");
            }
        };
    }
}
