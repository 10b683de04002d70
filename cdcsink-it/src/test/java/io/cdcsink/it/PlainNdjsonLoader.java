package io.cdcsink.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link ObjstoreSourceBench}'s reference, run in a JVM of its own: what a plain program does with a cloud-storage
 * changefeed copied to a directory. It lists every {@code .ndjson} file below the directory, reads them in name
 * order (CockroachDB's names sort in the order it wrote them; {@code .RESOLVED} files skipped, no consistency), and
 * writes each file's rows ({@code after} objects) as multi-row upserts of 1,000 rows (the statement of
 * {@link TargetWriteReference}) on one autocommit connection.
 *
 * <p>Arguments: the directory, the JDBC URL of the target database.
 */
public final class PlainNdjsonLoader {
    private PlainNdjsonLoader() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".ndjson"))
                    .sorted((a, b) -> root.relativize(a).toString().compareTo(root.relativize(b).toString()))
                    .toList();
        }
        long rows = 0;
        try (Connection db = DriverManager.getConnection(args[1]);
             PreparedStatement upsert = db.prepareStatement(PlainKafkaConsumer.UPSERT)) {
            for (Path file : files) {
                ArrayNode batch = json.createArrayNode();
                try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.isBlank()) {
                            continue;
                        }
                        JsonNode after = json.readTree(line).get("after");
                        if (after == null || after.isNull()) {
                            throw new IllegalStateException("a delete in " + file + ": the benchmark's workload has"
                                    + " none");
                        }
                        batch.add(after);
                        if (batch.size() == TargetWriteReference.BATCH) {
                            rows += write(upsert, json, batch);
                        }
                    }
                }
                rows += write(upsert, json, batch);
            }
        }
        System.out.printf("plain loader: %d rows from %d files%n", rows, files.size());
    }

    private static int write(PreparedStatement upsert, ObjectMapper json, ArrayNode batch) throws Exception {
        int n = batch.size();
        if (n > 0) {
            upsert.setString(1, json.writeValueAsString(batch));
            upsert.executeUpdate();
            batch.removeAll();
        }
        return n;
    }
}
