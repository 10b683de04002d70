package io.cdcsink.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One column of a snapshot table, from {@code information_schema.COLUMNS}: the SQL that reads its value and its key
 * text, and the conversion of what that SQL returns into exactly the text the binlog path ({@link ValueWriter})
 * writes for the same value. Each expression returns either the server's exact text of the value (numbers,
 * temporal values with the session in UTC) or its stored bytes (strings, decoded here with the column's charset as
 * {@link SourceCharsets} decodes binlog bytes).
 *
 * @param name      the column name
 * @param kind      how it is read
 * @param fsp       temporal columns: fractional-second digits; BIT: the number of bits; DECIMAL: the scale
 * @param precision DECIMAL: the precision
 * @param unsigned  numeric column declared UNSIGNED
 * @param charset   character columns (and ENUM/SET labels): the Java charset; empty for bytes
 * @param mysqlCharset character columns: the MySQL character set name (for key predicates)
 * @param collation character columns: the collation name (for key predicates)
 */
record SnapshotColumn(String name, Kind kind, int fsp, int precision, boolean unsigned, Optional<Charset> charset,
                      String mysqlCharset, String collation) {
    SnapshotColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(charset, "charset");
    }

    /** How a column type is read and written. */
    enum Kind {
        INTEGER, DECIMAL, FLOAT, DOUBLE, BIT, YEAR, DATE, DATETIME, TIMESTAMP, TIME, ENUM_OR_SET, TEXT, BYTES, JSON
    }

    /**
     * The kind of a column of {@code information_schema} data type {@code dataType}; empty for a type mylogical
     * does not replicate.
     */
    static Optional<Kind> kindOf(String dataType) {
        return Optional.ofNullable(switch (dataType.toLowerCase(Locale.ROOT)) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> Kind.INTEGER;
            case "decimal", "numeric" -> Kind.DECIMAL;
            case "float" -> Kind.FLOAT;
            case "double", "real", "double precision" -> Kind.DOUBLE;
            case "bit" -> Kind.BIT;
            case "year" -> Kind.YEAR;
            case "date" -> Kind.DATE;
            case "datetime" -> Kind.DATETIME;
            case "timestamp" -> Kind.TIMESTAMP;
            case "time" -> Kind.TIME;
            case "enum", "set" -> Kind.ENUM_OR_SET;
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "binary", "varbinary", "tinyblob",
                    "blob", "mediumblob", "longblob" -> Kind.TEXT; // TEXT without a charset holds bytes
            case "json" -> Kind.JSON; // MySQL's binary JSON; MariaDB reports its JSON columns as longtext
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                    "geometrycollection", "geomcollection", "vector" -> Kind.BYTES;
            default -> null;
        });
    }

    /** The select-list expression whose value {@link #text} turns into the column's text. */
    String valueSql() {
        String c = MySqlSql.quote(name);
        return switch (kind) {
            // CAST(... AS CHAR) leaves out ZEROFILL's padding and BOOLEAN's driver mapping.
            case INTEGER, DECIMAL, DOUBLE, DATE, DATETIME, TIME -> "CAST(" + c + " AS CHAR)";
            // FLOAT is shown with six digits; as DOUBLE (which holds every float exactly) it is shown exactly.
            case FLOAT -> "CAST(" + c + " AS DOUBLE)";
            case BIT, YEAR -> "CAST(" + c + " AS UNSIGNED)";
            // The instant itself, not the session's wall clock.
            case TIMESTAMP -> "UNIX_TIMESTAMP(" + c + ")";
            case ENUM_OR_SET, TEXT -> charset.isPresent() || kind == Kind.ENUM_OR_SET ? "CAST(" + c + " AS BINARY)"
                    : c;
            case JSON -> "CAST(" + c + " AS CHAR CHARACTER SET utf8mb4)";
            case BYTES -> c;
        };
    }

    /** The value at {@code index} of {@code rs} (selected with {@link #valueSql}) as the binlog path writes it. */
    String text(ResultSet rs, int index) throws SQLException {
        if (kind == Kind.TEXT || kind == Kind.BYTES || kind == Kind.ENUM_OR_SET) {
            byte[] bytes = rs.getBytes(index);
            return bytes == null ? null : bytesText(bytes);
        }
        String s = rs.getString(index);
        return s == null ? null : text(s);
    }

    private String bytesText(byte[] bytes) {
        return switch (kind) {
            // TableMapReader decodes labels so, UTF-8 for a binary ENUM/SET.
            case ENUM_OR_SET -> new String(bytes, charset.orElse(StandardCharsets.UTF_8));
            case TEXT -> charset.isPresent() ? decoded(bytes) : ValueWriter.byteaHex(bytes);
            default -> ValueWriter.byteaHex(bytes);
        };
    }

    /** Decoded as {@link ValueWriter} decodes the binlog's bytes of the column, failing alike on invalid text. */
    private String decoded(byte[] bytes) {
        try {
            return ValueWriter.text(new SourceColumn(name, ColumnType.VARCHAR, 0, 0, false, charset, List.of()),
                    bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String text(String s) {
        return switch (kind) {
            case INTEGER -> s.length() > 1 && s.charAt(0) == '0' ? new BigInteger(s).toString() : s;
            case DECIMAL -> new BigDecimal(s).toPlainString();
            case FLOAT -> Float.toString((float) Double.parseDouble(s));
            case DOUBLE -> Double.toString(Double.parseDouble(s));
            case BIT -> ValueWriter.bits(BitSet.valueOf(new long[] {Long.parseUnsignedLong(s)}), fsp);
            case YEAR -> Integer.toString(Integer.parseInt(s));
            case DATE -> TemporalText.date(field(s, 0, 4), field(s, 5, 7), field(s, 8, 10));
            case DATETIME -> TemporalText.datetime(field(s, 0, 4), field(s, 5, 7), field(s, 8, 10),
                    field(s, 11, 13), field(s, 14, 16), field(s, 17, 19), micros(s, 19), fsp);
            case TIMESTAMP -> TemporalText.timestamp(new BigDecimal(s).movePointRight(6).longValueExact(), fsp);
            case TIME -> time(s);
            case JSON -> s;
            default -> throw new IllegalStateException("column " + name + ": no text form for " + kind);
        };
    }

    /** {@code [-]h..h:mm:ss[.ffffff]}, as the server shows TIME. */
    private String time(String s) {
        boolean negative = s.startsWith("-");
        int start = negative ? 1 : 0;
        int colon = s.indexOf(':', start);
        return TemporalText.time(negative, field(s, start, colon), field(s, colon + 1, colon + 3),
                field(s, colon + 4, colon + 6), micros(s, colon + 6), fsp);
    }

    private static int field(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
    }

    /** The microseconds of a fraction starting with the dot at {@code dot}; 0 when there is none. */
    private static int micros(String s, int dot) {
        if (dot >= s.length() || s.charAt(dot) != '.') {
            return 0;
        }
        String digits = (s.substring(dot + 1) + "000000").substring(0, 6);
        return Integer.parseInt(digits);
    }

    /**
     * The select-list expression of the column's key text: a text {@link #keyBind} turns back into exactly the same
     * value (strings as the hex of their stored bytes, numbers and times as the server's exact text).
     */
    String keySql() {
        String c = MySqlSql.quote(name);
        return switch (kind) {
            case INTEGER, DECIMAL, DATE, DATETIME, TIMESTAMP, TIME -> "CAST(" + c + " AS CHAR)";
            case FLOAT, DOUBLE -> "CAST(CAST(" + c + " AS DOUBLE) AS CHAR)";
            case BIT, YEAR, ENUM_OR_SET -> "CAST(" + c + " + 0 AS UNSIGNED)";
            case TEXT, BYTES, JSON -> "HEX(" + c + ")";
        };
    }

    /**
     * The SQL of a key value given as a parameter, compared with the column the way {@code ORDER BY} orders it: in
     * the column's collation, numerically for ENUM, SET and BIT.
     */
    String keyBind() {
        return switch (kind) {
            case INTEGER -> unsigned ? "CAST(? AS UNSIGNED)" : "CAST(? AS SIGNED)";
            case DECIMAL -> "CAST(? AS DECIMAL(" + precision + "," + fsp + "))";
            case FLOAT, DOUBLE -> "CAST(? AS DOUBLE)";
            case BIT, YEAR, ENUM_OR_SET -> "CAST(? AS UNSIGNED)";
            case DATE -> "CAST(? AS DATE)";
            case DATETIME, TIMESTAMP -> "CAST(? AS DATETIME(6))";
            case TIME -> "CAST(? AS TIME(6))";
            case TEXT, JSON -> charset.isPresent() && mysqlCharset != null && collation != null
                    ? "(CONVERT(UNHEX(?) USING " + MySqlSql.word(mysqlCharset) + ") COLLATE "
                    + MySqlSql.word(collation) + ")" : "UNHEX(?)";
            case BYTES -> "UNHEX(?)";
        };
    }
}
