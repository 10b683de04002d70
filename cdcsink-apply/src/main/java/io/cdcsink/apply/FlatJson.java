package io.cdcsink.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fast path for the common shapes of mutation JSON: a row that is an object of scalars, a key that is an array of
 * strings and integers. Every mutation passes through here, and a Jackson parser per key and per row allocated more
 * than the rest of the work on it (parser, contexts, buffers, duplicate detector).
 *
 * <p>Each method either vouches for its input or gives up, returning null; it never rejects. It accepts only text
 * that {@link JsonCodec}'s Jackson configuration reads without error (RFC 8259 grammar, no duplicate property, no
 * trailing token), and gives the same result for it. Anything else, including every malformed text, nested values,
 * escaped property names and non-integer numbers in keys, is left to Jackson, which then accepts it or says what
 * is wrong. Giving up is always correct, only slower.
 */
final class FlatJson {
    /** Longer texts go to Jackson, whose read constraints (string and number lengths) then apply as before. */
    static final int MAX_LENGTH = 1 << 20;
    /** Jackson's default limit on the digits of a number; longer ones go to Jackson to be refused there. */
    private static final int MAX_NUMBER_LENGTH = 1000;
    private static final int GIVE_UP = -1;
    /** Up to this many names a duplicate is looked for one by one; wider rows keep a set of their names. */
    private static final int LINEAR_DUPLICATE_CHECK = 16;

    private FlatJson() {
    }

    /**
     * The property names of a row, which are null, and whether a number is written with an exponent; see
     * {@link #row(String, String[])}.
     */
    record Names(String[] names, BitSet nulls, boolean exponent) {
    }

    /**
     * Scans a JSON object whose values are all scalars.
     *
     * @param previous the names of an earlier row, reused where they match so rows of one table share their name
     *                 strings, and the array itself when all match (may be empty)
     * @return the names in order and the nulls, or null when the fast path does not vouch for the text
     */
    static Names row(String text, String[] previous) {
        List<String> names = new ArrayList<>(previous.length == 0 ? 8 : previous.length);
        BitSet nulls = new BitSet();
        boolean[] exponent = {false};
        boolean read = object(text, new Properties() {
            private Set<String> seen;

            @Override
            public boolean name(String t, int from, int to) {
                String name = FlatJson.name(t, from, to, previous, names.size());
                // A duplicate: Jackson refuses it, with its own message.
                if (names.size() < LINEAR_DUPLICATE_CHECK) {
                    if (names.contains(name)) {
                        return false;
                    }
                } else {
                    if (seen == null) {
                        seen = new HashSet<>(names);
                    }
                    if (!seen.add(name)) {
                        return false;
                    }
                }
                names.add(name);
                return true;
            }

            @Override
            public boolean value(String t, int from, int to) {
                char first = t.charAt(from);
                if (first == 'n') {
                    nulls.set(names.size() - 1);
                } else if (first != '"' && first != 't' && first != 'f') {
                    exponent[0] |= hasExponent(t, from, to);
                }
                return true;
            }
        });
        return read ? new Names(same(names, previous) ? previous : names.toArray(String[]::new), nulls, exponent[0])
                : null;
    }

