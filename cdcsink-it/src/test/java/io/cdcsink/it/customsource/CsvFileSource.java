package io.cdcsink.it.customsource;

import io.cdcsink.api.Hlc;
import io.cdcsink.api.JsonText;
import io.cdcsink.api.Mutation;
import io.cdcsink.api.Pipeline;
import io.cdcsink.api.SchemaName;
import io.cdcsink.api.Source;
import io.cdcsink.api.TableName;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads a CSV file on its own thread and hands it to the pipeline in batches. In consistent mode each batch gets its
 * own timestamp followed by a resolved timestamp, so the target sees whole batches; in immediate mode the pipeline
 * applies each batch at once and ignores the resolved timestamps.
 */
final class CsvFileSource implements Source {
    private static final System.Logger LOG = System.getLogger(CsvFileSource.class.getName());

    private final Pipeline pipeline;
    private final Path file;
    private final TableName table;
    private final int batchRows;
    private final Thread reader;
    private volatile long rowsDelivered;

    CsvFileSource(Pipeline pipeline, Path file, TableName table, int batchRows) {
        this.pipeline = pipeline;
        this.file = file;
        this.table = table;
        this.batchRows = batchRows;
        this.reader = new Thread(this::readAll, "csv-file-source");
        this.reader.setDaemon(true);
    }

    @Override
    public void start() throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("csv-file: cannot read " + file);
        }
        reader.start();
    }

    /** Rows handed to the pipeline so far. */
    long rowsDelivered() {
        return rowsDelivered;
    }

    private void readAll() {
        // Timestamps only need to increase; the wall clock keeps them above those of an earlier run.
        long base = System.currentTimeMillis() * 1_000_000L;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                return;
            }
            List<String> columns = Csv.split(header);
            List<String[]> batch = new ArrayList<>();
            long step = 0;
            for (String line = in.readLine(); line != null && !Thread.currentThread().isInterrupted();
                 line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                batch.add(Csv.split(line).toArray(String[]::new));
                if (batch.size() == batchRows) {
                    deliver(columns, batch, new Hlc(base + 2 * step++, 0));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                deliver(columns, batch, new Hlc(base + 2 * step, 0));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "csv-file: stopped reading " + file, e);
        }
    }

    private void deliver(List<String> columns, List<String[]> rows, Hlc time) {
        List<Mutation> mutations = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            if (row.length != columns.size()) {
                throw new IllegalArgumentException("csv-file: a row has " + row.length + " values, the header "
                        + columns.size());
            }
            StringBuilder data = new StringBuilder("{");
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    data.append(',');
                }
                JsonText.appendString(data, columns.get(i)).append(':');
                Csv.jsonValue(data, row[i]);
            }
            String key = Csv.jsonValue(new StringBuilder("["), row[0]).append(']').toString();
            mutations.add(Mutation.upsert(time, key, data.append('}').toString()));
        }
        pipeline.accept(Map.of(table, mutations));
        pipeline.resolved(new SchemaName(table.database(), table.schema()), new Hlc(time.nanos() + 1, 0));
        rowsDelivered += rows.size();
    }

    @Override
    public void close() throws InterruptedException {
        reader.interrupt();
        reader.join(TimeUnit.SECONDS.toMillis(30));
        if (reader.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "csv-file: reader did not stop within 30 s");
        }
    }

    @Override
    public String toString() {
        return "csv-file[" + file + " -> " + table + "]";
    }
}
