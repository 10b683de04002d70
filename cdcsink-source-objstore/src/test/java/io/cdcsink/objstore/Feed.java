package io.cdcsink.objstore;

import io.cdcsink.api.Hlc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a changefeed as CockroachDB's cloud-storage sink names it, and remembers every row so a test can ask what
 * the target must hold as of a resolved timestamp (the newest row per key at or before it).
 */
final class Feed {
    /** Where files go: a directory or a bucket. */
    interface Sink {
        void put(String name, byte[] content) throws IOException;
    }

    /** One row change: {@code value} empty for a delete. */
    record Row(String table, String key, Hlc time, Optional<String> value) {
    }

    /** The first timestamp: two seconds before midnight, so that the feed spans two date directories. */
    static final Instant BASE = Instant.parse("2024-05-01T23:59:57Z");
    private static final DateTimeFormatter WALL = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final Sink sink;
    private final List<Row> rows = new ArrayList<>();
    private int fileId;

    Feed(Sink sink) {
        this.sink = sink;
    }

    /** The HLC {@code seconds} after {@link #BASE}. */
    static Hlc at(int seconds) {
        return new Hlc((BASE.getEpochSecond() + seconds) * 1_000_000_000L, 0);
    }

    /** {@code <date>/<33 digits>} of a timestamp. */
    static String stem(Hlc t) {
        Instant wall = Instant.ofEpochSecond(t.nanos() / 1_000_000_000L, t.nanos() % 1_000_000_000L);
        return DATE.format(wall) + "/" + WALL.format(wall) + String.format("%09d%010d", t.nanos() % 1_000_000_000L,
                t.logical());
    }

    /** Table a: (id INT PRIMARY KEY, v TEXT). */
    static String a(int id, String v) {
        return "{\"id\":" + id + ",\"v\":" + (v == null ? "null" : "\"" + v + "\"") + "}";
    }

    /** A row file of one topic at {@code t}; lines are {key, after-or-null} pairs. Returns its name. */
    String rows(String topic, String table, Hlc t, boolean gzip, String... keyAfter) throws IOException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < keyAfter.length; i += 2) {
            String key = keyAfter[i];
            String after = keyAfter[i + 1];
            body.append("{\"after\": ").append(after == null ? "null" : after).append(", \"key\": ").append(key)
                    .append(", \"updated\": \"").append(t).append("\"}\n");
            rows.add(new Row(table, key, t, Optional.ofNullable(after)));
        }
        String name = stem(t) + "-4f1c2a9b8e7d6c5b-1-7-" + String.format("%08x", fileId++) + "-" + topic + "-1.ndjson"
                + (gzip ? ".gz" : "");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        if (gzip) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(bytes);
            }
            bytes = out.toByteArray();
        }
        sink.put(name, bytes);
        return name;
    }

    /** A resolved file at {@code t}; returns its name. */
    String resolved(Hlc t) throws IOException {
        String name = stem(t) + ".RESOLVED";
        sink.put(name, "{}".getBytes(StandardCharsets.UTF_8));
        return name;
    }

    /** Table → key (the key's JSON text) → row JSON: the newest row of each key at or before {@code t}. */
    Map<String, Map<String, String>> expected(Hlc t) {
        Map<String, Map<String, Row>> newest = new TreeMap<>();
        for (Row r : rows) {
            if (!r.time().isAfter(t)) {
                newest.computeIfAbsent(r.table(), k -> new TreeMap<>()).merge(r.key(), r,
                        (old, n) -> n.time().isBefore(old.time()) ? old : n);
            }
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        newest.forEach((table, byKey) -> byKey.forEach((key, row) -> row.value().ifPresent(
                v -> out.computeIfAbsent(table, k -> new TreeMap<>()).put(key, v))));
        return out;
    }
}
