package io.cdcsink.apply;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns JSON values into SQL text for casts, including JSON arrays into array literals ({@code {"a",NULL}}). */
final class SqlArrayLiteral {
    private SqlArrayLiteral() {
    }

    static String of(JsonNode array, JsonCodec json) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonNode e = array.get(i);
            if (e.isNull()) {
                sb.append("NULL");
            } else if (e.isArray()) {
                sb.append(of(e, json)); // multi-dimensional arrays nest literals
            } else {
                // Always quoted: the quotes protect commas, braces, spaces and the word NULL inside strings.
                sb.append('"').append(scalarText(e, json).replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
        }
        return sb.append('}').toString();
    }

    /** Strings as they are, numbers in plain notation, booleans as true/false, objects and arrays as JSON. */
    static String scalarText(JsonNode value, JsonCodec json) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal() || value.isFloatingPointNumber()) {
            return value.decimalValue().toPlainString();
        }
        if (value.isNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "true" : "false";
        }
        return json.write(value);
    }
}