    /**
     * The tree Jackson with {@link JsonCodec}'s settings would build for an object of scalars: {@code TextNode}s,
     * {@code BigIntegerNode}s for integers, {@code DecimalNode}s for other numbers (as written, zeros kept),
     * {@code BooleanNode}s and {@code NullNode}s. A target that binds value by value (MySQL) reads every row's tree,
     * and Jackson's tree parser cost more than the rest of the row's work.
     *
     * @return the tree, or null when the fast path does not vouch for the text, a string escapes a surrogate or NUL,
     *         or a number has an exponent (Jackson's reading of those is left to Jackson)
     */
    static ObjectNode tree(String text) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        String[] name = new String[1];
        boolean read = object(text, new Properties() {
            @Override
            public boolean name(String t, int from, int to) {
                name[0] = t.substring(from, to);
                return !out.has(name[0]);
            }

            @Override
            public boolean value(String t, int from, int to) {
                char first = t.charAt(from);
                JsonNode node;
                if (first == 'n') {
                    node = NullNode.getInstance();
                } else if (first == '"') {
                    String decoded = decode(t, from + 1, to - 1);
                    if (decoded == null) {
                        return false;
                    }
                    node = TextNode.valueOf(decoded);
                } else if (first == 't' || first == 'f') {
                    node = BooleanNode.valueOf(first == 't');
                } else if (hasExponent(t, from, to)) {
                    return false;
                } else if (t.indexOf('.', from) >= 0 && t.indexOf('.', from) < to) {
                    node = DecimalNode.valueOf(new BigDecimal(t.substring(from, to)));
                } else {
                    node = BigIntegerNode.valueOf(integerValue(t, from, to));
                }
                out.set(name[0], node);
                return true;
            }
        });
        return read ? out : null;
    }

    /** Whether the names are the very strings of {@code previous}, in order: rows of one table then share one array. */
    private static boolean same(List<String> names, String[] previous) {
        if (names.size() != previous.length) {
            return false;
        }
        for (int i = 0; i < previous.length; i++) {
            if (names.get(i) != previous[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The values of a row that is an object of scalars, as the text {@code json_populate_recordset} hands each
     * column's input function: a string's decoded characters, a number's or a literal's text as written. Each goes to
     * the position of its name in {@code names} ({@code positions} maps each name to it); a JSON null sets
     * {@code nulls} there instead.
     *
     * @return false when the fast path does not vouch for the text, a name has no position or comes twice, a string
     *         escapes a surrogate or NUL (which Java and PostgreSQL would not read alike), or a number has an
     *         exponent (such rows are written out in plain notation before they reach the target, see
     *         {@link Row#text()})
     */
    static boolean values(String text, String[] names, Map<String, Integer> positions, String[] values,
                          boolean[] nulls) {
        Arrays.fill(values, null);
        Arrays.fill(nulls, false);
        return object(text, new Properties() {
            private int at = -1;

            @Override
            public boolean name(String t, int from, int to) {
                // Rows mostly list their properties in column order: try the next column's name before a lookup,
                // which would need the name as a string of its own.
                int next = at + 1;
                int position;
                if (next < names.length && names[next].length() == to - from && t.startsWith(names[next], from)) {
                    position = next;
                } else {
                    Integer found = positions.get(t.substring(from, to));
                    if (found == null) {
                        return false;
                    }
                    position = found;
                }
                if (values[position] != null || nulls[position]) {
                    return false;
                }
                at = position;
                return true;
            }

            @Override
            public boolean value(String t, int from, int to) {
                char first = t.charAt(from);
                if (first == 'n') {
                    nulls[at] = true;
                    return true;
                }
                values[at] = first == '"' ? decode(t, from + 1, to - 1)
                        : first == 't' || first == 'f' ? t.substring(from, to) : plainNumber(t, from, to);
                return values[at] != null;
            }
        });
    }

    /** What a scan of an object of scalars reports, property by property; returning false gives up. */
    private interface Properties {
        /** A name without escapes, {@code t[from, to)}. */
        boolean name(String t, int from, int to);

        /** Its value, {@code t[from, to)}: {@code null}, a string with its quotes, a number, true or false. */
        boolean value(String t, int from, int to);
    }

    /**
     * Scans a JSON object whose values are all scalars and whose names have no escapes (an escaped name would need
     * decoding before a duplicate check: rare, left to Jackson), reporting each property.
     *
     * @return false when the fast path does not vouch for the text or {@code properties} gives up
     */
    private static boolean object(String text, Properties properties) {
        int n = text.length();
        if (n > MAX_LENGTH) {
            return false;
        }
        int i = skipSpace(text, 0);
        if (i >= n || text.charAt(i) != '{') {
            return false;
        }
        i = skipSpace(text, i + 1);
        if (i < n && text.charAt(i) == '}') {
            return end(text, i + 1);
        }
        while (true) {
            if (i >= n || text.charAt(i) != '"') {
                return false;
            }
            int close = stringEnd(text, i + 1);
            if (close == GIVE_UP || hasEscape(text, i + 1, close) || !properties.name(text, i + 1, close)) {
                return false;
            }
            i = skipSpace(text, close + 1);
            if (i >= n || text.charAt(i) != ':') {
                return false;
            }
            i = skipSpace(text, i + 1);
            int after = text.startsWith("null", i) ? i + 4 : scalar(text, i);
            if (after == GIVE_UP || !properties.value(text, i, after)) {
                return false;
            }
            i = skipSpace(text, after);
            if (i >= n) {
                return false;
            }
            char c = text.charAt(i);
            if (c == '}') {
                return end(text, i + 1);
            }
            if (c != ',') {
                return false;
            }
            i = skipSpace(text, i + 1);
        }
    }

    /** A number's text, or null when it has an exponent. */
    private static String plainNumber(String text, int from, int to) {
        return hasExponent(text, from, to) ? null : text.substring(from, to);
    }

    /** Whether the number {@code text[from, to)} is written with an exponent. */
    static boolean hasExponent(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == 'e' || c == 'E') {
                return true;
            }
        }
        return false;
    }

    /** The characters of a string checked by {@link #stringEnd}; null for an escaped surrogate or NUL. */
    private static String decode(String text, int from, int to) {
        if (!hasEscape(text, from, to)) {
            return text.substring(from, to);
        }
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char u = (char) Integer.parseInt(text, i + 1, i + 5, 16);
                    if (u == 0 || Character.isSurrogate(u)) {
                        return null;
                    }
                    out.append(u);
                    i += 4;
                }
                default -> out.append(e); // '"', '\\' and '/'
            }
        }
        return out.toString();
    }

    /**
     * A key's values, and whether its text is already what {@link JsonCodec#writeKey} would write for them (no
     * whitespace, no {@code -0}), so it need not be written again.
     */
    record Key(ArrayNode values, boolean canonical) {
    }

    /**
     * Parses a JSON array of strings without escapes and of integers, as Jackson with {@link JsonCodec}'s settings
     * would ({@code TextNode}s and {@code BigIntegerNode}s).
     *
     * @return the array, or null when the fast path does not vouch for the text
     */
    static Key key(String text) {
        int n = text.length();
        if (n > MAX_LENGTH || n < 2 || text.charAt(0) != '[') {
            // Leading whitespace is rare enough in keys to leave to Jackson, which keeps the canonical test simple.
            return null;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int i = skipSpace(text, 1);
        boolean canonical = i == 1;
        if (i < n && text.charAt(i) == ']') {
            return end(text, i + 1) ? new Key(out, canonical && i + 1 == n) : null;
        }
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                int close = stringEnd(text, i + 1);
                if (close == GIVE_UP || hasEscape(text, i + 1, close)) {
                    return null;
                }
                out.add(text.substring(i + 1, close));
                i = close + 1;
            } else {
                int after = integer(text, i);
                if (after == GIVE_UP) {
                    return null;
                }
                out.add(integerValue(text, i, after));
                canonical &= !text.startsWith("-0", i);
                i = after;
            }
            int next = skipSpace(text, i);
            canonical &= next == i;
            i = next;
            if (i >= n) {
                return null;
            }
            c = text.charAt(i);
            if (c == ']') {
                return end(text, i + 1) ? new Key(out, canonical && i + 1 == n) : null;
            }
            if (c != ',') {
                return null;
            }
            next = skipSpace(text, i + 1);
            canonical &= next == i + 1;
            i = next;
        }
        return null;
    }

    /** A property name, taken from {@code previous} when it is the same text there at the same position. */
    private static String name(String text, int from, int to, String[] previous, int position) {
        if (position < previous.length) {
            String candidate = previous[position];
            if (candidate.length() == to - from && text.startsWith(candidate, from)) {
                return candidate;
            }
        }
        return text.substring(from, to);
    }

    /**
     * The index of the closing quote of the string whose opening quote precedes {@code from}. Escapes are checked
     * (RFC 8259's set) but not decoded; a raw control character gives up, as Jackson refuses it.
     */
    private static int stringEnd(String text, int from) {
        int n = text.length();
        for (int i = from; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c < 0x20) {
                return GIVE_UP;
            }
            if (c == '\\') {
                if (++i >= n) {
                    return GIVE_UP;
                }
                switch (text.charAt(i)) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                    }
                    case 'u' -> {
                        if (i + 4 >= n) {
                            return GIVE_UP;
                        }
                        for (int k = 1; k <= 4; k++) {
                            if (!isHexDigit(text.charAt(i + k))) {
                                return GIVE_UP;
                            }
                        }
                        i += 4;
                    }
                    default -> {
                        return GIVE_UP;
                    }
                }
            }
        }
        return GIVE_UP;
    }

    /**
     * Skips one scalar other than null: a string, a number, true or false; objects and arrays give up. What follows
     * is the caller's to check (a comma or a closing bracket), which also refuses {@code truex} and {@code 01}.
     */
    private static int scalar(String text, int i) {
        if (i >= text.length()) {
            return GIVE_UP;
        }
        char c = text.charAt(i);
        if (c == '"') {
            int close = stringEnd(text, i + 1);
            return close == GIVE_UP ? GIVE_UP : close + 1;
        }
        if (text.startsWith("true", i)) {
            return i + 4;
        }
        if (text.startsWith("false", i)) {
            return i + 5;
        }
        return number(text, i);
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} */
    private static int number(String text, int from) {
        int i = integer(text, from);
        int n = text.length();
        if (i != GIVE_UP && i < n && text.charAt(i) == '.') {
            i = digits(text, i + 1);
        }
        if (i != GIVE_UP && i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            i = digits(text, i);
        }
        return i != GIVE_UP && i - from > MAX_NUMBER_LENGTH ? GIVE_UP : i;
    }

    /** An integer's value; up to 18 digits through a long, which is cheaper than BigInteger's own parsing. */
    private static BigInteger integerValue(String text, int from, int to) {
        return to - from <= 18 ? BigInteger.valueOf(Long.parseLong(text, from, to, 10))
                : new BigInteger(text.substring(from, to));
    }

    /** {@code -?(0|[1-9][0-9]*)}: a leading zero ends the integer, so {@code 01} fails at the caller's check. */
    private static int integer(String text, int from) {
        int i = from;
        if (i < text.length() && text.charAt(i) == '-') {
            i++;
        }
        if (i >= text.length() || !isDigit(text.charAt(i))) {
            return GIVE_UP;
        }
        int end = text.charAt(i) == '0' ? i + 1 : digits(text, i);
        return end - from > MAX_NUMBER_LENGTH ? GIVE_UP : end;
    }

    /** One or more digits. */
    private static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        return i == from ? GIVE_UP : i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** ASCII only, as JSON has it: {@code Character.digit} would also take other scripts' digits. */
    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean hasEscape(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\\') {
                return true;
            }
        }
        return false;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** True when only whitespace follows. */
    private static boolean end(String text, int from) {
        return skipSpace(text, from) == text.length();
    }
}
