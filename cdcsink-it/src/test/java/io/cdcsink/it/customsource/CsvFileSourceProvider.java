package io.cdcsink.it.customsource;

import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;
import io.cdcsink.api.TableName;
import java.nio.file.Path;

/**
 * A custom source as a third party writes one: it depends on {@code cdcsink-api} only (this package imports nothing
 * else of cdc-sink) and is registered in {@code META-INF/services/io.cdcsink.api.SourceProvider}. It loads a CSV
 * file into one target table.
 *
 * <p>Options: {@code file} (the CSV file; first line the column names, first column the primary key), {@code table}
 * ({@code database.schema.table}) and {@code batchRows} (rows per pipeline batch, default 500).
 */
public final class CsvFileSourceProvider implements SourceProvider {
    public static final String NAME = "csv-file";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(SourceContext context) {
        String file = required(context, "file");
        String[] table = required(context, "table").split("\\.", -1);
        if (table.length != 3 || table[0].isEmpty() || table[1].isEmpty() || table[2].isEmpty()) {
            throw new IllegalArgumentException("csv-file: option table must be database.schema.table, was "
                    + context.options().get("table"));
        }
        int batchRows = Integer.parseInt(context.options().getOrDefault("batchRows", "500"));
        if (batchRows < 1) {
            throw new IllegalArgumentException("csv-file: option batchRows must be at least 1, was " + batchRows);
        }
        return new CsvFileSource(context.pipeline(), Path.of(file), new TableName(table[0], table[1], table[2]),
                batchRows);
    }

    private static String required(SourceContext context, String option) {
        String value = context.options().get(option);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("csv-file: option " + option + " is required");
        }
        return value;
    }
}
