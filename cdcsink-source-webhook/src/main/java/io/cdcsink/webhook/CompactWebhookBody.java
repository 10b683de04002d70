package io.cdcsink.webhook;

import io.cdcsink.api.BadInputException;
import io.cdcsink.api.Hlc;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.TableName;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fast path for webhook bodies as CockroachDB writes them: compact JSON (no whitespace between tokens) whose strings
 * hold no escape. Each row's {@code after} object and {@code key} array are then exactly the text that
 * {@link Json#copyValue} would write for them, so they are taken from the body as they are, in one pass that also
 * checks the JSON grammar, instead of Jackson tokenizing every value and the text being written again.
 *
 * <p>It either vouches for a body or gives up, returning empty; it never rejects. It accepts only bodies that
 * {@link WebhookBodyParser}'s Jackson path reads without error, and gives the same result for them. Anything else
 * (whitespace, an escape, bytes that are not strict UTF-8, a resolved message, a missing or empty field, a topic or
 * timestamp that does not parse, deep nesting, a field given twice) is left to that path, which then reads it or says
 * what is wrong. Giving up is always correct, only slower.
 */
final class CompactWebhookBody {
    /** Deeper values are left to Jackson, whose nesting limit then applies as before. */
    private static final int MAX_DEPTH = 64;
    /**
     * Longer names are left to Jackson, which refuses names over 50,000 characters by default (only strings and
     * numbers have their limits lifted in {@link Json#FACTORY}).
     */
    private static final int MAX_NAME_BYTES = 1024;
    private static final int GIVE_UP = -1;

    private final byte[] in;
    private int at;
    /** Whether a string so far held a byte outside ASCII: the body is then checked to be strict UTF-8. */
    private boolean nonAscii;

    private CompactWebhookBody(byte[] in) {
        this.in = in;
    }

    /** The body's mutations, or empty when the fast path does not vouch for it. */
    static Optional<WebhookBody> parse(SchemaName schema, byte[] body) {
        try {
            return new CompactWebhookBody(body).body(schema);
        } catch (BadInputException e) {
            // A topic, timestamp or key the Jackson path reports with the element's index.
            return Optional.empty();
        }
    }

    private Optional<WebhookBody> body(SchemaName schema) {
        if (!take('{')) {
            return Optional.empty();
        }
        Map<TableName, List<Mutation>> mutations = new LinkedHashMap<>();
        boolean payload = false;
        do {
            String name = string();
            if (name == null || !take(':')) {
                return Optional.empty();
            }
            switch (name) {
                case "payload" -> {
                    if (payload || !payload(schema, mutations)) {
                        return Optional.empty();
                    }
                    payload = true;
                }
                case "resolved" -> {
                    return Optional.empty();
                }
                default -> {
                    if (skipValue(0) == GIVE_UP) {
                        return Optional.empty();
                    }
                }
            }
        } while (take(','));
        if (!take('}') || at != in.length || nonAscii && !strictUtf8()) {
            return Optional.empty();
        }
        return Optional.of(new WebhookBody(mutations, Optional.empty()));
    }

    private boolean payload(SchemaName schema, Map<TableName, List<Mutation>> out) {
        if (!take('[')) {
            return false;
        }
        if (take(']')) {
            return true;
        }
        Map<String, TableName> tables = new HashMap<>();
        do {
            if (!element(schema, tables, out)) {
                return false;
            }
        } while (take(','));
        return take(']');
    }

    private boolean element(SchemaName schema, Map<String, TableName> tables, Map<TableName, List<Mutation>> out) {
        if (!take('{')) {
            return false;
        }
        String after = null;
        boolean afterSeen = false;
        String key = null;
        String topic = null;
        String updated = null;
        do {
            String name = string();
            if (name == null || !take(':')) {
                return false;
            }
            switch (name) {
                case "after" -> {
                    if (afterSeen) {
                        return false;
                    }
                    afterSeen = true;
                    if (!takeNull()) {
                        if (peek() != '{') {
                            return false;
                        }
                        after = slice();
                        if (after == null) {
                            return false;
                        }
                    }
                }
                case "key" -> {
                    if (key != null || peek() != '[') {
                        return false;
                    }
                    key = slice();
                    if (key == null) {
                        return false;
                    }
                }
                case "topic" -> {
                    topic = topic == null ? string() : null; // null: given twice, or not a plain string
                    if (topic == null) {
                        return false;
                    }
                }
                case "updated" -> {
                    updated = updated == null ? string() : null;
                    if (updated == null) {
                        return false;
                    }
                }
                default -> {
                    if (skipValue(0) == GIVE_UP) {
                        return false;
                    }
                }
            }
        } while (take(','));
        if (!take('}') || key == null || topic == null || topic.isEmpty() || updated == null || updated.isEmpty()) {
            return false;
        }
        TableName table = tables.get(topic);
        if (table == null) {
            table = Topics.table(schema, topic);
            tables.put(topic, table);
        }
        out.computeIfAbsent(table, t -> new ArrayList<>())
                .add(new Mutation(Hlc.parse(updated), key, Optional.ofNullable(after)));
        return true;
    }

    /** The object or array at the current position as text, checked; null to give up. */
    private String slice() {
        int from = at;
        if (skipValue(0) == GIVE_UP) {
            return null;
        }
        return text(from, at);
    }

    /** A string without escapes at the current position, its quotes dropped; null to give up. */
    private String string() {
        int from = plainString();
        return from == GIVE_UP ? null : text(from, at - 1);
    }

    /**
     * Moves past a string without escapes of at most {@link #MAX_NAME_BYTES} at the current position (every name is
     * read so); the index of its first byte, or GIVE_UP.
     */
    private int plainString() {
        if (!take('"')) {
            return GIVE_UP;
        }
        int from = at;
        return stringEnd() == GIVE_UP || at - 1 - from > MAX_NAME_BYTES ? GIVE_UP : from;
    }

    /** Moves past the rest of a string whose opening quote was taken; GIVE_UP on an escape or control character. */
    private int stringEnd() {
        for (int i = at; i < in.length; i++) {
            byte b = in[i];
            if (b == '"') {
                at = i + 1;
                return at;
            }
            if (b < 0) {
                nonAscii = true;
            } else if (b == '\\' || b < 0x20) {
                return GIVE_UP;
            }
        }
        return GIVE_UP;
    }

    /** Moves past one JSON value (RFC 8259, compact, no escapes); GIVE_UP when it is not one. */
    private int skipValue(int depth) {
        if (at >= in.length || depth > MAX_DEPTH) {
            return GIVE_UP;
        }
        byte b = in[at];
        switch (b) {
            case '{' -> {
                at++;
                if (take('}')) {
                    return at;
                }
                do {
                    if (plainString() == GIVE_UP || !take(':') || skipValue(depth + 1) == GIVE_UP) {
                        return GIVE_UP;
                    }
                } while (take(','));
                return take('}') ? at : GIVE_UP;
            }
            case '[' -> {
                at++;
                if (take(']')) {
                    return at;
                }
                do {
                    if (skipValue(depth + 1) == GIVE_UP) {
                        return GIVE_UP;
                    }
                } while (take(','));
                return take(']') ? at : GIVE_UP;
            }
            case '"' -> {
                at++;
                return stringEnd();
            }
            case 't' -> {
                return literal("true");
            }
            case 'f' -> {
                return literal("false");
            }
            case 'n' -> {
                return literal("null");
            }
            default -> {
                return number();
            }
        }
    }

    private int literal(String word) {
        int n = word.length();
        if (at + n > in.length) {
            return GIVE_UP;
        }
        for (int i = 0; i < n; i++) {
            if (in[at + i] != word.charAt(i)) {
                return GIVE_UP;
            }
        }
        at += n;
        return at;
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, as RFC 8259 and Jackson's defaults read it. */
    private int number() {
        take('-');
        if (take('0')) {
            if (digit()) {
                return GIVE_UP; // a leading zero
            }
        } else if (!digits()) {
            return GIVE_UP;
        }
        if (take('.') && !digits()) {
            return GIVE_UP;
        }
        if (take('e') || take('E')) {
            if (!take('+')) {
                take('-');
            }
            if (!digits()) {
                return GIVE_UP;
            }
        }
        return at;
    }

    /** Moves past one or more digits; false when there is none. */
    private boolean digits() {
        int from = at;
        while (digit()) {
            at++;
        }
        return at > from;
    }

    private boolean digit() {
        return at < in.length && in[at] >= '0' && in[at] <= '9';
    }

    private boolean take(char c) {
        if (at < in.length && in[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private boolean takeNull() {
        return peek() == 'n' && literal("null") != GIVE_UP;
    }

    private int peek() {
        return at < in.length ? in[at] : -1;
    }

    /**
     * The bytes as text. Decoded leniently: a body with a byte outside ASCII is checked as a whole before the fast
     * path vouches for it ({@link #strictUtf8}), as Jackson refuses malformed UTF-8.
     */
    private String text(int from, int to) {
        return new String(in, from, to - from, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** Whether the body is strict UTF-8: no malformed sequence, overlong form or encoded surrogate. */
    private boolean strictUtf8() {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
