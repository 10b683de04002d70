package io.cdcsink.it.customsource;

import io.cdcsink.api.LogicalDialect;
import io.cdcsink.api.LogicalEvents;
import io.cdcsink.api.LogicalPosition;
import io.cdcsink.api.RowShape;
import io.cdcsink.api.SourceRow;
import io.cdcsink.api.TableName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a change journal: UTF-8 lines, fields separated by tabs, values as the target column's text input reads them
 * and {@code \N} for NULL.
 *
 * <pre>
 * TABLE   items   *id   name   price        declares a table: its columns, key columns marked with *
 * BEGIN                                     a transaction starts
 * UPSERT  items   1     pen    1.50         the row with this key now has these values (in declared order)
 * DELETE  items   1                         the row with this key (key columns in key order) is gone
 * COMMIT  2026-12-07T10:15:30Z              the transaction committed at this time
 * </pre>
 *
 * A position is the byte offset just after a {@code COMMIT} line. The loop stores it in the target with the data
 * and passes it back to {@link #stream} after a restart; this dialect then reads on from there. Declarations
 * before the offset are read again (without applying anything) so that tables are known. Once a position is durable
 * in the target, the dialect acknowledges it by writing it to {@code <file>.acked}, which tells whoever writes the
 * journal what may be discarded. At the end of the file it waits for more lines until the loop stops it.
 */
final class JournalDialect implements LogicalDialect {
    private static final long POLL_MILLIS = 20;

    private final Path file;
    private final String database;
    private final String schema;

    JournalDialect(Path file, String database, String schema) {
        this.file = file;
        this.database = database;
        this.schema = schema;
    }

    @Override
    public void preflight() {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("cannot read the journal " + file + "; check --file");
        }
    }

    @Override
    public void stream(Optional<LogicalPosition> from, LogicalEvents events) throws Exception {
        long resumeAt = from.map(p -> Long.parseLong(p.text())).orElse(0L);
        Map<String, RowShape> shapes = new HashMap<>();
        Optional<LogicalPosition> acked = Optional.empty();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long offset = 0;
            boolean inTransaction = false;
            while (true) {
                String line = readLine(in, offset);
                if (line == null) {
                    acked = acknowledge(events, acked);
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
                String[] f = line.split("\t", -1);
                // Lines up to the stored position were applied before: only their declarations count.
                boolean apply = offset > resumeAt;
                if ((f[0].equals("UPSERT") || f[0].equals("DELETE")) && !inTransaction) {
                    throw new IllegalStateException("journal " + file + ": " + f[0] + " outside a transaction"
                            + " before byte " + offset);
                }
                switch (f[0]) {
                    case "TABLE" -> shapes.put(f[1], shape(f));
                    case "BEGIN" -> {
                        inTransaction = true;
                        if (apply) {
                            events.begin();
                        }
                    }
                    case "UPSERT" -> {
                        if (apply) {
                            events.upsert(table(f[1]), row(shapes, f, false));
                        }
                    }
                    case "DELETE" -> {
                        if (apply) {
                            events.delete(table(f[1]), row(shapes, f, true));
                        }
                    }
                    case "COMMIT" -> {
                        inTransaction = false;
                        if (apply) {
                            events.commit(new LogicalPosition(Long.toString(offset), Instant.parse(f[1])));
                            acked = acknowledge(events, acked);
                        }
                    }
                    case "" -> {
                    }
                    default -> throw new IllegalStateException("journal " + file + ": unknown line \"" + f[0]
                            + "\" before byte " + offset);
                }
            }
        }
    }

    /** The complete line starting at {@code offset}, or null when the file has none yet. */
    private static String readLine(FileChannel in, long offset) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long at = offset;
        while (true) {
            buffer.clear();
            int n = in.read(buffer, at);
            if (n <= 0) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            at += n;
        }
    }

    /** Writes the newest durable position to {@code <file>.acked} when it moved. */
    private Optional<LogicalPosition> acknowledge(LogicalEvents events, Optional<LogicalPosition> acked)
            throws IOException {
        Optional<LogicalPosition> durable = events.durable();
        if (durable.isPresent() && !durable.equals(acked)) {
            Files.writeString(file.resolveSibling(file.getFileName() + ".acked"), durable.get().text() + "\n");
            return durable;
        }
        return acked;
    }

    private TableName table(String name) {
        return new TableName(database, schema, name);
    }

    private static RowShape shape(String[] f) {
        List<String> columns = new ArrayList<>();
        List<Integer> key = new ArrayList<>();
        for (int i = 2; i < f.length; i++) {
            boolean isKey = f[i].startsWith("*");
            if (isKey) {
                key.add(columns.size());
            }
            columns.add(isKey ? f[i].substring(1) : f[i]);
        }
        return new RowShape(columns, key);
    }

    /** The row of an UPSERT (every column) or a DELETE (key columns only, the others left null). */
    private SourceRow row(Map<String, RowShape> shapes, String[] f, boolean keyOnly) {
        RowShape shape = shapes.get(f[1]);
        if (shape == null) {
            throw new IllegalStateException("journal " + file + ": table " + f[1] + " was not declared");
        }
        int given = f.length - 2;
        int expected = keyOnly ? shape.keySize() : shape.size();
        if (given != expected) {
            throw new IllegalStateException("journal " + file + ": " + f[0] + " " + f[1] + " has " + given
                    + " values, expected " + expected);
        }
        String[] values = new String[shape.size()];
        for (int i = 0; i < given; i++) {
            String v = f[i + 2].equals("\\N") ? null : f[i + 2];
            values[keyOnly ? shape.keyPosition(i) : i] = v;
        }
        return SourceRow.of(shape, values);
    }
}
