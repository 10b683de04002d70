package io.cdcsink.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** What {@code cdc-sink verify} prints: a table for people, or JSON for scripts. */
public final class Reports {
    private Reports() {
    }

    /** True when every table is equal. */
    public static boolean equal(List<TableResult> results) {
        return results.stream().allMatch(TableResult::equal);
    }

    public static String text(List<TableResult> results) {
        StringBuilder out = new StringBuilder();
        int width = "table".length();
        for (TableResult r : results) {
            width = Math.max(width, r.source().length());
        }
        out.append(String.format("%-" + width + "s  %12s  %12s  %7s  %8s  %8s  %8s  %s%n", "table", "source rows",
                "target rows", "chunks", "missing", "extra", "changed", "result"));
        for (TableResult r : results) {
            out.append(String.format("%-" + width + "s  %12d  %12d  %7d  %8d  %8d  %8d  %s%n", r.source(),
                    r.sourceRows(), r.targetRows(), r.chunks(), r.missing(), r.extra(), r.changed(),
                    r.equal() ? "EQUAL" : "DIFFERENT"));
        }
        for (TableResult r : results) {
            for (String p : r.problems()) {
                out.append(r.source()).append(": ").append(p).append(System.lineSeparator());
            }
            for (String n : r.notes()) {
                out.append(r.source()).append(": note: ").append(n).append(System.lineSeparator());
            }
            for (Difference d : r.shown()) {
                out.append(r.source()).append(": ").append(String.format("%-7s", d.type().label())).append(" key ")
                        .append(d.key());
                for (int i = 0; i < d.columns().size(); i++) {
                    Difference.ColumnDifference c = d.columns().get(i);
                    out.append(i == 0 ? ": " : "; ").append(c.column()).append(" source ").append(shown(c.source()))
                            .append(", target ").append(shown(c.target()));
                }
                out.append(System.lineSeparator());
            }
            long all = r.missing() + r.extra() + r.changed();
            if (all > r.shown().size()) {
                out.append(r.source()).append(": ... and ").append(all - r.shown().size())
                        .append(" more differing rows (--maxDifferences)").append(System.lineSeparator());
            }
        }
        long equal = results.stream().filter(TableResult::equal).count();
        out.append(results.size()).append(results.size() == 1 ? " table: " : " tables: ").append(equal)
                .append(" equal, ").append(results.size() - equal).append(" different").append(System.lineSeparator());
        return out.toString();
    }

    private static String shown(String value) {
        return value == null ? "NULL" : "'" + value + "'";
    }

    public static String json(List<TableResult> results) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeBooleanField("equal", equal(results));
            g.writeArrayFieldStart("tables");
            for (TableResult r : results) {
                g.writeStartObject();
                g.writeStringField("source", r.source());
                g.writeStringField("target", r.target());
                g.writeBooleanField("equal", r.equal());
                g.writeNumberField("sourceRows", r.sourceRows());
                g.writeNumberField("targetRows", r.targetRows());
                g.writeNumberField("chunks", r.chunks());
                g.writeNumberField("missing", r.missing());
                g.writeNumberField("extra", r.extra());
                g.writeNumberField("changed", r.changed());
                strings(g, "problems", r.problems());
                strings(g, "notes", r.notes());
                g.writeArrayFieldStart("differences");
                for (Difference d : r.shown()) {
                    g.writeStartObject();
                    g.writeStringField("type", d.type().label());
                    g.writeStringField("key", d.key());
                    g.writeArrayFieldStart("columns");
                    for (Difference.ColumnDifference c : d.columns()) {
                        g.writeStartObject();
                        g.writeStringField("column", c.column());
                        g.writeStringField("source", c.source());
                        g.writeStringField("target", c.target());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + System.lineSeparator();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
