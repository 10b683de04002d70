package io.cdcsink.cli;

import io.cdcsink.core.Replicator;
import io.cdcsink.pg.PgLogicalConfig;
import io.cdcsink.pg.PgLogicalSourceProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cdc-sink pglogical}: replicate a PostgreSQL publication through a logical replication slot. */
@Command(name = "pglogical", mixinStandardHelpOptions = true, sortOptions = false,
        description = "start a pg logical replication feed")
final class PgLogicalCommand implements Callable<Integer>, Replicating {
    @Spec
    CommandSpec spec;

    @Mixin
    LogicalOptions options;

    @Option(names = "--loopName", defaultValue = "pglogical",
            description = "identify the replication loop in metrics (default \"${DEFAULT-VALUE}\")")
    String loopName;

    @Option(names = "--publicationName", description = "the publication within the source database to replicate")
    String publicationName;

    @Option(names = "--slotName", defaultValue = PgLogicalConfig.DEFAULT_SLOT_NAME,
            description = "the replication slot in the source database (default \"${DEFAULT-VALUE}\")")
    String slotName;

    @Option(names = "--sourceConn", converter = FileValue.class,
            description = "the source database's connection string (or @file: read from that file)")
    String sourceConn;

    @Override
    public Integer call() throws Exception {
        return LogicalRunner.run(spec, options, replicator());
    }

    @Override
    public Replicator.Builder replicator() {
        return LogicalRunner.builder(options, loopName, PgLogicalSourceProvider.NAME, () -> config().toOptions());
    }

    /** The source settings of these flags. */
    PgLogicalConfig config() {
        return PgLogicalConfig.of(sourceConn, publicationName, slotName, options.targetDB, options.standbyTimeout);
    }
}
