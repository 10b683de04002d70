package io.cdcsink.pg;

import io.cdcsink.api.Options;
import io.cdcsink.api.Source;
import io.cdcsink.api.SourceContext;
import io.cdcsink.api.SourceProvider;

/**
 * The {@code pglogical} source: a PostgreSQL publication read through a logical replication slot (pgoutput) and run
 * by the replicator's logical-replication loop ({@link SourceContext#logical}). Options ({@link
 * PgLogicalConfig#OPTIONS}) are the flags of {@code cdc-sink pglogical} without dashes, for instance
 *
 * <pre>{@code
 * Replicator.builder().targetConnection("postgresql://postgres@target:5432/postgres").withoutStaging()
 *         .source("pglogical", Map.of("sourceConn", "postgresql://postgres@source:5432/app",
 *                 "publicationName", "my_pub", "targetDB", "app"))
 *         .start();
 * }</pre>
 */
public final class PgLogicalSourceProvider implements SourceProvider {
    public static final String NAME = "pglogical";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(SourceContext context) {
        Options options = Options.of(context.options());
        PgLogicalConfig config = PgLogicalConfig.fromOptions(options);
        return context.logical(new PgLogicalDialect(config, "initial".equals(options.string("snapshot", "none"))));
    }
}
