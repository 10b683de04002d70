package io.cdcsink.mysql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;

/**
 * The columns of {@link MyLogicalTypeMatrixIT}: each a MariaDB type, the PostgreSQL type docs/mylogical.md suggests
 * for it, and how each side shows a value ({@link Kind}): an output expression per side and a normaliser into one
 * canonical text, so that the source's own output is the oracle for the target's.
 */
final class TypeMatrix {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).build();
    private static final Pattern TIME = Pattern.compile("(-?)(\\d+):(\\d\\d):(\\d\\d)(?:\\.(\\d{1,6}))?");

    private TypeMatrix() {
    }

    /** How a type is read on each side and compared. */
    enum Kind {
        /** Text as it is: strings, ENUM, SET, DATE, JSON into json and text columns, zero dates into text. */
        EXACT,
        INTEGER,
        /** Value and scale. */
        DECIMAL,
        /** The float's bits; the source shows FLOAT with six digits, so it is read through DOUBLE. */
        FLOAT,
        DOUBLE,
        /** BIT(n) as its n bits. */
        BIT,
        YEAR,
        /** Fields; PostgreSQL leaves out the trailing zeros of the fraction. */
        DATETIME,
        /** As DATETIME, in UTC on both sides (PostgreSQL adds {@code +00}). */
        TIMESTAMP,
        /** TIME against interval: the signed number of microseconds. */
        TIME,
        BYTES,
        /** JSON into jsonb: the parsed trees (key order, whitespace and duplicate keys aside). */
        JSONB;

        /** The source expression showing column {@code c} (of {@code bits} bits for BIT). */
        String source(String c, int bits) {
            return switch (this) {
                case FLOAT -> "CAST(" + c + " AS DOUBLE)";
                case BIT -> "LPAD(BIN(" + c + "), " + bits + ", '0')";
                case BYTES -> "LOWER(HEX(" + c + "))";
                default -> "CAST(" + c + " AS CHAR)";
            };
        }

        String target(String c) {
            return this == BYTES ? "encode(" + c + ", 'hex')" : c + "::text";
        }

        /** One canonical text of a value either side shows; null stays null. */
        String canonical(String text) {
            if (text == null) {
                return null;
            }
            return switch (this) {
                case EXACT, BIT -> text;
                case INTEGER -> new BigInteger(text).toString();
                case DECIMAL -> new BigDecimal(text).toPlainString();
                case FLOAT -> {
                    float value = Float.parseFloat(text);
                    yield Float.toString(value) + " (bits " + Integer.toHexString(Float.floatToIntBits(value)) + ")";
                }
                case DOUBLE -> {
                    double value = Double.parseDouble(text);
                    yield Double.toString(value) + " (bits " + Long.toHexString(Double.doubleToLongBits(value)) + ")";
                }
                case YEAR -> Integer.toString(Integer.parseInt(text));
                case DATETIME -> withoutTrailingZeros(text);
                case TIMESTAMP -> withoutTrailingZeros(text.endsWith("+00") ? text.substring(0, text.length() - 3)
                        : text);
                case TIME -> micros(text);
                case BYTES -> text.toLowerCase(Locale.ROOT);
                case JSONB -> canonicalJson(text);
            };
        }
    }

    /**
     * A column: name, MariaDB type, PostgreSQL type, kind, the edge values written into it (SQL literals, NULL
     * included) and the generator of further literals.
     *
     * @param bits for BIT(n) columns, n
     */
    record Column(String name, String sourceType, String targetType, Kind kind, List<String> edges,
                  Arbitrary<String> generated, int bits) {
    }

    /**
     * A table of the matrix: its key columns, the other columns (among them an INT {@code id} that addresses rows,
     * the key itself in most tables), the statement that changes the keys of the rows whose id is between its two
     * {@code %d}, and the session sql_mode its rows are written under.
     */
    record Table(String name, List<Column> key, List<Column> columns, String keyChange, String sqlMode) {
        List<Column> all() {
            List<Column> all = new ArrayList<>(key);
            all.addAll(columns);
            return all;
        }

        String sourceDdl() {
            return ddl('`', Column::sourceType);
        }

        String targetDdl() {
            return ddl('"', Column::targetType);
        }

        private String ddl(char quote, Function<Column, String> type) {
            StringBuilder sql = new StringBuilder("CREATE TABLE " + quote + name + quote + " (");
            for (Column c : all()) {
                sql.append(quote).append(c.name()).append(quote).append(' ').append(type.apply(c)).append(", ");
            }
            sql.append("PRIMARY KEY (");
            for (int i = 0; i < key.size(); i++) {
                sql.append(i > 0 ? ", " : "").append(quote).append(key.get(i).name()).append(quote);
            }
            return sql.append("))").toString();
        }
    }

    private static String withoutTrailingZeros(String text) {
        if (text.length() < 20 || text.charAt(19) != '.') {
            return text;
        }
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        return text.charAt(end - 1) == '.' ? text.substring(0, end - 1) : text.substring(0, end);
    }

    private static String micros(String text) {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            return "not a time: " + text;
        }
        String fraction = m.group(5) == null ? "" : m.group(5);
        long micros = ((Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3))) * 60
                + Long.parseLong(m.group(4))) * 1_000_000 + Long.parseLong((fraction + "000000").substring(0, 6));
        return (m.group(1).isEmpty() ? micros : -micros) + " us";
    }

    /** The JSON with object keys sorted and numbers as plain decimals without trailing zeros. */
    private static String canonicalJson(String text) {
        try {
            return canonical(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            return "not JSON: " + text;
        }
    }

    private static String canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, String> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            return sorted.toString();
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(canonical(item)));
            return items.toString();
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            return value.signum() == 0 ? "0" : value.toString();
        }
        return node.toString();
    }
}
