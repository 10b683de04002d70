package io.cdcsink.mysql;

import io.cdcsink.api.Options;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;

/**
 * The {@code mylogical} source: a MySQL or MariaDB server's GTID binlog, run by the replicator's logical-replication
 * loop ({@link SourceContext#logical}). Options ({@link MyLogicalConfig#OPTIONS}) are the flags of
 * {@code cdc-sink mylogical} without dashes, for instance
 *
 * <pre>{@code
 * Replicator.builder().targetConnection("postgresql://postgres@target:5432/postgres").withoutStaging()
 *         .source("mylogical", Map.of("sourceConn", "mysql://root:secret@source:3306/?sslmode=disable",
 *                 "targetDB", "app"))
 *         .start();
 * }</pre>
 */
public final class MyLogicalSourceProvider implements SourceProvider {
    public static final String NAME = "mylogical";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(SourceContext context) {
        MyLogicalConfig config = MyLogicalConfig.fromOptions(Options.of(context.options()));
        return context.logical(new MyLogicalDialect(config));
    }
}
