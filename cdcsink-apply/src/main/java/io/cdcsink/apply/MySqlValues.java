package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdcsink.api.TableName;
import io.cdcsink.api.ValueFormat;
import io.cdcsink.engine.ColumnInfo;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns incoming values into what a MySQL or MariaDB column holds, in the JVM, so that nothing the server would round,
 * truncate, pad or reinterpret reaches it: a value the column cannot hold exactly is refused with one line naming the
 * table, the column, the value and the type (SQLSTATE 22023, a data exception), before anything is written.
 *
 * <p>The inputs are the two value formats the applier takes: CockroachDB changefeed JSON (numbers, strings, booleans,
 * arrays and objects) and the text of the log-based sources (PostgreSQL's text output from pglogical, and mylogical's
 * text of MySQL values, which is PostgreSQL input text: {@code \x} hex bytes, bit strings, {@code +00} timestamps).
 * Both are read here as text; JSON containers are read as JSON text. The mapping is documented in
 * {@code docs/types.md}, "MySQL and MariaDB targets".
 *
 * <p>The result is what the statement binds: a {@link Long}, {@link BigDecimal}, {@link Double}, {@link Float},
 * {@code byte[]} or {@link String} (canonical text the server reads back as the same value).
 */
final class MySqlValues {
    /** SQLSTATE of a refused value: invalid parameter value, a data exception. */
    static final String REFUSED = "22023";

    private static final Pattern TYPE = Pattern.compile("([a-z0-9 ]+?)\\s*(?:\\((.*)\\))?\\s*(unsigned)?\\s*(zerofill)?");
    private static final Pattern DATE = Pattern.compile("(\\d{4,})-(\\d{2})-(\\d{2})");
    private static final Pattern CLOCK = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?");
    private static final Pattern ZONE = Pattern.compile("Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?");
    private static final Pattern TIME = Pattern.compile("(-)?(\\d{1,3}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}"
            + "-?[0-9a-fA-F]{12}");
    /** 1970-01-01 00:00:01 and 2038-01-19 03:14:07.999999 UTC: what a TIMESTAMP holds (MySQL 8, MariaDB 10.11). */
    private static final LocalDateTime TIMESTAMP_MIN = LocalDateTime.of(1970, 1, 1, 0, 0, 1);
    private static final LocalDateTime TIMESTAMP_MAX = LocalDateTime.of(2038, 1, 19, 3, 14, 7, 999_999_000);
    private static final long TIME_MAX_MICROS = (838L * 3600 + 59 * 60 + 59) * 1_000_000L;
    private static final HexFormat HEX = HexFormat.of();

    /** The kinds of column this class converts for; {@link #OTHER} passes the text through for the server. */
    enum Kind {
        INTEGER, BOOL, DECIMAL, FLOAT, DOUBLE, BIT, CHAR, TEXT, BINARY, VARBINARY, DATE, TIME, DATETIME, TIMESTAMP,
        YEAR, JSON, ENUM, SET, UUID, OTHER
    }

    /**
     * A column type as {@code information_schema.columns.column_type} spells it, parsed once.
     *
     * @param length  characters (CHAR/VARCHAR), bytes (TEXT and binary kinds), bits (BIT), digits (DECIMAL), or
     *                fractional digits (TIME, DATETIME, TIMESTAMP)
     * @param scale   DECIMAL's scale
     * @param bits    the width of an integer type
     * @param members ENUM and SET labels
     */
    record Type(String text, Kind kind, boolean unsigned, long length, int scale, int bits, List<String> members) {
    }

    private final Map<String, Type> types = new ConcurrentHashMap<>();
    private final JsonCodec json;
    private final ValueFormat format;

    /** @param format how JSON columns' values come: JSON values (a string is a JSON string), or JSON text */
    MySqlValues(JsonCodec json, ValueFormat format) {
        this.json = json;
        this.format = format;
    }

    /** The parsed form of a column's type. */
    Type type(ColumnInfo column) {
        return types.computeIfAbsent(column.json() ? "json" : column.type(), MySqlValues::parse);
    }

