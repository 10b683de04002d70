package io.cdcsink.it.customsource;

import io.cdcsink.api.JsonText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Just enough CSV (commas, double-quoted fields with "" escapes) and JSON text for {@link CsvFileSource}. */
final class Csv {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?");

    private Csv() {
    }

    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /** Numbers as JSON numbers, an empty field as null, anything else as a string. */
    static StringBuilder jsonValue(StringBuilder out, String value) {
        if (value.isEmpty()) {
            return out.append("null");
        }
        if (NUMBER.matcher(value).matches()) {
            return out.append(value);
        }
        return JsonText.appendString(out, value);
    }
}
