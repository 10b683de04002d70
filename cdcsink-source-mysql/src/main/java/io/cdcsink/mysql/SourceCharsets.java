package io.cdcsink.mysql;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Java charsets that decode a MySQL/MariaDB character set exactly as the source server itself converts it to
 * Unicode ({@code CONVERT(x USING utf8mb4)}), which is what every client of the source reads.
 *
 * <p>Java's charsets of the same names differ from the server's in places: MySQL's latin1 is cp1252 except five bytes
 * the server maps to C1 controls (Java: U+FFFD); its cp1256, koi8u, greek, hebrew, tis620 and the multi-byte sjis,
 * big5, euckr (really Microsoft's UHC), gbk, ujis and eucjpms tables differ too, and dec8, hp8, swe7, keybcs2,
 * armscii8 and geostd8 have no Java charset at all. So every non-Unicode charset is read from the server the first
 * time a column uses it: each of the 256 bytes, and for multi-byte charsets every sequence of two bytes (leads
 * 0x81-0xFE, trails 0x40-0xFE) and of three (EUC's 0x8F plane), into a {@link ConversionTableCharset}. Bytes the
 * server cannot convert arrive as the {@code ?} (or U+FFFD) it converts them to. Unicode charsets use Java's exact
 * decoders; gb18030 (MySQL 8 only, four-byte sequences too many to list) uses Java's.
 */
final class SourceCharsets {
    /** Asks the source how it converts its charsets. */
    interface Server {
        /** The longest character of {@code charset} in bytes ({@code information_schema.CHARACTER_SETS}). */
        int maxLength(String charset) throws SQLException;

        /** What the server converts each of {@code values}, read as {@code charset}, to. */
        List<String> convert(String charset, List<byte[]> values) throws SQLException;
    }

    /** Opens a SQL connection to the source. */
    interface Connections {
        Connection open() throws SQLException;
    }

    private static final Pattern CHARSET_NAME = Pattern.compile("[a-z0-9_]+");
    private static final int EXPRESSIONS_PER_QUERY = 1000;
    /** MySQL latin1: cp1252 where it defines the byte; the five bytes cp1252 leaves out are the C1 controls. */
    private static final Charset LATIN1 = latin1();

    private final Optional<Server> server;
    private final Map<String, Charset> known = new ConcurrentHashMap<>();

    private SourceCharsets(Optional<Server> server) {
        this.server = server;
    }

    /** Reads conversion tables from the source, through connections opened when a charset is first used. */
    static SourceCharsets fromServer(Connections connections) {
        return new SourceCharsets(Optional.of(new SqlServer(connections)));
    }

    /** For a server of the caller's (tests). */
    static SourceCharsets fromServer(Server server) {
        return new SourceCharsets(Optional.of(server));
    }

    /** Without a server: the Unicode charsets, binary and latin1 (built in exactly); others fail. */
    static SourceCharsets builtIn() {
        return new SourceCharsets(Optional.empty());
    }

    /**
     * The Java charset of a source charset; empty for {@code binary} (the column holds bytes).
     *
     * @throws IllegalStateException when the charset cannot be read (named after {@code column})
     */
    Optional<Charset> forName(String charset, String column) {
        String name = charset.toLowerCase(Locale.ROOT);
        Optional<Charset> unicode = unicode(name);
        if (unicode != null) {
            return unicode;
        }
        return Optional.of(known.computeIfAbsent(name, n -> load(n, column)));
    }

    /** The charsets Java decodes exactly as the server does; null for the others. */
    private static Optional<Charset> unicode(String name) {
        return switch (name) {
            case "binary" -> Optional.empty();
            case "utf8mb4", "utf8mb3", "utf8" -> Optional.of(StandardCharsets.UTF_8);
            case "ucs2", "utf16" -> Optional.of(StandardCharsets.UTF_16BE);
            case "utf16le" -> Optional.of(StandardCharsets.UTF_16LE);
            case "utf32" -> Optional.of(Charset.forName("UTF-32BE"));
            case "gb18030" -> Optional.of(Charset.forName("GB18030"));
            default -> null;
        };
    }

    private Charset load(String name, String column) {
        if (server.isEmpty()) {
            if (name.equals("latin1")) {
                return LATIN1;
            }
            throw new IllegalStateException("column " + column + " uses character set " + name
                    + " which cdc-sink can only decode with the source's own tables");
        }
        if (!CHARSET_NAME.matcher(name).matches()) {
            throw new IllegalStateException("column " + column + " uses character set " + name
                    + " which cdc-sink cannot decode");
        }
        try {
            return table(server.get(), name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read how the source converts character set " + name
                    + " (used by column " + column + ") to Unicode: " + e.getMessage(), e);
        }
    }

    private static Charset table(Server server, String name) throws SQLException {
        int maxLength = server.maxLength(name);
        List<byte[]> singles = new ArrayList<>(256);
        for (int b = 0; b < 256; b++) {
            singles.add(new byte[] {(byte) b});
        }
        String[] single = server.convert(name, singles).toArray(String[]::new);
        Map<Integer, String> sequences = new HashMap<>();
        if (maxLength >= 2) {
            List<byte[]> candidates = new ArrayList<>();
            for (int lead = 0x81; lead <= 0xFE; lead++) {
                for (int trail = 0x40; trail <= 0xFE; trail++) {
                    candidates.add(new byte[] {(byte) lead, (byte) trail});
                }
            }
            if (maxLength >= 3) {
                for (int second = 0xA1; second <= 0xFE; second++) {
                    for (int third = 0xA1; third <= 0xFE; third++) {
                        candidates.add(new byte[] {(byte) 0x8F, (byte) second, (byte) third});
                    }
                }
            }
            List<String> converted = server.convert(name, candidates);
            for (int i = 0; i < candidates.size(); i++) {
                // One character out means the server took the bytes as one sequence (mapped, or '?' when it has
                // no Unicode for it); more means the lead byte did not start a sequence with these bytes.
                String text = converted.get(i);
                if (text.codePointCount(0, text.length()) == 1) {
                    byte[] bytes = candidates.get(i);
                    sequences.put(ConversionTableCharset.key(bytes, 0, bytes.length), text);
                }
            }
        }
        return new ConversionTableCharset(name, single, sequences);
    }

    private static Charset latin1() {
        String[] single = new String[256];
        Charset cp1252 = Charset.forName("windows-1252");
        for (int b = 0; b < 256; b++) {
            single[b] = switch (b) {
                case 0x81, 0x8D, 0x8F, 0x90, 0x9D -> String.valueOf((char) b);
                default -> new String(new byte[] {(byte) b}, cp1252);
            };
        }
        return new ConversionTableCharset("latin1", single, Map.of());
    }

    /** The source over JDBC: one query per thousand conversions. */
    private record SqlServer(Connections connections) implements Server {
        @Override
        public int maxLength(String charset) throws SQLException {
            try (Connection conn = connections.open(); PreparedStatement ps = conn.prepareStatement(
                    "SELECT MAXLEN FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = ?")) {
                ps.setString(1, charset);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("the source does not list character set " + charset);
                    }
                    return rs.getInt(1);
                }
            }
        }

        @Override
        public List<String> convert(String charset, List<byte[]> values) throws SQLException {
            HexFormat hex = HexFormat.of();
            List<String> out = new ArrayList<>(values.size());
            try (Connection conn = connections.open(); Statement st = conn.createStatement()) {
                for (int from = 0; from < values.size(); from += EXPRESSIONS_PER_QUERY) {
                    List<byte[]> chunk = values.subList(from, Math.min(values.size(), from + EXPRESSIONS_PER_QUERY));
                    // The bytes are ours and the charset name is checked: nothing here comes from users.
                    StringBuilder sql = new StringBuilder("SELECT ");
                    for (int i = 0; i < chunk.size(); i++) {
                        sql.append(i == 0 ? "" : ", ").append("CONVERT(CAST(X'").append(hex.formatHex(chunk.get(i)))
                                .append("' AS CHAR CHARACTER SET ").append(charset).append(") USING utf8mb4)");
                    }
                    try (ResultSet rs = st.executeQuery(sql.toString())) {
                        rs.next();
                        for (int i = 1; i <= chunk.size(); i++) {
                            String text = rs.getString(i);
                            if (text == null) {
                                throw new SQLException("the source converts no text from " + charset + " bytes "
                                        + hex.formatHex(chunk.get(i - 1)));
                            }
                            out.add(text);
                        }
                    }
                }
            }
            return out;
        }
    }
}
