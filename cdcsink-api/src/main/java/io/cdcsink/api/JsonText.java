package io.cdcsink.api;

/**
 * Writes JSON strings into a {@link StringBuilder}: the sources build their key and row JSON with it, one builder
 * per row and no JSON library objects, because that is the hottest loop of logical replication. Quotes, backslashes
 * and control characters are escaped; everything else, non-ASCII included, is copied as it is (valid JSON).
 */
public final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {
    }

    /** Appends {@code value} as a quoted JSON string. */
    public static StringBuilder appendString(StringBuilder out, String value) {
        out.append('"');
        int n = value.length();
        int plainFrom = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, plainFrom, i);
            plainFrom = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.append(value, plainFrom, n).append('"');
    }
}
