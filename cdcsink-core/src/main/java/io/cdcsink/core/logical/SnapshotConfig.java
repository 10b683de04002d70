package io.cdcsink.core.logical;

import io.cdcsink.api.Options;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a logical loop copies from snapshots of its source, beside streaming.
 *
 * @param initial   copy every replicated table before streaming when the loop has never run ({@code --snapshot
 *                  initial}; {@code --snapshot none}, the default, copies nothing)
 * @param tables    tables to copy again while streaming ({@code --snapshotTables a,b}); each name is a table or
 *                  {@code schema.table} of the target
 * @param workers   how many chunks are copied at once ({@code --snapshotWorkers}, default 2)
 * @param chunkRows about how many rows one chunk holds ({@code --snapshotChunkRows}, default 100,000)
 * @param keys      the unique key to cut a table without a primary key by ({@code --snapshotKey table=col,col})
 */
public record SnapshotConfig(boolean initial, List<String> tables, int workers, long chunkRows,
                             Map<String, List<String>> keys) {
    public static final int DEFAULT_WORKERS = 2;
    public static final long DEFAULT_CHUNK_ROWS = 100_000;
    /** Copies nothing. */
    public static final SnapshotConfig NONE = new SnapshotConfig(false, List.of(), DEFAULT_WORKERS,
            DEFAULT_CHUNK_ROWS, Map.of());

    public SnapshotConfig {
        tables = List.copyOf(tables);
        keys = Map.copyOf(keys);
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("--snapshotWorkers must be between 1 and 64, was " + workers);
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("--snapshotChunkRows must be at least 1, was " + chunkRows);
        }
    }

    /** True when the loop may copy something. */
    public boolean any() {
        return initial || !tables.isEmpty();
    }

    /** The settings from a source's options, with the defaults for those not given. */
    static SnapshotConfig fromOptions(Options options) {
        return of(options.string("snapshot", "none"), options.string("snapshotTables", ""),
                options.integer("snapshotWorkers", DEFAULT_WORKERS),
                options.integer("snapshotChunkRows", DEFAULT_CHUNK_ROWS), options.string("snapshotKey", ""));
    }

    /**
     * The settings from flag values: {@code mode} none or initial, {@code tables} comma-separated, {@code keys}
     * {@code table=col,col} entries separated by semicolons.
     */
    public static SnapshotConfig of(String mode, String tables, int workers, long chunkRows, String keys) {
        if (!"none".equals(mode) && !"initial".equals(mode)) {
            throw new IllegalArgumentException("--snapshot must be none or initial, was \"" + mode + "\"");
        }
        return new SnapshotConfig("initial".equals(mode), names(tables == null ? "" : tables), workers, chunkRows,
                keys(keys == null ? "" : keys));
    }

    private static List<String> names(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** {@code table=col,col} entries separated by semicolons (the CLI joins repeated {@code --snapshotKey}s so). */
    private static Map<String, List<String>> keys(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            List<String> columns = eq < 0 ? List.of() : names(entry.substring(eq + 1));
            if (eq <= 0 || columns.isEmpty()) {
                throw new IllegalArgumentException("--snapshotKey \"" + entry.strip()
                        + "\": expected table=column[,column...], e.g. public.events=id,seq");
            }
            out.put(entry.substring(0, eq).strip(), columns);
        }
        return out;
    }

    /** These settings as the options {@link #fromOptions} reads back. */
    void toOptions(Map<String, String> m) {
        m.put("snapshot", initial ? "initial" : "none");
        m.put("snapshotTables", String.join(",", tables));
        m.put("snapshotWorkers", Integer.toString(workers));
        m.put("snapshotChunkRows", Long.toString(chunkRows));
        List<String> entries = new ArrayList<>();
        keys.forEach((t, c) -> entries.add(t + "=" + String.join(",", c)));
        m.put("snapshotKey", String.join(";", entries));
    }

    /** True when {@code name} (a table or schema.table) names the target table {@code schema.table}. */
    static boolean names(String name, String schema, String table) {
        return name.equals(table) || name.equals(schema + "." + table);
    }
}
