package io.cdcsink.mysql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.util.BitSet;

/** Builds the key array and row object JSON of one binlog row image. */
final class RowEncoder {
    private final JsonFactory json = new JsonFactory();

    /** One row image: its key and row JSON. */
    record Encoded(String keyJson, String rowJson) {
    }

    Encoded encode(SourceTable table, BitSet included, Serializable[] image) throws IOException {
        table.requireKey();
        int n = table.columns().size();
        Serializable[] values = new Serializable[n];
        boolean[] present = new boolean[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (included.get(i)) {
                present[i] = true;
                values[i] = image[next++];
            }
        }
        return new Encoded(key(table, values, present), row(table, values, present));
    }

    private String key(SourceTable table, Serializable[] values, boolean[] present) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = json.createGenerator(text)) {
            out.writeStartArray();
            for (int index : table.keyColumns()) {
                SourceColumn column = table.columns().get(index);
                if (!present[index]) {
                    throw new IllegalStateException("the binlog row of " + table.qualifiedName() + " lacks key column "
                            + column.name() + ": set binlog_row_image=FULL on the source");
                }
                ValueWriter.write(out, column, values[index]);
            }
            out.writeEndArray();
        }
        return text.toString();
    }

    private String row(SourceTable table, Serializable[] values, boolean[] present) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = json.createGenerator(text)) {
            out.writeStartObject();
            for (int i = 0; i < values.length; i++) {
                if (present[i]) {
                    SourceColumn column = table.columns().get(i);
                    out.writeFieldName(column.name());
                    ValueWriter.write(out, column, values[i]);
                }
            }
            out.writeEndObject();
        }
        return text.toString();
    }
}
