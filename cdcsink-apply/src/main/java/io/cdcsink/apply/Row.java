package io.cdcsink.apply;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcsink.api.SourceRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One new row of a mutation: the names of its properties, which of them are null, and either the JSON object text
 * as it arrived or a tree.
 *
 * <p>A received row is only scanned: its property names and nulls are read, checking the text as strictly as a full
 * parse (malformed JSON, duplicate properties, trailing tokens) but building no values. {@link FlatJson} scans the
 * common row, an object of scalars; a streaming Jackson parser everything else.
 * When the row needs no reshaping its text goes into the statement verbatim, so the common row is never parsed into
 * a tree nor written again; the tree is built on first use, for rows that are renamed, filtered or bound value by
 * value. A row with a number in exponent form ({@code 4E+2}) is offered with such numbers written out in plain
 * notation ({@code 400}), which integer columns accept too (the target reads numbers' text as written), and
 * everything else as it arrived.
 */
final class Row {
    /** Above this many properties, a name is looked up in a map of positions instead of compared one by one. */
    private static final int LINEAR_LOOKUP = 8;
    private static final String[] NO_NAMES = new String[0];

    /** Parses {@link #text} when the tree is first needed; null for a built row, which has its tree. */
    private final JsonCodec json;
    private final String text;
    /** Whether {@link #text} may reach the target as it is. */
    private final boolean verbatim;
    /** {@link #text} with exponents written out, made on first use for a row that is not {@link #verbatim}. */
    private String plain;
    private final String[] names;
    private final BitSet nulls;
    /** A typed row's values (a log-based source's row, never JSON); null for a JSON row. */
    private final SourceRow source;
    /** For a typed row that leaves columns out, each name's position in {@link #source}; null when they align. */
    private final int[] positions;
    private ObjectNode tree;
    private Map<String, Integer> indexes;

    private Row(JsonCodec json, String text, boolean verbatim, String[] names, BitSet nulls, ObjectNode tree) {
        this(json, text, verbatim, names, nulls, tree, null, null);
    }

    private Row(JsonCodec json, String text, boolean verbatim, String[] names, BitSet nulls, ObjectNode tree,
                SourceRow source, int[] positions) {
        this.json = json;
        this.text = text;
        this.verbatim = verbatim;
        this.names = names;
        this.nulls = nulls;
        this.tree = tree;
        this.source = source;
        this.positions = positions;
    }

    /**
     * A log-based source's row: its values as they are, in {@link io.cdcsink.api.ValueFormat#TEXT}.
     *
     * @param names the shape's column names (one array per shape, so rows of one shape are {@link #namedAs} each
     *              other); a row that leaves columns out gets names of its own
     */
    static Row typed(String[] names, SourceRow source) {
        if (source.complete()) {
            return new Row(null, null, false, names, null, null, source, null);
        }
        int present = 0;
        for (int i = 0; i < names.length; i++) {
            present += source.absent(i) ? 0 : 1;
        }
        String[] kept = new String[present];
        int[] positions = new int[present];
        for (int i = 0, k = 0; i < names.length; i++) {
            if (!source.absent(i)) {
                kept[k] = names[i];
                positions[k++] = i;
            }
        }
        return new Row(null, null, false, kept, null, null, source, positions);
    }

    /** Whether the row holds a log-based source's values ({@link #value}) rather than JSON. */
    boolean typed() {
        return source != null;
    }

    /** A typed row's value of its {@code i}-th name: the text, or null for SQL NULL. */
    String value(int i) {
        return source.value(positions == null ? i : positions[i]);
    }

    /** As {@link #scan(JsonCodec, String, Row)} without an earlier row. */
    static Optional<Row> scan(JsonCodec json, String text) throws JsonProcessingException {
        return scan(json, text, null);
    }

    /**
     * Scans received JSON text.
     *
     * @param previous a row scanned before from the same table, whose name strings are reused; null for none
     * @return the row, or empty when the text is well-formed JSON but not an object
     * @throws JsonProcessingException when the text is not well-formed JSON, or an object repeats a property
     */
    static Optional<Row> scan(JsonCodec json, String text, Row previous) throws JsonProcessingException {
        FlatJson.Names flat = FlatJson.row(text, previous == null || previous.names == null ? NO_NAMES
                : previous.names);
        if (flat != null) {
            return Optional.of(new Row(json, text, !flat.exponent(), flat.names(), flat.nulls(), null));
        }
        // Nested values, escaped names, and whatever is malformed: the streaming parser decides.
        return streamingScan(json, text);
    }

    /** {@link #scan} with Jackson's streaming parser only: any text, the reference the fast path is tested by. */
    static Optional<Row> streamingScan(JsonCodec json, String text) throws JsonProcessingException {
        try (JsonParser p = json.mapper().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                // Let the full parser say what is wrong, or confirm it is valid JSON of another kind.
                json.parse(text);
                return Optional.empty();
            }
            List<String> names = new ArrayList<>();
            BitSet nulls = new BitSet();
            boolean exponent = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                // Only property names can appear here: the parser rejects anything else.
                names.add(p.currentName());
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    nulls.set(names.size() - 1);
                } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    exponent |= skipValue(p);
                } else {
                    exponent |= exponent(p, value);
                }
            }
            if (p.nextToken() != null) {
                json.parse(text);
            }
            return Optional.of(new Row(json, text, !exponent, names.toArray(String[]::new), nulls, null));
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // Reading from a String fails only for malformed input, reported above as JsonProcessingException.
            throw new IllegalStateException(e);
        }
    }

    /** Skips the object or array just started; whether a number in it has an exponent. */
    private static boolean skipValue(JsonParser p) throws IOException {
        boolean exponent = false;
        for (int depth = 1; depth > 0; ) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            } else {
                exponent |= exponent(p, t);
            }
        }
        return exponent;
    }

    private static boolean exponent(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_FLOAT) {
            return false;
        }
        String number = p.getText();
        return FlatJson.hasExponent(number, 0, number.length());
    }

    /** A row built by the apply layer: it has no received text and is written from its tree. */
    static Row of(ObjectNode tree) {
        List<String> names = new ArrayList<>();
        BitSet nulls = new BitSet();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (tree.get(name).isNull()) {
                nulls.set(names.size());
            }
            names.add(name);
        }
        return new Row(null, null, false, names.toArray(String[]::new), nulls, tree);
    }

    /**
     * The row {@code older} followed by {@code newer} leaves: {@code newer}'s properties, and those of {@code older}
     * that {@code newer} leaves out. {@code newer} itself when it carries every property of {@code older}, the
     * common case, which keeps its received text.
     */
    static Row merge(Row older, Row newer) {
        if (newer.namedAs(older) || newer.hasAll(older)) {
            return newer;
        }
        ObjectNode merged = older.tree().deepCopy();
        merged.setAll(newer.tree());
        return of(merged);
    }

    private boolean hasAll(Row other) {
        for (String name : other.names) {
            if (!has(name)) {
                return false;
            }
        }
        return true;
    }

    /** The property names, in the order they arrived. */
    List<String> names() {
        return Arrays.asList(names);
    }

    /** The number of properties. */
    int size() {
        return names.length;
    }

    /** The {@code i}-th property's name. */
    String name(int i) {
        return names[i];
    }

    /**
     * Whether this row's names are known to be the other's, in order, without comparing them: true when both rows
     * share one array of names (rows of one table scanned one after the other do, see {@link FlatJson#row}).
     */
    boolean namedAs(Row other) {
        return other != null && other.names == names;
    }

    boolean has(String name) {
        return index(name) >= 0;
    }

    /** True when the row carries the property with a JSON null (false when it does not carry it). */
    boolean isNull(String name) {
        int i = index(name);
        return i >= 0 && (source != null ? value(i) == null : nulls.get(i));
    }

    /** The value of a property, or null when the row does not carry it. */
    JsonNode get(String name) {
        if (source != null) {
            int i = index(name);
            return i < 0 ? null : node(value(i));
        }
        return has(name) ? tree().get(name) : null;
    }

    private static JsonNode node(String value) {
        return value == null ? NullNode.getInstance() : TextNode.valueOf(value);
    }

    /** The row as a tree; parsed on first use for a received row. */
    ObjectNode tree() {
        if (tree == null && source != null) {
            ObjectNode built = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < names.length; i++) {
                built.set(names[i], node(value(i)));
            }
            tree = built;
        }
        if (tree == null) {
            tree = FlatJson.tree(text);
        }
        if (tree == null) {
            try {
                tree = (ObjectNode) json.parse(text);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a scanned row no longer parses", e);
            }
        }
        return tree;
    }

    /**
     * The JSON text as received (numbers in exponent form written out), for a row that reaches the statement
     * unchanged; empty for a built row.
     */
    Optional<String> text() {
        if (text == null || verbatim) {
            return Optional.ofNullable(text);
        }
        if (plain == null) {
            plain = json.plainNumbers(text);
        }
        return Optional.of(plain);
    }

    private int index(String name) {
        if (names.length > LINEAR_LOOKUP) {
            if (indexes == null) {
                indexes = new HashMap<>(names.length * 2);
                for (int i = 0; i < names.length; i++) {
                    indexes.put(names[i], i);
                }
            }
            return indexes.getOrDefault(name, -1);
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