    static Type parse(String columnType) {
        String t = columnType.trim().toLowerCase(Locale.ROOT);
        Matcher m = TYPE.matcher(t);
        if (!m.matches()) {
            return new Type(columnType, Kind.OTHER, false, 0, 0, 0, List.of());
        }
        String base = m.group(1).trim();
        String args = m.group(2);
        boolean unsigned = m.group(3) != null;
        long n = args != null && args.matches("\\d+") ? Long.parseLong(args) : -1;
        return switch (base) {
            case "tinyint" -> n == 1 && !unsigned ? new Type(t, Kind.BOOL, false, 0, 0, 8, List.of())
                    : integer(t, 8, unsigned);
            case "bool", "boolean" -> new Type(t, Kind.BOOL, false, 0, 0, 8, List.of());
            case "smallint" -> integer(t, 16, unsigned);
            case "mediumint" -> integer(t, 24, unsigned);
            case "int", "integer" -> integer(t, 32, unsigned);
            case "bigint" -> integer(t, 64, unsigned);
            case "decimal", "numeric", "dec", "fixed" -> {
                String[] ps = args == null ? new String[] {"10"} : args.split(",");
                yield new Type(t, Kind.DECIMAL, unsigned, Long.parseLong(ps[0].trim()),
                        ps.length > 1 ? Integer.parseInt(ps[1].trim()) : 0, 0, List.of());
            }
            case "float" -> new Type(t, Kind.FLOAT, unsigned, 0, 0, 0, List.of());
            case "double", "real", "double precision" -> new Type(t, Kind.DOUBLE, unsigned, 0, 0, 0, List.of());
            case "bit" -> new Type(t, Kind.BIT, false, Math.max(1, n), 0, 0, List.of());
            case "char", "varchar" -> new Type(t, Kind.CHAR, false, Math.max(n, 1), 0, 0, List.of());
            case "tinytext" -> new Type(t, Kind.TEXT, false, 255, 0, 0, List.of());
            case "text" -> new Type(t, Kind.TEXT, false, 65_535, 0, 0, List.of());
            case "mediumtext" -> new Type(t, Kind.TEXT, false, 16_777_215, 0, 0, List.of());
            case "longtext" -> new Type(t, Kind.TEXT, false, 4_294_967_295L, 0, 0, List.of());
            case "binary" -> new Type(t, Kind.BINARY, false, Math.max(n, 1), 0, 0, List.of());
            case "varbinary" -> new Type(t, Kind.VARBINARY, false, n, 0, 0, List.of());
            case "tinyblob" -> new Type(t, Kind.VARBINARY, false, 255, 0, 0, List.of());
            case "blob" -> new Type(t, Kind.VARBINARY, false, 65_535, 0, 0, List.of());
            case "mediumblob" -> new Type(t, Kind.VARBINARY, false, 16_777_215, 0, 0, List.of());
            case "longblob" -> new Type(t, Kind.VARBINARY, false, 4_294_967_295L, 0, 0, List.of());
            case "date" -> new Type(t, Kind.DATE, false, 0, 0, 0, List.of());
            case "time" -> new Type(t, Kind.TIME, false, Math.max(n, 0), 0, 0, List.of());
            case "datetime" -> new Type(t, Kind.DATETIME, false, Math.max(n, 0), 0, 0, List.of());
            case "timestamp" -> new Type(t, Kind.TIMESTAMP, false, Math.max(n, 0), 0, 0, List.of());
            case "year" -> new Type(t, Kind.YEAR, false, 0, 0, 0, List.of());
            case "json" -> new Type(t, Kind.JSON, false, 0, 0, 0, List.of());
            case "enum" -> new Type(t, Kind.ENUM, false, 0, 0, 0, labels(args));
            case "set" -> new Type(t, Kind.SET, false, 0, 0, 0, labels(args));
            case "uuid" -> new Type(t, Kind.UUID, false, 0, 0, 0, List.of());
            default -> new Type(t, Kind.OTHER, false, 0, 0, 0, List.of());
        };
    }

    private static Type integer(String t, int bits, boolean unsigned) {
        return new Type(t, Kind.INTEGER, unsigned, 0, 0, bits, List.of());
    }

