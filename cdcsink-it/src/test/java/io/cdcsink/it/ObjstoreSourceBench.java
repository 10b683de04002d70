package io.cdcsink.it;

import io.cdcsink.testing.EmbeddedPg;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue #29's benchmark of the objstore source: {@code java -jar cdc-sink.jar objstore --source file:///dir}
 * (consistent, then immediate) beside its reference, a plain program ({@link PlainNdjsonLoader}) that reads the same
 * files in name order and writes their rows as 1,000-row upserts. Every run is a cold JVM of its own, timed from its
 * launch until the target table holds every row, then checked row by row.
 *
 * <p>Before any run, untimed: N rows ({@code -Dbench.rows}, default 500,000) of {@code t (id BIGINT PRIMARY KEY,
 * name TEXT, amount NUMERIC(18,4), at TIMESTAMPTZ)} ({@link TargetWriteReference}'s rows 1..N) written into a local
 * directory as CockroachDB's cloud-storage sink names and fills them (format=json, ndjson lines {@code {"after":
 * {...}, "key": [id], "updated": "<hlc>"}}): 10,000 rows per file, a {@code .RESOLVED} file after every 10 files and
 * after the last. Each run writes into a fresh target database. A benchmark, not a test.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: mvn -B -pl cdcsink-it"
        + " verify -Dbench=true -Dit.test=ObjstoreSourceBench [-Dbench.rows=500000] [-Dbench.repeats=3]")
class ObjstoreSourceBench {
    private static final int ROWS_PER_FILE = 10_000;
    private static final int FILES_PER_RESOLVED = 10;
    /** The first file's time; each file one second after the one before. */
    private static final Instant BASE = Instant.parse("2024-05-01T12:00:00Z");
    private static final DateTimeFormatter WALL = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final EmbeddedPg target = EmbeddedPg.shared();
    private final int rows = Integer.getInteger("bench.rows", 500_000);

    @Test
    void objstoreSourceAgainstAPlainLoader() throws Exception {
        int repeats = Ratios.repeats(5, "each run reads every file three times");
        Path dir = Files.createTempDirectory("objstore-bench");
        try {
            int files = write(dir, rows);
            List<Double> consistentRatios = new ArrayList<>();
            List<Double> immediateRatios = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                // The reference first in even runs, cdc-sink first in odd ones.
                SourceRuns.Run reference = null;
                if (r % 2 == 0) {
                    reference = reference(dir);
                }
                SourceRuns.Run consistent = ours(dir, false);
                SourceRuns.Run immediate = ours(dir, true);
                if (reference == null) {
                    reference = reference(dir);
                }
                consistentRatios.add(consistent.seconds() / reference.seconds());
                immediateRatios.add(immediate.seconds() / reference.seconds());
                System.out.printf("BENCH objstore, %,d rows in %d files, run %d: plain loader %.2f s (%,.0f rows/s);"
                                + " wall time ours / reference (lower is better): consistent %s, immediate %s%n",
                        rows, files, r + 1, reference.seconds(), rows / reference.seconds(),
                        SourceRuns.ratio(consistent, reference, rows), SourceRuns.ratio(immediate, reference, rows));
                for (SourceRuns.Run run : List.of(reference, consistent, immediate)) {
                    System.out.printf("BENCH   %s%n", run.line(rows));
                }
                for (SourceRuns.Run run : List.of(consistent, immediate)) {
                    System.out.printf("BENCH     %s, cdc-sink JVM threads per row:%s%n", run.what(),
                            CpuMeter.perRow(run.threads(), rows));
                }
            }
            System.out.printf("BENCH objstore, median of %d runs, wall time ours / plain loader: consistent %.2f"
                            + " (runs %s), immediate %.2f (runs %s)%n", repeats, Ratios.median(consistentRatios),
                    Ratios.list(consistentRatios), Ratios.median(immediateRatios), Ratios.list(immediateRatios));
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private SourceRuns.Run reference(Path dir) throws Exception {
        String db = freshTarget("oref");
        return SourceRuns.reference("plain ndjson loader, 1,000-row upserts", target, db, rows,
                SourceRuns.plainJvm(PlainNdjsonLoader.class, List.of(dir.toString(), target.jdbcUrl(db))));
    }

    private SourceRuns.Run ours(Path dir, boolean immediate) throws Exception {
        String db = freshTarget(immediate ? "oimm" : "ocons");
        List<String> args = new ArrayList<>(List.of("objstore", "--source", dir.toUri().toString(),
                "--targetConn", target.connectionString(), "--targetSchema", db + ".public"));
        if (immediate) {
            args.add("--immediate");
        }
        return SourceRuns.ours("cdc-sink objstore " + (immediate ? "--immediate" : "(consistent)"), immediate
                ? "objstore-immediate" : "objstore-consistent", target, db, rows, args);
    }

    private String freshTarget(String prefix) throws Exception {
        String db = target.freshDatabase(prefix);
        target.exec(db, KafkaSourceBench.TARGET_DDL);
        return db;
    }

    /** {@code <date>/<33 digits>} of file {@code n}'s time: wall time to the second, nanoseconds, logical. */
    private static String stem(int n) {
        Instant t = BASE.plusSeconds(n);
        return DATE.format(t) + "/" + WALL.format(t) + String.format("%09d%010d", 0, 0);
    }

    private static String hlc(int n) {
        return BASE.plusSeconds(n).getEpochSecond() * 1_000_000_000L + ".0000000000";
    }

    /**
     * The changefeed's files, untimed: file {@code n} (from 0) holds rows {@code 10,000 n + 1} onwards at file
     * {@code n}'s time; a resolved file at the time of every 10th file and of the last. Returns the number of row
     * files.
     */
    static int write(Path dir, int rows) throws IOException {
        long start = System.nanoTime();
        int n = 0;
        for (long first = 1; first <= rows; first += ROWS_PER_FILE, n++) {
            String name = stem(n) + "-4f1c2a9b8e7d6c5b-1-7-" + String.format("%08x", n) + "-t-1.ndjson";
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (long id = first; id < first + ROWS_PER_FILE && id <= rows; id++) {
                    out.write("{\"after\": {\"id\": " + id + ", \"name\": \"name-" + id + "\", \"amount\": "
                            + TargetWriteReference.amount(id) + ", \"at\": \"2024-01-01T00:00:00Z\"}, \"key\": [" + id
                            + "], \"updated\": \"" + hlc(n) + "\"}\n");
                }
            }
            boolean last = first + ROWS_PER_FILE > rows;
            if ((n + 1) % FILES_PER_RESOLVED == 0 || last) {
                // Resolved half a second after the file: later than every row written so far.
                String resolved = stem(n).substring(0, stem(n).length() - 19) + "500000000" + "0000000000"
                        + ".RESOLVED";
                Files.writeString(dir.resolve(resolved), "{}");
            }
        }
        System.out.printf("BENCH objstore: wrote %,d rows in %d files into %s in %.1f s (untimed)%n", rows, n, dir,
                (System.nanoTime() - start) / 1e9);
        return n;
    }
}