    /** ENUM/SET labels as {@code column_type} quotes them: {@code 'a','it''s'}. */
    private static List<String> labels(String args) {
        List<String> out = new ArrayList<>();
        if (args == null) {
            return out;
        }
        StringBuilder label = null;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (label == null) {
                if (c == '\'') {
                    label = new StringBuilder();
                }
            } else if (c == '\'') {
                if (i + 1 < args.length() && args.charAt(i + 1) == '\'') {
                    label.append('\'');
                    i++;
                } else {
                    out.add(label.toString());
                    label = null;
                }
            } else {
                label.append(c);
            }
        }
        return out;
    }

    /**
     * The value to bind for {@code value} (a JSON value of the changefeed format, or a text node of the text
     * format) in {@code column}; null for SQL NULL.
     *
     * @throws SQLException (SQLSTATE {@link #REFUSED}) naming table, column, value and type when the column cannot
     *                      hold the value exactly
     */
    Object convert(TableName table, ColumnInfo column, JsonNode value) throws SQLException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        Type type = type(column);
        Object number = number(type, value);
        if (number != null) {
            return number;
        }
        String text = text(type, value);
        try {
            return convert(type, value, text);
        } catch (Refusal r) {
            throw refused(table, column, type, text, r.getMessage());
        } catch (RuntimeException e) {
            // A parser's own complaint (a malformed number or date).
            throw refused(table, column, type, text, "not a valid " + type.kind().name() + " value");
        }
    }

    static SQLException refused(TableName table, ColumnInfo column, Type type, String text, String why) {
        String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        shown = shown.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
        return new SQLException("table " + table + " column " + column.name() + ": value '" + shown
                + "' does not fit MySQL type " + type.text() + ": " + why, REFUSED);
    }

    /**
     * An integer or DECIMAL column's value straight from a JSON number's own {@link BigInteger} or {@link BigDecimal},
     * which is what its text reads back as; null when that does not apply or the value is to be refused, which the
     * text path then does, naming the text.
     */
    private static Object number(Type type, JsonNode value) {
        if (type.kind() == Kind.INTEGER && value.isIntegralNumber()) {
            BigInteger n = value.bigIntegerValue();
            if (n.bitLength() < 64) {
                long v = n.longValue();
                return within(type, v) ? (Object) v : null;
            }
        } else if (type.kind() == Kind.DECIMAL && (value.isBigDecimal() || value.isIntegralNumber())) {
            try {
                return scaled(type, value.decimalValue());
            } catch (ArithmeticException | Refusal e) {
                return null;
            }
        }
        return null;
    }

    /** Whether an integer column of {@code type} holds {@code n}. */
    private static boolean within(Type type, long n) {
        long min = type.unsigned() ? 0 : -(1L << (type.bits() - 1));
        long max = type.bits() == 64 ? Long.MAX_VALUE
                : type.unsigned() ? (1L << type.bits()) - 1 : (1L << (type.bits() - 1)) - 1;
        return n >= min && n <= max;
    }

    /** The value as text: a string's contents, a number's digits, a boolean's word, a container's JSON. */
    private String text(Type type, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toString();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        return json.write(value);
    }

    /** A value the column cannot hold; its message says why. */
    private static final class Refusal extends RuntimeException {
        Refusal(String why) {
            super(why, null, false, false);
        }
    }

    private Object convert(Type type, JsonNode node, String v) {
        return switch (type.kind()) {
            case INTEGER -> integer(type, v);
            case BOOL -> bool(type, v);
            case DECIMAL -> decimal(type, v);
            case FLOAT -> {
                double d = floating(v);
                float f = (float) d;
                if (Float.isInfinite(f)) {
                    throw new Refusal("out of FLOAT's range");
                }
                if (f == 0 && d != 0) {
                    throw new Refusal("too small for FLOAT (it would become 0)");
                }
                unsignedCheck(type, d);
                // The float's exact value as a double: its shortest text (3.4028235E38) can read back above the
                // float range as a double, which MySQL refuses.
                yield (double) f;
            }
            case DOUBLE -> {
                double d = floating(v);
                unsignedCheck(type, d);
                yield d;
            }
            case BIT -> bit(type, v);
            case CHAR -> {
                if (v.codePointCount(0, v.length()) > type.length()) {
                    throw new Refusal("longer than " + type.length() + " characters");
                }
                yield v;
            }
            case TEXT -> {
                if (utf8Length(v) > type.length()) {
                    throw new Refusal("longer than " + type.length() + " bytes");
                }
                yield v;
            }
            case BINARY, VARBINARY -> {
                byte[] bytes = bytes(v);
                if (type.kind() == Kind.BINARY && bytes.length != type.length()) {
                    throw new Refusal(bytes.length + " bytes where BINARY(" + type.length()
                            + ") holds exactly that many (it would pad or cut)");
                }
                if (type.length() >= 0 && bytes.length > type.length()) {
                    throw new Refusal("longer than " + type.length() + " bytes");
                }
                yield bytes;
            }
            case DATE -> date(v).toString();
            case TIME -> time(type, v);
            case DATETIME, TIMESTAMP -> datetime(type, v);
            case YEAR -> {
                BigInteger y = integral(v);
                int year = y.bitLength() > 31 ? -1 : y.intValue();
                if (year != 0 && (year < 1901 || year > 2155)) {
                    throw new Refusal("YEAR holds 1901 to 2155 and 0");
                }
                yield year;
            }
            case JSON -> {
                if (format == ValueFormat.CHANGEFEED_JSON) {
                    yield json.write(node); // a changefeed's JSON value, written out
                }
                try {
                    json.parse(v);
                } catch (JsonProcessingException e) {
                    throw new Refusal("not a JSON document");
                }
                yield v;
            }
            case ENUM -> {
                if (!member(type, v)) {
                    throw new Refusal("not one of its labels");
                }
                yield v;
            }
            case SET -> set(type, node, v);
            case UUID -> {
                if (!UUID.matcher(v).matches()) {
                    throw new Refusal("not a UUID");
                }
                yield v;
            }
            case OTHER -> v;
        };
    }

    private static Object integer(Type type, String v) {
        // The common value, an optional sign and at most 18 digits, fits a long: no BigDecimal or BigInteger.
        if (v.length() <= 18 && plainInteger(v)) {
            long n = Long.parseLong(v);
            if (within(type, n)) {
                return n;
            }
        }
        BigInteger n = integral(v);
        BigInteger min = type.unsigned() ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(type.bits() - 1).negate();
        BigInteger max = type.unsigned() ? BigInteger.ONE.shiftLeft(type.bits()).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(type.bits() - 1).subtract(BigInteger.ONE);
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
            throw new Refusal("out of range " + min + " to " + max);
        }
        return n.bitLength() < 64 ? (Object) n.longValue() : new BigDecimal(n);
    }

    /** A whole number written as digits, or as a decimal or exponent with nothing after the point. */
    private static BigInteger integral(String v) {
        if (!number(v)) {
            throw new Refusal("not a number");
        }
        BigDecimal d = new BigDecimal(v);
        if (d.scale() > 0 && d.stripTrailingZeros().scale() > 0) {
            throw new Refusal("has a fraction");
        }
        if (d.precision() - d.scale() > 100) {
            throw new Refusal("out of range");
        }
        return d.toBigIntegerExact();
    }

    /** TINYINT(1): PostgreSQL's and JSON's booleans as 1 and 0, and any TINYINT number. */
    private static Object bool(Type type, String v) {
        return switch (v) {
            case "t", "true" -> 1L;
            case "f", "false" -> 0L;
            default -> integer(type, v);
        };
    }

    private static BigDecimal decimal(Type type, String v) {
        if (!number(v)) {
            throw new Refusal(special(v) ? "DECIMAL has no NaN or infinity" : "not a number");
        }
        return scaled(type, new BigDecimal(v));
    }

    /** {@link #decimal} of a number already read. */
    private static BigDecimal scaled(Type type, BigDecimal d) {
        // Stripping zeros only lowers the scale: a scale within the column's needs no stripping.
        if (d.scale() > type.scale() && d.signum() != 0 && d.stripTrailingZeros().scale() > type.scale()) {
            throw new Refusal("more than " + type.scale() + " decimal places (it would be rounded)");
        }
        BigDecimal scaled = d.setScale(type.scale(), RoundingMode.UNNECESSARY);
        if (scaled.precision() - scaled.scale() > type.length() - type.scale()) {
            throw new Refusal("more than " + (type.length() - type.scale()) + " digits before the point");
        }
        if (type.unsigned() && scaled.signum() < 0) {
            throw new Refusal("negative");
        }
        return scaled;
    }

    /**
     * Whether {@code v} is a number in plain or exponent notation: {@code [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?}
     * with ASCII digits, checked without a regular expression (it runs for every numeric value).
     */
    static boolean number(String v) {
        int n = v.length();
        int i = 0;
        if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
            i++;
        }
        int before = digits(v, i);
        i += before;
        int after = 0;
        if (i < n && v.charAt(i) == '.') {
            i++;
            after = digits(v, i);
            i += after;
        }
        if (before == 0 && after == 0) {
            return false;
        }
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
                i++;
            }
            int exponent = digits(v, i);
            if (exponent == 0) {
                return false;
            }
            i += exponent;
        }
        return i == n;
    }

    /** How many ASCII digits stand at {@code from}. */
    private static int digits(String v, int from) {
        int i = from;
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    /** An optional sign and one or more ASCII digits, nothing else. */
    private static boolean plainInteger(String v) {
        int start = !v.isEmpty() && (v.charAt(0) == '+' || v.charAt(0) == '-') ? 1 : 0;
        int n = digits(v, start);
        return n > 0 && start + n == v.length();
    }

    private static boolean special(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        return s.equals("nan") || s.endsWith("infinity") || s.endsWith("inf");
    }

    /** A finite float in plain or exponent notation (Java's own parser also takes hex, suffixes and NaN). */
    private static double floating(String v) {
        if (!number(v)) {
            throw new Refusal(special(v) ? "MySQL floats hold no NaN or infinity" : "not a number");
        }
        double d = Double.parseDouble(v);
        if (Double.isInfinite(d)) {
            throw new Refusal("out of DOUBLE's range");
        }
        if (d == 0 && new BigDecimal(v).signum() != 0) {
            throw new Refusal("too small for DOUBLE (it would become 0)");
        }
        return d;
    }

    private static void unsignedCheck(Type type, double d) {
        if (type.unsigned() && d < 0) {
            throw new Refusal("negative");
        }
    }

    /** A bit string ({@code 0101}), at most the column's width; bound as its number. */
    private static BigDecimal bit(Type type, String v) {
        if (v.isEmpty() || !v.chars().allMatch(c -> c == '0' || c == '1')) {
            throw new Refusal("not a bit string");
        }
        if (v.length() > type.length()) {
            throw new Refusal("more than " + type.length() + " bits");
        }
        return new BigDecimal(new BigInteger(v, 2));
    }

    private static long utf8Length(String v) {
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Bytes as PostgreSQL writes {@code bytea} and the sources send it: hex ({@code \x0a0b}), or the escape form
     * (backslash-escaped octets, {@code \\} for a backslash, other characters as their UTF-8 bytes).
     */
    static byte[] bytes(String v) {
        if (v.startsWith("\\x")) {
            if ((v.length() & 1) != 0) {
                throw new Refusal("odd number of hex digits");
            }
            try {
                return HEX.parseHex(v, 2, v.length());
            } catch (IllegalArgumentException e) {
                throw new Refusal("not hex bytes");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(v.length());
        for (int i = 0; i < v.length(); ) {
            char c = v.charAt(i);
            if (c != '\\') {
                int end = Character.isHighSurrogate(c) && i + 1 < v.length() ? i + 2 : i + 1;
                out.writeBytes(v.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            } else if (i + 1 < v.length() && v.charAt(i + 1) == '\\') {
                out.write('\\');
                i += 2;
            } else if (i + 3 < v.length() + 0 && v.substring(i + 1, i + 4).matches("[0-3][0-7][0-7]")) {
                out.write(Integer.parseInt(v.substring(i + 1, i + 4), 8));
                i += 4;
            } else {
                throw new Refusal("not bytea text (a lone backslash)");
            }
        }
        return out.toByteArray();
    }

    private static LocalDate date(String v) {
        Matcher m = DATE.matcher(v);
        if (!m.matches()) {
            throw new Refusal(v.endsWith(" BC") ? "MySQL dates start at year 1"
                    : v.contains("infinity") ? "MySQL has no infinite dates" : "not a date (YYYY-MM-DD)");
        }
        return localDate(m.group(1), m.group(2), m.group(3));
    }

    private static LocalDate localDate(String y, String mo, String d) {
        int year = y.length() > 4 ? 10_000 : Integer.parseInt(y);
        if (year < 1 || year > 9999) {
            throw new Refusal("MySQL dates hold years 1 to 9999");
        }
        try {
            return LocalDate.of(year, Integer.parseInt(mo), Integer.parseInt(d));
        } catch (DateTimeException e) {
            throw new Refusal("no such day");
        }
    }

    /** DATETIME and TIMESTAMP: a value with a zone is turned into UTC (the session's zone), one without is kept. */
    private static String datetime(Type type, String v) {
        String fast = plainDatetime(type, v);
        if (fast != null) {
            return fast;
        }
        if (v.length() < 19 || (v.charAt(10) != 'T' && v.charAt(10) != ' ')) {
            throw new Refusal(v.endsWith(" BC") ? "MySQL dates start at year 1"
                    : v.contains("infinity") ? "MySQL has no infinite timestamps" : "not a timestamp");
        }
        int dateEnd = v.indexOf(v.charAt(10) == 'T' ? 'T' : ' ', 8);
        Matcher dm = DATE.matcher(v.substring(0, dateEnd));
        if (!dm.matches()) {
            throw new Refusal("not a timestamp");
        }
        LocalDate date = localDate(dm.group(1), dm.group(2), dm.group(3));
        String rest = v.substring(dateEnd + 1);
        Matcher cm = CLOCK.matcher(rest);
        if (!cm.lookingAt()) {
            throw new Refusal("not a timestamp");
        }
        String zone = rest.substring(cm.end());
        if (!zone.isEmpty() && !ZONE.matcher(zone).matches()) {
            throw new Refusal(zone.endsWith(" BC") ? "MySQL dates start at year 1" : "not a timestamp");
        }
        int nanos = fraction(type, cm.group(4));
        LocalTime clock;
        try {
            clock = LocalTime.of(Integer.parseInt(cm.group(1)), Integer.parseInt(cm.group(2)),
                    Integer.parseInt(cm.group(3)), nanos);
        } catch (DateTimeException e) {
            throw new Refusal("no such time of day");
        }
        LocalDateTime at = LocalDateTime.of(date, clock);
        if (!zone.isEmpty()) {
            at = at.atOffset(offset(zone)).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            if (at.getYear() < 1 || at.getYear() > 9999) {
                throw new Refusal("MySQL dates hold years 1 to 9999 (in UTC)");
            }
        }
        if (type.kind() == Kind.TIMESTAMP && (at.isBefore(TIMESTAMP_MIN) || at.isAfter(TIMESTAMP_MAX))) {
            throw new Refusal("TIMESTAMP holds 1970-01-01 00:00:01 to 2038-01-19 03:14:07.999999 UTC");
        }
        return at.toLocalDate() + " " + clockText(at.getHour(), at.getMinute(), at.getSecond(), at.getNano());
    }

    /**
     * {@link #datetime} for the common value, {@code YYYY-MM-DD[T ]HH:MM:SS[.f]} with a 4-digit year and no zone or
     * {@code Z}, read without regular expressions; null for anything else or anything to refuse, which
     * {@link #datetime} then reads (and refuses) the general way, so both give the same answer.
     */
    private static String plainDatetime(Type type, String v) {
        int n = v.length();
        if (n < 19 || v.charAt(4) != '-' || v.charAt(7) != '-' || (v.charAt(10) != 'T' && v.charAt(10) != ' ')
                || v.charAt(13) != ':' || v.charAt(16) != ':') {
            return null;
        }
        int century = twoDigits(v, 0);
        int yearOf = twoDigits(v, 2);
        int year = century < 0 || yearOf < 0 ? -1 : century * 100 + yearOf;
        int month = twoDigits(v, 5);
        int day = twoDigits(v, 8);
        int hour = twoDigits(v, 11);
        int minute = twoDigits(v, 14);
        int second = twoDigits(v, 17);
        if (year < 1 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && v.charAt(i) == '.') {
            int count = digits(v, i + 1);
            if (count < 1 || count > 9) {
                return null;
            }
            for (int k = 0; k < 9; k++) {
                int digit = k < count ? v.charAt(i + 1 + k) - '0' : 0;
                if (k >= type.length() && digit != 0) {
                    return null; // more precision than the column holds: refused the general way
                }
                nanos = nanos * 10 + digit;
            }
            i += 1 + count;
        }
        if (i != n && !(i == n - 1 && v.charAt(i) == 'Z')) {
            return null;
        }
        LocalDateTime at;
        try {
            at = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        } catch (DateTimeException e) {
            return null;
        }
        if (type.kind() == Kind.TIMESTAMP && (at.isBefore(TIMESTAMP_MIN) || at.isAfter(TIMESTAMP_MAX))) {
            return null;
        }
        StringBuilder out = new StringBuilder(26).append(v, 0, 10).append(' ');
        return clock(out, hour, minute, second, nanos).toString();
    }

    /** The number of the two ASCII digits at {@code i}; negative when they are not both digits. */
    private static int twoDigits(String v, int i) {
        int a = v.charAt(i) - '0';
        int b = v.charAt(i + 1) - '0';
        return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10 + b;
    }

    private static ZoneOffset offset(String zone) {
        if (zone.equals("Z")) {
            return ZoneOffset.UTC;
        }
        String digits = zone.substring(1).replace(":", "");
        int h = Integer.parseInt(digits.substring(0, 2));
        int m = digits.length() >= 4 ? Integer.parseInt(digits.substring(2, 4)) : 0;
        int s = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : 0;
        int sign = zone.charAt(0) == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutesSeconds(sign * h, sign * m, sign * s);
    }

    /** The fraction's nanoseconds; digits beyond the column's precision must be zeros (MySQL would round them). */
    private static int fraction(Type type, String digits) {
        if (digits == null) {
            return 0;
        }
        String padded = (digits + "000000000").substring(0, 9);
        for (int i = (int) type.length(); i < digits.length(); i++) {
            if (digits.charAt(i) != '0') {
                throw new Refusal("more than " + type.length() + " fractional digits (it would be rounded)");
            }
        }
        return Integer.parseInt(padded);
    }

    private static String clockText(long h, int m, int s, int nanos) {
        return clock(new StringBuilder(15), h, m, s, nanos).toString();
    }

    /** Appends {@code HH:MM:SS} and, when {@code nanos} is not 0, {@code .ffffff} (microseconds). */
    private static StringBuilder clock(StringBuilder out, long h, int m, int s, int nanos) {
        pad(out, h, 2).append(':');
        pad(out, m, 2).append(':');
        pad(out, s, 2);
        if (nanos != 0) {
            pad(out.append('.'), nanos / 1000, 6);
        }
        return out;
    }

    /** Appends a non-negative number with zeros in front up to {@code width} digits (as {@code %0<width>d}). */
    private static StringBuilder pad(StringBuilder out, long n, int width) {
        String digits = Long.toString(n);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    /** TIME: a time of day or MySQL's signed duration of up to 838:59:59; no zone (TIME holds none). */
    private static String time(Type type, String v) {
        Matcher m = TIME.matcher(v);
        if (!m.matches()) {
            throw new Refusal(ZONE.matcher(v.replaceFirst("^[0-9:.]+", "")).matches()
                    ? "TIME holds no zone" : "not a time (HH:MM:SS)");
        }
        int minutes = Integer.parseInt(m.group(3));
        int seconds = Integer.parseInt(m.group(4));
        if (minutes > 59 || seconds > 59) {
            throw new Refusal("no such time");
        }
        long hours = Long.parseLong(m.group(2));
        int nanos = fraction(type, m.group(5));
        long micros = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + nanos / 1000;
        if (micros > TIME_MAX_MICROS) {
            throw new Refusal("TIME holds -838:59:59 to 838:59:59");
        }
        return (m.group(1) != null && micros != 0 ? "-" : "") + clockText(hours, minutes, seconds, nanos);
    }

    /**
     * Whether {@code v} is one of the labels. MariaDB's {@code information_schema} is utf8mb3, so a label's
     * 4-byte character reads as {@code ?} there: such a {@code ?} matches a 4-byte character (or itself).
     */
    private static boolean member(Type type, String v) {
        if (type.members().contains(v)) {
            return true;
        }
        for (String label : type.members()) {
            if (label.indexOf('?') >= 0 && matches(label, v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String label, String v) {
        int[] a = label.codePoints().toArray();
        int[] b = v.codePoints().toArray();
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && !(a[i] == '?' && b[i] > 0xFFFF)) {
                return false;
            }
        }
        return true;
    }

    /** SET: labels joined by commas (a JSON array's elements, or the text's), each one of the column's labels. */
    private String set(Type type, JsonNode node, String v) {
        List<String> labels = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(e -> labels.add(e.asText()));
        } else if (!v.isEmpty()) {
            labels.addAll(List.of(v.split(",", -1)));
        }
        for (String label : labels) {
            if (!member(type, label)) {
                throw new Refusal("'" + label + "' is not one of its labels");
            }
        }
        return String.join(",", labels);
    }
}
